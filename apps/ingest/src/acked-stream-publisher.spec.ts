import type { StreamPublish } from '@tickwire/bus';
import type { Logger } from '@tickwire/runtime';
import { AckedStreamPublisher } from './acked-stream-publisher';

const silent = { info: () => undefined, warn: () => undefined } as unknown as Logger;

/** A stream that refuses (no leader) while `down`, and records what it stored, de-duplicated by id. */
class FlakyStream implements StreamPublish {
  down = false;
  readonly stored: { subject: string; text: string }[] = [];
  readonly ids = new Set<string>();
  attempts = 0;

  async publishToStream(subject: string, data: Uint8Array, msgId: string): Promise<void> {
    this.attempts++;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.down) throw new Error('no leader');
    if (this.ids.has(msgId)) return;
    this.ids.add(msgId);
    this.stored.push({ subject, text: Buffer.from(data).toString() });
  }
}

const publishAll = (publisher: AckedStreamPublisher, subject: string, from: number, to: number): void => {
  for (let i = from; i < to; i++) publisher.publish(subject, Buffer.from(`${subject}:${i}`));
};

describe('AckedStreamPublisher', () => {
  it('stores every batch once, each subject in publish order, through a stream outage', async () => {
    const stream = new FlakyStream();
    const publisher = new AckedStreamPublisher(stream, silent, 50);
    publishAll(publisher, 'md.raw.0', 0, 5);
    publishAll(publisher, 'md.raw.1', 0, 5);
    stream.down = true;
    publishAll(publisher, 'md.raw.0', 5, 20);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(publisher.backlog).toBeGreaterThan(0);
    stream.down = false;
    publishAll(publisher, 'md.raw.1', 5, 10);
    expect(await publisher.close(5_000)).toBe(true);
    expect(publisher.backlog).toBe(0);
    for (const [subject, count] of [['md.raw.0', 20], ['md.raw.1', 10]] as const) {
      expect(stream.stored.filter((s) => s.subject === subject).map((s) => s.text)).toEqual(Array.from({ length: count }, (_, i) => `${subject}:${i}`));
    }
    expect(stream.attempts).toBeGreaterThan(30);
  });

  it('gives up on close after the limit, saying it did', async () => {
    const stream = new FlakyStream();
    stream.down = true;
    const publisher = new AckedStreamPublisher(stream, silent, 50);
    publishAll(publisher, 'md.raw.0', 0, 3);
    expect(await publisher.close(100)).toBe(false);
    expect(stream.stored).toEqual([]);
  });
});
