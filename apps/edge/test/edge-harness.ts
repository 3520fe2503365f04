import { SignJWT } from 'jose';
import { InMemoryBroker, type InMemoryBus } from '@tickwire/bus';
import { MarketUpdate, SubscriptionMode, tickSubjectForSymbol, UPDATE_FIELDS_ALL } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { SnapshotClient, startSnapshotGrpcServer, type SnapshotGrpcServer } from '@tickwire/snapshot-grpc';
import { MemorySnapshotStore } from '@tickwire/store';
import { OriginPolicy, parseTierPolicies, TokenVerifier, type AdmissionPacerOptions } from '../src/access';
import type { SessionLimits } from '../src/client-session';
import { DEFAULT_EDGE_LIMITS } from '../src/edge-defaults';
import { startEdge, type EdgeService } from '../src/edge-service';

export const SECRET = 'edge-test-secret-that-is-long-enough-0123456789';
export const SHARDS = 4;

export interface Harness {
  readonly edge: EdgeService;
  readonly store: MemorySnapshotStore;
  readonly grpc: SnapshotGrpcServer;
  readonly publisher: InMemoryBus;
  readonly url: string;
  readonly httpUrl: string;
  /** Publishes the full state of `symbol` at `seq` on md.tick (and optionally stores it as the snapshot). */
  publish(symbol: string, seq: number, fields?: Partial<MarketUpdate>): MarketUpdate;
  storeSnapshot(update: MarketUpdate): Promise<void>;
  token(claims?: Record<string, unknown>, expiresIn?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly limits?: Partial<SessionLimits>;
  readonly maxConnections?: number;
  readonly maxConnectionsPerIp?: number;
  readonly allowAnonymous?: boolean;
  readonly origins?: string;
  readonly tiers?: string;
  readonly tickMs?: number;
  readonly behindCheckMs?: number;
  readonly admission?: AdmissionPacerOptions;
  readonly listenBacklog?: number;
}

/** A whole edge in-process on real sockets: in-memory bus, a real gRPC snapshot service over an in-memory store. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logger = createLogger({ service: 'edge-test', level: 'warn' });
  const broker = new InMemoryBroker();
  const publisher = broker.connect();
  const store = new MemorySnapshotStore();
  const grpc = await startSnapshotGrpcServer({ store, port: 0, logger });
  const snapshots = new SnapshotClient(grpc.address);
  const verifier = await TokenVerifier.create({ hs256Secret: SECRET, allowAnonymous: options.allowAnonymous ?? false, anonymousTier: 'realtime' });
  const edge = await startEdge({
    bus: broker.connect(),
    snapshots,
    shardCount: SHARDS,
    host: '127.0.0.1',
    port: 0,
    verifier,
    tiers: parseTierPolicies(options.tiers ?? 'realtime:0:50:full,delayed:200:20:quote'),
    origins: OriginPolicy.parse(options.origins ?? '*'),
    maxConnections: options.maxConnections ?? 1_000,
    maxConnectionsPerIp: options.maxConnectionsPerIp ?? 1_000,
    limits: { ...DEFAULT_EDGE_LIMITS, ...options.limits },
    lingerMs: 200,
    maxSymbolsPerFetch: 100,
    behindCheckMs: options.behindCheckMs ?? 20,
    tickMs: options.tickMs ?? 100,
    registry: createMetrics({ service: 'edge-test', defaultMetrics: false }),
    logger,
    ...(options.admission === undefined ? {} : { admission: options.admission }),
    ...(options.listenBacklog === undefined ? {} : { listenBacklog: options.listenBacklog }),
  });
  const states = new Map<string, MarketUpdate>();
  const harness: Harness = {
    edge,
    store,
    grpc,
    publisher,
    url: `ws://127.0.0.1:${edge.address.port}/v1/stream`,
    httpUrl: `http://127.0.0.1:${edge.address.port}`,
    publish(symbol, seq, fields = {}) {
      const update: MarketUpdate = {
        ...MarketUpdate.fromPartial({}),
        ...states.get(symbol),
        symbol,
        seq: BigInt(seq),
        epoch: 1n,
        publishTsNs: BigInt(Date.now()) * 1_000_000n,
        ltp: 1_000_000 + seq,
        lastSize: 100n,
        volume: BigInt(seq * 100),
        quote: { bidPrice: 999_900, bidSize: 10n, askPrice: 1_000_100 + seq, askSize: 20n },
        depth: { bids: [{ price: 999_900, size: 10n, orders: 1 }], asks: [{ price: 1_000_100 + seq, size: 20n, orders: 2 }] },
        changed: UPDATE_FIELDS_ALL,
        trades: [],
        ...fields,
      };
      states.set(symbol, update);
      publisher.publish(tickSubjectForSymbol(symbol, SHARDS), MarketUpdate.encode(update).finish());
      return update;
    },
    async storeSnapshot(update) {
      await store.putLatest([{ symbol: update.symbol, epoch: update.epoch, seq: update.seq, data: MarketUpdate.encode({ ...update, snapshot: true, trades: [] }).finish() }]);
    },
    async token(claims = {}, expiresIn = '1h') {
      return new SignJWT({ tier: 'realtime', ent: { symbols: ['*'] }, ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject('tester').setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(SECRET));
    },
    async stop() {
      await edge.stop(0);
      snapshots.close();
      await grpc.close(0);
      await publisher.close();
    },
  };
  return harness;
}

export { SubscriptionMode };
