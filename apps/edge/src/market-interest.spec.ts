import { InMemoryBroker } from '@tickwire/bus';
import { MarketUpdate, UPDATE_FIELDS_ALL } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { SnapshotClient, startSnapshotGrpcServer, type SnapshotGrpcServer } from '@tickwire/snapshot-grpc';
import { MemorySnapshotStore } from '@tickwire/store';
import { EdgeMetrics } from './edge-metrics';
import { MarketInterest } from './market-interest';

describe('MarketInterest.canonicalSymbol', () => {
  let grpc: SnapshotGrpcServer;
  let client: SnapshotClient;
  beforeAll(async () => {
    const store = new MemorySnapshotStore();
    const update = MarketUpdate.fromPartial({ symbol: 'AAPL', seq: 1n, epoch: 1n, ltp: 1_000_000, changed: UPDATE_FIELDS_ALL, snapshot: true });
    await store.putLatest([{ symbol: 'AAPL', epoch: 1n, seq: 1n, data: MarketUpdate.encode(update).finish() }]);
    grpc = await startSnapshotGrpcServer({ store, port: 0, logger: createLogger({ service: 'test', level: 'silent' }) });
    client = new SnapshotClient(grpc.address);
  });
  afterAll(async () => {
    client.close();
    await grpc.close(0);
  });

  it('hands every session the channel\'s one copy of a symbol it carries, and the caller\'s own otherwise', async () => {
    const interest = new MarketInterest({ bus: new InMemoryBroker().connect(), shardCount: 4, snapshots: client, lingerMs: 50, maxSymbolsPerFetch: 100, metrics: new EdgeMetrics(createMetrics({ service: 'test', defaultMetrics: false })), logger: createLogger({ service: 'test', level: 'silent' }) });
    const first = ['AA', 'PL'].join('');
    const acquired = await interest.acquire(first);
    if (acquired.status !== 'ok') throw new Error(`acquire: ${acquired.status}`);
    const decodedLater = String.fromCharCode(65, 65, 80, 76);
    expect(interest.canonicalSymbol(decodedLater)).toBe('AAPL');
    const unknown = String.fromCharCode(77, 83, 70, 84);
    expect(interest.canonicalSymbol(unknown)).toBe(unknown);
    interest.release(acquired.channel);
    interest.close();
  });

  it('acquireReady takes a reference without a promise only when the channel is ready, and keeps it from lingering out', async () => {
    const interest = new MarketInterest({ bus: new InMemoryBroker().connect(), shardCount: 4, snapshots: client, lingerMs: 50, maxSymbolsPerFetch: 100, metrics: new EdgeMetrics(createMetrics({ service: 'test', defaultMetrics: false })), logger: createLogger({ service: 'test', level: 'silent' }) });
    expect(interest.acquireReady('AAPL')).toBeUndefined();
    const pending = interest.acquire('AAPL');
    // Carried but still fetching its snapshot: not ready, no reference taken.
    expect(interest.acquireReady('AAPL')).toBeUndefined();
    const acquired = await pending;
    if (acquired.status !== 'ok') throw new Error(`acquire: ${acquired.status}`);
    expect(acquired.channel.refs).toBe(1);
    expect(interest.acquireReady('AAPL')).toBe(acquired.channel);
    expect(acquired.channel.refs).toBe(2);
    interest.release(acquired.channel);
    interest.release(acquired.channel);
    // Released by all: lingering. Taken again before the linger ends, it stays past it.
    expect(interest.acquireReady('AAPL')).toBe(acquired.channel);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(interest.channelOf('AAPL')).toBe(acquired.channel);
    interest.release(acquired.channel);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(interest.channelOf('AAPL')).toBeUndefined();
    interest.close();
  });
});
