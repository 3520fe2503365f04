import { BUS_READINESS, type ServiceBusConnector } from '@tickwire/bus';
import { DEFAULT_NATS_URL, defineConfig, env, type EnvVar, type Logger, type NodeOption, type ServiceDefinition } from '@tickwire/runtime';
import { DEFAULT_MAX_SYMBOLS_PER_REQUEST, startSnapshotGrpcServer, type SnapshotGrpcServer } from '@tickwire/snapshot-grpc';
import { DEFAULT_MAX_CANDLES_PER_SYMBOL, type RedisStoreOptions, type SnapshotStore } from '@tickwire/store';
import { DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_RETRY_MAX_DELAY_MS } from './coalescing-writer';
import { isTimeZone } from './session-midnight';
import { DEFAULT_REDIS_URL, redisClusterNodesVar, redisServerOptions } from './store-connection';
export { connectStoreWithRetry } from './store-connection';
import { DEFAULT_CANDLE_BACKLOG, DEFAULT_EXCHANGE_TZ, DEFAULT_MAX_SYMBOLS, startSnapshotService } from './snapshot-service';

/** An IANA time zone, checked against the runtime's zone database at start. */
function timeZoneVar(doc: string): EnvVar<string, false> {
  const base = env.string({ default: DEFAULT_EXCHANGE_TZ, doc });
  return Object.freeze({ ...base, form: 'an IANA time zone name, e.g. America/New_York', parse: (raw: string) => (isTimeZone(raw) ? { ok: true as const, value: raw } : { ok: false as const }) });
}

/** Ranges of shards, or `none`: a replica that owns no shards writes nothing and only serves reads. */
function shardsVar(doc: string): EnvVar<readonly number[], false> {
  const ranges = env.intRanges({ min: 0, max: 1023, default: '0-15', doc });
  const none: readonly number[] = Object.freeze([]);
  return Object.freeze({ ...ranges, form: `none, or ${ranges.form}`, parse: (raw: string) => (raw.trim() === 'none' ? { ok: true as const, value: none } : ranges.parse(raw)) });
}

export const snapshotConfig = defineConfig({
  NATS_URL: env.url({ protocols: ['nats:', 'tls:'], list: true, default: DEFAULT_NATS_URL, doc: 'NATS server URL(s), comma-separated' }),
  REDIS_URL: env.url({ protocols: ['redis:', 'rediss:'], optional: true, doc: `one Redis holding the latest state, candles and instruments (${DEFAULT_REDIS_URL} when neither this nor REDIS_CLUSTER_NODES is set)` }),
  REDIS_CLUSTER_NODES: redisClusterNodesVar('seed nodes of a Redis Cluster holding them instead, comma-separated host:port; not together with REDIS_URL'),
  REDIS_KEY_PREFIX: env.string({ pattern: /^[^{}\s]{0,32}$/, default: 'tw:', doc: 'prefix of every Redis key (no braces)' }),
  GRPC_HOST: env.string({ default: '0.0.0.0', doc: 'address the SnapshotService listens on' }),
  GRPC_PORT: env.port({ allowZero: true, default: 9400, doc: 'port of the SnapshotService (0 = any free port, logged as grpc.listening)' }),
  SHARD_COUNT: env.int({ min: 1, max: 1024, default: 16, doc: 'number of md.tick shards (the same as ingest and normalizer)' }),
  SHARDS: shardsVar('shards whose ticks and instruments this replica writes, e.g. 0-7; run two replicas per shard set for redundancy. none: a replica that writes nothing and serves reads from the store alone (no NATS), away from the event loops that absorb the feed'),
  FLUSH_INTERVAL: env.duration({ min: 10, max: 60_000, default: DEFAULT_FLUSH_INTERVAL_MS, doc: 'each symbol is written to Redis at most once per interval (newest state; updates in between are coalesced)' }),
  STORE_RETRY_MAX: env.duration({ min: 100, max: 300_000, default: DEFAULT_RETRY_MAX_DELAY_MS, doc: 'longest wait between write attempts while Redis is down (starts at FLUSH_INTERVAL, doubling)' }),
  MAX_CANDLES: env.int({ min: 1, max: 100_000, default: DEFAULT_MAX_CANDLES_PER_SYMBOL, doc: 'one-minute bars kept per symbol in Redis (1440 = a day)' }),
  CANDLE_BACKLOG: env.int({ min: 1, max: 10_000, default: DEFAULT_CANDLE_BACKLOG, doc: 'closed bars per symbol held in memory while Redis is down (older ones dropped, counted)' }),
  MAX_SYMBOLS: env.int({ min: 1, max: 10_000_000, default: DEFAULT_MAX_SYMBOLS, doc: 'symbols (and instruments) held at most; more are ignored and counted' }),
  MAX_SYMBOLS_PER_REQUEST: env.int({ min: 1, max: 100_000, default: DEFAULT_MAX_SYMBOLS_PER_REQUEST, doc: 'GetSnapshots symbols per call; more is INVALID_ARGUMENT' }),
  EXCHANGE_TZ: timeZoneVar('time zone of the exchange: trade times are ns since its local midnight; candles start at Unix times derived from it'),
});

/**
 * The Node options the service is tuned for. With V8's default young generation (up to 2 x 16 MiB) and a
 * heap as small as this service's (~17 MiB live), V8 can fall into starting incremental marking back to
 * back: a mark-compact every ~100 GetSnapshots calls, each pausing the calls in flight
 * (docs/operations.md#node-options).
 */
export const SNAPSHOT_NODE_OPTIONS: readonly NodeOption[] = Object.freeze([
  { flag: '--max-semi-space-size=4', why: 'a young generation of at most 2 x 4 MiB: with the default 16 MiB and a small heap V8 can keep marking, a mark-compact every ~100 GetSnapshots calls' },
]);

export interface SnapshotAdapters {
  readonly connectBus: ServiceBusConnector;
  /** Resolves once the store answers (retrying meanwhile), or rejects when `closing()` turns true. */
  readonly connectStore: (options: RedisStoreOptions, logger: Logger, closing: () => boolean) => Promise<SnapshotStore & { close(): Promise<void> }>;
}

/** Where the SnapshotService listens, `host:port`. */
export interface SnapshotEndpoints {
  readonly grpcAddress: string;
}

/** The snapshot service's wiring; `main.ts` runs it on NATS and Redis, the embedded mode on memory. */
export function snapshotApp(adapters: SnapshotAdapters): ServiceDefinition<typeof snapshotConfig, SnapshotEndpoints> {
  return {
    name: 'snapshot',
    config: snapshotConfig,
    nodeOptions: SNAPSHOT_NODE_OPTIONS,
    async start(ctx) {
      const { config: cfg, logger, readiness, registry } = ctx;
      const outside = cfg.SHARDS.filter((shard) => shard >= cfg.SHARD_COUNT);
      if (outside.length > 0) throw new Error(`SHARDS names shards ${outside.join(',')} outside 0..${cfg.SHARD_COUNT - 1} (SHARD_COUNT=${cfg.SHARD_COUNT})`);
      // A replica that owns no shards takes nothing from NATS: it does not connect to it.
      const readsOnly = cfg.SHARDS.length === 0;
      readiness.register('store', 'connecting to Redis');
      if (!readsOnly) readiness.register(BUS_READINESS, 'waiting for Redis before connecting to NATS');

      const server = redisServerOptions(cfg.REDIS_URL, cfg.REDIS_CLUSTER_NODES);
      const store = await adapters.connectStore({ ...server, keyPrefix: cfg.REDIS_KEY_PREFIX, maxCandlesPerSymbol: cfg.MAX_CANDLES }, logger, () => ctx.shutdown.closing);
      ctx.onShutdown('close-adapters', () => store.close(), 'redis');
      const bus = readsOnly ? undefined : await adapters.connectBus({ servers: cfg.NATS_URL, name: 'tickwire-snapshot', readiness, logger });
      if (bus !== undefined) ctx.onShutdown('close-adapters', () => bus.drain(), 'nats');

      // The store's status reaches the gRPC health status once the server exists (it starts after the writer).
      const serving: { grpc?: SnapshotGrpcServer } = {};
      const service = startSnapshotService({
        bus,
        store,
        shards: cfg.SHARDS,
        shardCount: cfg.SHARD_COUNT,
        flushIntervalMs: cfg.FLUSH_INTERVAL,
        retryMaxDelayMs: cfg.STORE_RETRY_MAX,
        maxSymbols: cfg.MAX_SYMBOLS,
        candleBacklog: cfg.CANDLE_BACKLOG,
        exchangeTimeZone: cfg.EXCHANGE_TZ,
        logger,
        registry,
        onStoreStatus: (up, reason) => {
          readiness.set('store', up, reason);
          serving.grpc?.setServing(up);
        },
      });
      ctx.onShutdown('stop-accepting', () => service.unsubscribe(), 'md.tick');
      ctx.onShutdown('drain', () => service.drain(), 'flush');
      if (readsOnly) logger.info({ event: 'snapshot.reads_only' }, 'SHARDS=none: writing nothing, serving reads from the store');
      else logger.info({ event: 'snapshot.consuming', shards: cfg.SHARDS, flushIntervalMs: cfg.FLUSH_INTERVAL }, `writing the latest state of shards ${cfg.SHARDS.join(',')}`);

      const grpc = (serving.grpc = await startSnapshotGrpcServer({ store, host: cfg.GRPC_HOST, port: cfg.GRPC_PORT, logger, registry, maxSymbolsPerRequest: cfg.MAX_SYMBOLS_PER_REQUEST, serving: service.writer.isStoreUp !== false }));
      ctx.onShutdown('stop-accepting', () => grpc.setServing(false), 'grpc-health');
      ctx.onShutdown('close-servers', () => grpc.close(), 'grpc');
      return { grpcAddress: grpc.address };
    },
  };
}
