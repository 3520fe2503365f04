import { jetstreamManager } from '@nats-io/jetstream';
import { startNats, type TestServer } from '@tickwire/testing';
import { canReplay } from '../bus';
import { waitUntil } from '../testing';
import type { ReplaySubscription } from '../bus';
import { connectNatsBus, type NatsBus } from './nats-bus';

describe('NATS bus: stream replay (JetStream, real nats-server)', () => {
  let server: TestServer;
  let bus: NatsBus;

  beforeAll(async () => {
    server = await startNats({ extraArgs: ['-js', '-sd', `/tmp/tickwire-js-bus-${process.pid}-${Date.now()}`] });
    bus = await connectNatsBus({ servers: server.url, name: 'replay-test' });
  });

  afterAll(async () => {
    await bus?.close();
    await server?.stop();
  });

  it('delivers the history of one subject in order, says when it caught up, then delivers live messages', async () => {
    expect(canReplay(bus)).toBe(true);
    await bus.ensureStream('REPLAY_TEST', ['rp.>'], 60_000);
    await bus.ensureStream('REPLAY_TEST', ['rp.>'], 60_000); // idempotent
    for (let i = 0; i < 100; i++) {
      bus.publish('rp.a', Uint8Array.of(i));
      if (i % 5 === 0) bus.publish('rp.b', Uint8Array.of(200));
    }
    await bus.flush();
    const manager = await jetstreamManager(bus.connection);
    let stored = 0;
    await waitUntil(() => {
      void manager.streams.info('REPLAY_TEST').then((info) => (stored = info.state.messages));
      return stored === 120;
    }, 'the stream to store all 120 messages');
    const seen: number[] = [];
    let caughtUpAt = -1;
    const subscription = await bus.replay('REPLAY_TEST', 'rp.a', (data) => seen.push(data[0]!), () => (caughtUpAt = seen.length));
    await waitUntil(() => caughtUpAt >= 0, 'catching up');
    expect(caughtUpAt).toBe(100);
    bus.publish('rp.a', Uint8Array.of(100));
    bus.publish('rp.a', Uint8Array.of(101));
    await waitUntil(() => seen.length === 102, 'the live messages');
    expect(seen).toEqual(Array.from({ length: 102 }, (_, i) => i));
    subscription.unsubscribe();
  });

  it('is caught up at once on a subject with no history', async () => {
    await bus.ensureStream('REPLAY_TEST', ['rp.>'], 60_000);
    let caughtUp = false;
    const subscription = await bus.replay('REPLAY_TEST', 'rp.empty', () => undefined, () => (caughtUp = true));
    expect(caughtUp).toBe(true);
    subscription.unsubscribe();
  });

  it('rewind, called from the handler, delivers again from the message after the one before the current one', async () => {
    await bus.ensureStream('REPLAY_TEST', ['rp.>'], 60_000);
    for (let i = 0; i < 20; i++) {
      bus.publish('rp.rewind', Uint8Array.of(i));
      bus.publish('rp.other', Uint8Array.of(99)); // other subjects between: stream sequences are not contiguous
    }
    await bus.flush();
    const seen: number[] = [];
    const rewoundAt = new Set<number>();
    let caughtUp = false;
    const subscription: ReplaySubscription = await bus.replay(
      'REPLAY_TEST',
      'rp.rewind',
      (data) => {
        const value = data[0]!;
        seen.push(value);
        // A reader that finds 7 and 15 "too early" the first time asks for them again.
        if ((value === 7 || value === 15) && !rewoundAt.has(value)) {
          rewoundAt.add(value);
          subscription.rewind();
        }
      },
      () => (caughtUp = true),
    );
    const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    // 0..7; 7 again (the message after 6, the one before it) up to 15; 15 again up to 19.
    const expected = [...range(0, 7), ...range(7, 15), ...range(15, 19)];
    await waitUntil(() => caughtUp && seen.length >= expected.length, 'the replay with two rewinds');
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing more may come
    expect(seen).toEqual(expected);
    subscription.unsubscribe();
  });
});
