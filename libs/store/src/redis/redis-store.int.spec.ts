import { createClient } from 'redis';
import { eventually, settleWithin, startRedis, type TestServer } from '@tickwire/testing';
import { StoreError } from '../errors';
import { describeSnapshotStoreContract } from '../testing';
import { VERSION_LENGTH } from './redis-keys';
import { createRedisStore, type RedisSnapshotStore } from './redis-store';

describeSnapshotStoreContract('Redis (real redis-server)', async () => {
  const server = await startRedis();
  process.stdout.write(`store contract: redis via ${server.backend} at ${server.url}\n`);
  return {
    open: (limits) => createRedisStore({ url: server.url, keyPrefix: 'contract:', ...limits }),
    teardown: () => server.stop(),
  };
});

describe('Redis store: outage and recovery against a real server', () => {
  let server: TestServer;
  let store: RedisSnapshotStore;

  beforeAll(async () => {
    server = await startRedis();
    store = await createRedisStore({ url: server.url, keyPrefix: 'outage:', commandTimeoutMs: 2_000, reconnectMaxDelayMs: 200 });
  });

  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it('keys data as documented: the prefix, then the symbol as hash tag', async () => {
    await store.putLatest([{ symbol: 'AAPL', epoch: 1n, seq: 1n, data: Uint8Array.of(1) }]);
    await store.appendCandles('AAPL', [{ startNs: 60_000_000_000n, data: Uint8Array.of(2) }]);
    await store.putInstruments([{ symbol: 'AAPL', data: Uint8Array.of(3) }]);
    const raw = createClient({ url: server.url });
    await raw.connect();
    try {
      expect((await raw.get('outage:latest:{AAPL}'))?.slice(0, VERSION_LENGTH)).toBe('00000000000000000001:00000000000000000001');
      expect(await raw.zCard('outage:candles:{AAPL}')).toBe(1);
      expect(await raw.zRange('outage:{instruments}:index', 0, -1)).toEqual(['AAPL']);
      expect(await raw.hExists('outage:{instruments}:data', 'AAPL')).toBe(1);
    } finally {
      raw.destroy();
    }
  });

  it('reports a latest value that does not start with a version as STORE_ERR_CORRUPT_VALUE, naming the key', async () => {
    const raw = createClient({ url: server.url });
    await raw.connect();
    try {
      await raw.set('outage:latest:{BAD}', 'not a version');
      await raw.set('outage:latest:{SHORT}', '0001:');
    } finally {
      raw.destroy();
    }
    await expect(store.getLatest(['BAD'])).rejects.toMatchObject({ code: 'STORE_ERR_CORRUPT_VALUE', message: expect.stringContaining('outage:latest:{BAD}') });
    await expect(store.getLatest(['SHORT'])).rejects.toMatchObject({ code: 'STORE_ERR_CORRUPT_VALUE' });
  });

  it('rejects with STORE_ERR_UNAVAILABLE while Redis is down, then works again after it restarts', async () => {
    await store.putLatest([{ symbol: 'MSFT', epoch: 1n, seq: 1n, data: Uint8Array.of(1) }]);
    await server.stop();

    const operations: (() => Promise<unknown>)[] = [
      () => store.getLatest(['MSFT']),
      () => store.putLatest([{ symbol: 'MSFT', epoch: 1n, seq: 2n, data: Uint8Array.of(2) }]),
      () => store.ping(),
    ];
    for (const operation of operations) {
      // Bounded well above commandTimeoutMs: an operation that queued forever would fail here.
      const outcome = await settleWithin(operation(), 10_000);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error).toBeInstanceOf(StoreError);
        expect((outcome.error as StoreError).code).toBe('STORE_ERR_UNAVAILABLE');
      }
    }

    await server.start();
    // The server ran without persistence, so it comes back empty and without the Lua scripts (NOSCRIPT path).
    await eventually(() => store.ping(), 'the store to reconnect');
    await expect(store.putLatest([{ symbol: 'MSFT', epoch: 1n, seq: 3n, data: Uint8Array.of(3) }])).resolves.toEqual({ applied: 1, stale: 0 });
    const [got] = await store.getLatest(['MSFT']);
    expect(got).toMatchObject({ seq: 3n });
    expect(Array.from(got!.data)).toEqual([3]);
    await store.appendCandles('MSFT', [{ startNs: 60_000_000_000n, data: Uint8Array.of(7) }]);
    await expect(store.getCandles('MSFT', 0n, 120_000_000_000n)).resolves.toHaveLength(1);
  });

  it('fails createRedisStore with STORE_ERR_UNAVAILABLE when nothing listens, within connectTimeoutMs, naming the server but not its password', async () => {
    await server.stop();
    try {
      const outcome = await settleWithin(createRedisStore({ url: server.url.replace('redis://', 'redis://app:s3cret@'), connectTimeoutMs: 1_000 }), 10_000);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error).toMatchObject({ code: 'STORE_ERR_UNAVAILABLE', message: expect.stringContaining(`redis://***@127.0.0.1:${server.port}`) });
        expect((outcome.error as Error).message).not.toContain('s3cret');
      }
    } finally {
      await server.start();
    }
  });

  it('refuses invalid options, naming the option', async () => {
    await expect(createRedisStore({ url: 'http://x' })).rejects.toMatchObject({ code: 'STORE_ERR_INVALID_OPTION', message: expect.stringContaining('url') });
    await expect(createRedisStore({ url: server.url, keyPrefix: 'a{b}' })).rejects.toMatchObject({ code: 'STORE_ERR_INVALID_OPTION', message: expect.stringContaining('keyPrefix') });
    await expect(createRedisStore({ url: server.url, maxCandlesPerSymbol: 0 })).rejects.toMatchObject({ code: 'STORE_ERR_INVALID_OPTION', message: expect.stringContaining('maxCandlesPerSymbol') });
  });
});
