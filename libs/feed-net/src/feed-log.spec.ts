import { FeedLog } from './feed-log';

describe('FeedLog', () => {
  it('numbers messages from 1 and returns exact copies, across chunk boundaries', () => {
    const log = new FeedLog();
    const sizes: number[] = [];
    let total = 0;
    // Enough 40-50 KB messages to fill more than two 16 MiB chunks.
    for (let i = 0; total < 40 * 1024 * 1024; i++) {
      const size = 40_000 + (i % 10_000);
      const message = new Uint8Array(size).fill(i & 0xff);
      message[0] = i >> 8;
      expect(log.append(message)).toBe(i + 1);
      sizes.push(size);
      total += size;
    }
    expect(log.size).toBe(sizes.length);
    expect(log.nextSequence()).toBe(sizes.length + 1);
    sizes.forEach((size, i) => {
      const message = log.message(i + 1)!;
      expect([message.length, message[0], message[size - 1]]).toEqual([size, i >> 8, i & 0xff]);
    });
  });

  it('copies on append, so the caller may reuse its buffer', () => {
    const log = new FeedLog();
    const buffer = Uint8Array.of(1, 2, 3, 4);
    log.append(buffer, 1, 2);
    buffer.fill(0);
    expect([...log.message(1)!]).toEqual([2, 3]);
  });

  it('answers undefined outside 1..size and rejects empty or oversized messages', () => {
    const log = new FeedLog();
    log.append(Uint8Array.of(7));
    expect([log.message(0), log.message(2), log.message(1.5)]).toEqual([undefined, undefined, undefined]);
    expect(() => log.append(new Uint8Array(0))).toThrow(RangeError);
    expect(() => log.append(new Uint8Array(70_000))).toThrow(RangeError);
  });

  it('notifies append listeners until they unsubscribe', () => {
    const log = new FeedLog();
    let calls = 0;
    const off = log.onAppended(() => calls++);
    log.notifyAppended();
    off();
    log.notifyAppended();
    expect(calls).toBe(1);
  });
});
