import { eventually, findFreePort, settleWithin, startRedisCluster, type RedisCluster } from '@tickwire/testing';
import { describeSnapshotStoreContract } from '../testing';
import { StoreError } from '../errors';
import { createRedisStore, type RedisSnapshotStore } from './redis-store';

describeSnapshotStoreContract('Redis Cluster (3 real masters)', async () => {
  const cluster = await startRedisCluster();
  process.stdout.write(`store contract: redis cluster via ${cluster.backend} at ${cluster.seeds.join(',')}\n`);
  return {
    // One seed is enough: the client discovers the other masters.
    open: (limits) => createRedisStore({ clusterNodes: [cluster.seeds[1]!], keyPrefix: 'contract:', ...limits }),
    teardown: () => cluster.stop(),
  };
});

/** The error `promise` rejects with (undefined if it resolves), within 10 s. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  const outcome = await settleWithin(promise, 10_000);
  return outcome.ok ? undefined : outcome.error;
}

describe('Redis store on a Redis Cluster: reads across masters, a master lost and back', () => {
  let cluster: RedisCluster;
  let store: RedisSnapshotStore;
  /** Four symbols per master, in master order. */
  const byMaster: string[][] = [[], [], []];

  beforeAll(async () => {
    cluster = await startRedisCluster();
    store = await createRedisStore({ clusterNodes: cluster.seeds, keyPrefix: 'cl:', commandTimeoutMs: 2_000, reconnectMaxDelayMs: 200 });
    for (let n = 0; byMaster.some((symbols) => symbols.length < 4); n++) {
      const symbol = `S${n}`;
      const master = await cluster.nodeIndexOfKey(`cl:latest:{${symbol}}`);
      if (byMaster[master]!.length < 4) byMaster[master]!.push(symbol);
    }
  });

  afterAll(async () => {
    await store?.close();
    await cluster?.stop();
  });

  it('answers a getLatest over symbols on all three masters in request order, unknown symbols as undefined', async () => {
    const known = byMaster.flat();
    await store.putLatest(known.map((symbol, i) => ({ symbol, epoch: 1n, seq: BigInt(i + 1), data: Uint8Array.of(i) })));
    // Interleave masters and unknowns, with a repeat, so the answer cannot come back grouped by slot.
    const asked = [byMaster[2]![0]!, 'NOPE1', byMaster[0]![1]!, byMaster[1]![3]!, byMaster[0]![0]!, 'NOPE2', byMaster[2]![0]!, ...known.slice().reverse()];
    const got = await store.getLatest(asked);
    expect(got.map((s) => s?.symbol)).toEqual(asked.map((symbol) => (symbol.startsWith('NOPE') ? undefined : symbol)));
    expect(got.map((s) => s?.seq)).toEqual(asked.map((symbol) => (symbol.startsWith('NOPE') ? undefined : BigInt(known.indexOf(symbol) + 1))));
    expect(got.map((s) => s && s.data[0])).toEqual(asked.map((symbol) => (symbol.startsWith('NOPE') ? undefined : known.indexOf(symbol))));
  });

  it('a stopped master: its symbols fail with STORE_ERR_UNAVAILABLE, then every symbol once the cluster is down; all works again after it is back', async () => {
    const [lost, kept] = [byMaster[1]!, byMaster[0]!];
    await store.putLatest([{ symbol: kept[0]!, epoch: 2n, seq: 7n, data: Uint8Array.of(7) }]);
    await cluster.stopNode(1);

    const onLost = await failure(store.getLatest([kept[0]!, lost[0]!]));
    expect(onLost).toBeInstanceOf(StoreError);
    expect(onLost).toMatchObject({ code: 'STORE_ERR_UNAVAILABLE' });
    expect(await failure(store.putLatest([{ symbol: lost[1]!, epoch: 1n, seq: 100n, data: Uint8Array.of(1) }]))).toMatchObject({ code: 'STORE_ERR_UNAVAILABLE' });
    expect(await failure(store.ping())).toMatchObject({ code: 'STORE_ERR_UNAVAILABLE' });

    // Once the survivors count the master failed, they refuse every key: CLUSTERDOWN is unavailable too, not a bad command.
    await eventually(async () => expect(await cluster.clusterState(0)).toBe('fail'), 'the survivors to declare the cluster down');
    const down = await failure(store.getLatest([kept[0]!]));
    expect(down).toMatchObject({ code: 'STORE_ERR_UNAVAILABLE', message: expect.stringContaining('CLUSTERDOWN') });

    // Back, empty (no persistence): writes and reads reach every master again.
    await cluster.restartNode(1);
    await eventually(() => store.ping(), 'the store to reach every master');
    await eventually(async () => {
      await expect(store.putLatest([{ symbol: lost[0]!, epoch: 1n, seq: 200n, data: Uint8Array.of(2) }])).resolves.toEqual({ applied: 1, stale: 0 });
    }, 'a write to the restarted master');
    const got = await store.getLatest([lost[0]!, kept[0]!, lost[1]!]);
    expect(got.map((s) => s?.seq)).toEqual([200n, 7n, undefined]);
  });

  it('finds a master that takes over slots nobody served when it connected (a dead master forgotten, then replaced)', async () => {
    const [gone, kept] = [byMaster[2]!, byMaster[0]!];
    await cluster.stopNode(2);
    await cluster.forgetNode(2);
    // This store's slot map has a hole where master 2's slots were; no connection of its own is left to fail and refresh it.
    const late = await createRedisStore({ clusterNodes: [cluster.seeds[0]!], keyPrefix: 'cl:', commandTimeoutMs: 2_000, reconnectMaxDelayMs: 200 });
    try {
      expect(await failure(late.getLatest([gone[0]!]))).toMatchObject({ code: 'STORE_ERR_UNAVAILABLE' });
      await cluster.restartNode(2);
      await eventually(async () => {
        await expect(late.putLatest([{ symbol: gone[0]!, epoch: 1n, seq: 300n, data: Uint8Array.of(3) }])).resolves.toEqual({ applied: 1, stale: 0 });
      }, 'a write to the master that took the slots over', 15_000);
      expect((await late.getLatest([gone[0]!, kept[0]!])).map((s) => s?.seq)).toEqual([300n, 7n]);
    } finally {
      await late.close();
    }
  });

  it('fails createRedisStore with STORE_ERR_UNAVAILABLE, within connectTimeoutMs, when no seed answers', async () => {
    const seed = `redis://127.0.0.1:${await findFreePort()}`;
    expect(await failure(createRedisStore({ clusterNodes: [seed], connectTimeoutMs: 1_000 }))).toMatchObject({ code: 'STORE_ERR_UNAVAILABLE', message: expect.stringContaining(seed) });
  });
});
