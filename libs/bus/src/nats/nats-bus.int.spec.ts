import { startNats, type TestServer } from '@tickwire/testing';
import type { BusStatus } from '../bus';
import { describeBusContract, waitUntil } from '../testing';
import { connectNatsBus } from './nats-bus';

describeBusContract('NATS (real nats-server)', async () => {
  const server = await startNats();
  process.stdout.write(`bus contract: nats-server via ${server.backend} at ${server.url}\n`);
  return {
    connect: () => connectNatsBus({ servers: server.url, name: 'bus-contract', onHandlerError: () => undefined }),
    teardown: () => server.stop(),
  };
});

describe('NATS bus: connection life cycle against a real server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startNats();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('reports the outage, reconnects after a server restart, and re-subscribes', async () => {
    const bus = await connectNatsBus({ servers: server.url, name: 'reconnect-test', reconnectWaitMs: 100, reconnectJitterMs: 50 });
    try {
      const statuses: BusStatus[] = [];
      bus.onStatus((status) => statuses.push(status));
      const received: number[] = [];
      bus.subscribe('life.cycle', (data) => received.push(data[0]!));
      await bus.flush();
      bus.publish('life.cycle', Uint8Array.of(1));
      await waitUntil(() => received.length === 1, 'the message before the restart');

      await server.restart();
      await waitUntil(() => bus.status === 'connected' && statuses.includes('disconnected'), 'reconnection', 30_000);
      expect(statuses[0]).toBe('disconnected');
      expect(statuses[statuses.length - 1]).toBe('connected');

      bus.publish('life.cycle', Uint8Array.of(2));
      await waitUntil(() => received.length === 2, 'the message after the restart (subscription restored)');
      expect(received).toEqual([1, 2]);
    } finally {
      await bus.close();
    }
  });

  it('waits for a server that is not up yet, then connects', async () => {
    await server.stop();
    const connecting = connectNatsBus({ servers: server.url, name: 'late-server-test', reconnectWaitMs: 100, reconnectJitterMs: 50 });
    let settled = false;
    void connecting.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    await server.start();
    const bus = await connecting;
    expect(bus.status).toBe('connected');
    await bus.drain();
    expect(bus.status).toBe('closed');
  });
});
