import { CLOSE_CODES } from '@tickwire/protocol';
import { createLogger } from '@tickwire/runtime';
import { startSnapshotGrpcServer, type SnapshotGrpcServer } from '@tickwire/snapshot-grpc';
import { MemorySnapshotStore } from '@tickwire/store';
import { edgeConnections, EdgeTestClient, findFreePort, HaproxyBalancer, serverMessage, startNats, type TestServer, ServiceProcess } from '@tickwire/testing';
import { realtimeToken } from './edge-token';
import { until } from './until';

const SECRET = 'e2e-balancer-secret-0123456789-0123456789-abcd';

describe('two edge processes behind HAProxy with infra/haproxy/haproxy.cfg (real haproxy, real NATS)', () => {
  let nats: TestServer;
  let grpc: SnapshotGrpcServer;
  let haproxy: HaproxyBalancer | undefined;
  const edges: ServiceProcess[] = [];
  const clients: EdgeTestClient[] = [];

  beforeAll(async () => {
    nats = await startNats();
    grpc = await startSnapshotGrpcServer({ store: new MemorySnapshotStore(), port: 0, logger: createLogger({ service: 'e2e-snapshot', level: 'warn' }) });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    haproxy?.stop();
    for (const edge of edges) await edge.stop();
    await grpc?.close(0);
    await nats?.stop();
  });

  it('spreads connections over the pool, and a draining edge hands its clients to the other one', async () => {
    const addresses = [
      { port: await findFreePort(), opsPort: await findFreePort() },
      { port: await findFreePort(), opsPort: await findFreePort() },
    ];
    for (const { port, opsPort } of addresses) {
      const edge = new ServiceProcess('edge', { NATS_URL: nats.url, SNAPSHOT_ADDRESS: grpc.address, HOST: '127.0.0.1', PORT: String(port), OPS_PORT: String(opsPort), JWT_HS256_SECRET: SECRET, DRAIN_WINDOW: '300ms' });
      edges.push(edge);
      await edge.waitFor('edge.listening');
    }
    // The config lists three servers; the third points at a closed port and stays down.
    haproxy = await HaproxyBalancer.start(addresses);
    const url = haproxy.wsUrl(`/v1/stream?token=${await realtimeToken(SECRET)}`);
    await until(async () => {
      try {
        const probe = await EdgeTestClient.connect(url);
        await probe.waitFor(serverMessage.welcome, 2_000);
        probe.close();
        await probe.closed;
        return true;
      } catch {
        return false;
      }
    }, 'haproxy to route to a healthy edge');
    await until(async () => (await edgeConnections(edges[0]!)) + (await edgeConnections(edges[1]!)) === 0, 'the probe to close');

    for (let i = 0; i < 6; i++) {
      const client = await EdgeTestClient.connect(url);
      await client.waitFor(serverMessage.welcome);
      clients.push(client);
    }
    // leastconn: both edges carry some of the six.
    const counts = [await edgeConnections(edges[0]!), await edgeConnections(edges[1]!)];
    expect(counts[0]! + counts[1]!).toBe(6);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(2);

    // Drain edge 1: its clients are told to reconnect and closed with 4300; reconnecting through the
    // balancer lands on edge 2 (edge 1 answers 503 and fails its /readyz check).
    void edges[0]!.stop();
    const codes = await Promise.all(clients.map((c) => Promise.race([c.closed.then((closed) => closed.code), new Promise<number>((resolve) => setTimeout(() => resolve(0), 3_000))])));
    expect(codes.filter((code) => code === CLOSE_CODES.SERVER_DRAINING.code)).toHaveLength(counts[0]!);
    expect(codes.filter((code) => code === 0)).toHaveLength(counts[1]!);
    for (let i = 0; i < counts[0]!; i++) {
      const client = await EdgeTestClient.connect(url);
      await client.waitFor(serverMessage.welcome);
      clients.push(client);
    }
    await until(async () => (await edgeConnections(edges[1]!)) === 6, 'edge 2 to hold all six clients');
  }, 60_000);
});
