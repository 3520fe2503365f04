import { jetstreamManager } from '@nats-io/jetstream';
import { startNats, type TestServer } from '@tickwire/testing';
import { canReplay } from '../bus';
import { waitUntil } from '../testing';
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
});
