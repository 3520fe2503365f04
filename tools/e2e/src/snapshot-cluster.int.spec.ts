import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { Instrument, instrumentSubject, shardOf, SubscriptionMode, type MarketUpdate } from '@tickwire/protocol';
import { SnapshotClientError } from '@tickwire/snapshot-grpc';
import { eventually, readyz, startNats, startRedisCluster, syntheticTick, type RedisCluster, type TestServer } from '@tickwire/testing';
import { expectServedAt, publishTicks, SnapshotProcesses } from './snapshot-processes';

const SHARD_COUNT = 4;
const SYMBOLS = Array.from({ length: 30 }, (_, i) => `CL${i}`).concat(['BRK.B']);
/** A fixed publish time, so the update published and the snapshot expected are the same bytes. */
const PUBLISH_NS = BigInt(Date.parse('2026-07-15T14:00:00Z')) * 1_000_000n;

function update(symbol: string, seq: number): MarketUpdate {
  return syntheticTick(symbol, seq, { publishNs: PUBLISH_NS });
}

/** What GetSnapshots(FULL) returns for an update: the update as a snapshot, without prints. */
function expectedSnapshot(symbol: string, seq: number): MarketUpdate {
  return { ...update(symbol, seq), snapshot: true, trades: [] };
}

describe('snapshot service (process) on a 3-master Redis Cluster: ticks in over NATS, GetSnapshots out, a master lost and back', () => {
  let nats: TestServer;
  let cluster: RedisCluster;
  let publisher: NatsBus;
  const snapshots = new SnapshotProcesses(SHARD_COUNT);

  const publishUpTo = (from: number, to: number): Promise<void> => publishTicks(publisher, SHARD_COUNT, SYMBOLS, from, to, update);

  beforeAll(async () => {
    [nats, cluster] = await Promise.all([startNats(), startRedisCluster()]);
    process.stdout.write(`snapshot cluster e2e: nats via ${nats.backend} at ${nats.url}, redis cluster via ${cluster.backend} at ${cluster.seeds.join(',')}\n`);
    publisher = await connectNatsBus({ servers: nats.url, name: 'e2e-snapshot-cluster-publisher' });
  });

  afterAll(async () => {
    await snapshots.stop();
    await publisher?.close();
    await Promise.all([nats?.stop(), cluster?.stop()]);
  });

  it('refuses REDIS_CLUSTER_NODES together with REDIS_URL, and a bad seed list, at startup, naming the variables', async () => {
    const both = snapshots.spawn({ NATS_URL: nats.url, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000', GRPC_PORT: '0' });
    expect(await both.exited).toBe(1);
    expect(JSON.stringify(both.lines.filter((l) => l.event === 'service.start_failed'))).toContain('REDIS_URL and REDIS_CLUSTER_NODES are both set');

    const bad = snapshots.spawn({ NATS_URL: nats.url, REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1', GRPC_PORT: '0' });
    expect(await bad.exited).toBe(78);
    expect(bad.stderr.join('\n')).toContain('REDIS_CLUSTER_NODES: expected a comma-separated list of Redis Cluster seed nodes');
  });

  it('writes every symbol to the cluster and serves it in request order; a lost master makes it UNAVAILABLE, and once back nothing is lost', async () => {
    // The test means something only if the symbols live on every master.
    const masters = await Promise.all(SYMBOLS.map((symbol) => cluster.nodeIndexOfKey(`tw:latest:{${symbol}}`)));
    expect(new Set(masters).size).toBe(3);

    // Two seeds as host:port: the service discovers the third master itself.
    const seeds = cluster.seeds.slice(0, 2).map((url) => url.replace('redis://', ''));
    const { app, client } = await snapshots.start({ NATS_URL: nats.url, REDIS_CLUSTER_NODES: seeds.join(',') });
    expect(await readyz(app)).toMatchObject({ status: 200 });

    // 1. Ticks in over NATS, GetSnapshots out: every symbol at its latest seq, unknowns reported; the directory (one slot) too.
    await publishUpTo(1, 50);
    for (const symbol of SYMBOLS) publisher.publish(instrumentSubject(shardOf(symbol, SHARD_COUNT)), Instrument.encode(Instrument.fromPartial({ symbol, locate: 1 + SYMBOLS.indexOf(symbol), shard: shardOf(symbol, SHARD_COUNT) })).finish());
    await publisher.flush();
    await eventually(() => expectServedAt(client, SYMBOLS, 50, expectedSnapshot), 'every symbol at seq 50');
    const mixed = await client.getSnapshots(['CL7', 'NOPE', 'BRK.B', 'CL0'], SubscriptionMode.LTP);
    expect(mixed.snapshots.map((s) => s.symbol)).toEqual(['CL7', 'BRK.B', 'CL0']);
    expect(mixed.unknownSymbols).toEqual(['NOPE']);
    await eventually(async () => expect((await client.listInstruments('CL1', 100)).map((i) => i.symbol)).toEqual(SYMBOLS.filter((s) => s.startsWith('CL1')).sort()), 'the instrument directory');

    // 2. The master holding the most symbols goes away: the service stays up, says so, answers UNAVAILABLE.
    const lost = [0, 1, 2].sort((a, b) => masters.filter((m) => m === b).length - masters.filter((m) => m === a).length)[0]!;
    await cluster.stopNode(lost);
    await publishUpTo(51, 60);
    await eventually(async () => {
      const ready = await readyz(app);
      expect(ready.status).toBe(503);
      expect(ready.body).toContain('store');
    }, '/readyz to report the store down');
    const unavailable = await client.getSnapshots(SYMBOLS, SubscriptionMode.FULL).catch((error: unknown) => error);
    expect(unavailable).toBeInstanceOf(SnapshotClientError);
    expect(unavailable).toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_STORE_UNAVAILABLE', retryable: true });
    expect(app.lines.some((l) => l.event === 'store.down')).toBe(true);

    // 3. Back, empty: the service writes its newest state again, so every symbol, on every master, is at 60.
    await cluster.restartNode(lost);
    await eventually(async () => expect((await readyz(app)).status).toBe(200), '/readyz to recover', 40_000);
    await eventually(() => expectServedAt(client, SYMBOLS, 60, expectedSnapshot), 'every symbol at seq 60 after the master came back', 40_000);
    expect(app.lines.some((l) => l.event === 'store.recovered')).toBe(true);
    expect(await client.checkHealth()).toBe('SERVING');
    expect(await app.stop()).toBe(0);
  });
});
