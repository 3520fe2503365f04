import { randomUUID } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import { NatsBus, type ServiceBusConnector } from '@tickwire/bus';
import { createUnixNanoClock, DEFAULT_NATS_URL, defineConfig, env, type ServiceDefinition } from '@tickwire/runtime';
import { DEFAULT_RAW_STREAM } from '@tickwire/protocol';
import { LeaderLease } from './leader-lease';
import { DEFAULT_DIRECTORY_INTERVAL_MS, Normalizer } from './normalizer';
import { startNormalizer } from './normalizer-service';

/** The lease bucket on one server: right for a single NATS server, an availability hole in a cluster (set 3 there). */
export const DEFAULT_LEASE_REPLICAS = 1;

export const normalizerConfig = defineConfig({
  NATS_URL: env.url({ protocols: ['nats:', 'tls:'], list: true, default: DEFAULT_NATS_URL, doc: 'NATS server URL(s), comma-separated' }),
  SHARD_COUNT: env.int({ min: 1, max: 1024, default: 16, doc: 'number of md.raw / md.tick shards (the same as ingest)' }),
  SHARDS: env.intRanges({ min: 0, max: 1023, default: '0-15', doc: 'shards this instance consumes and publishes, e.g. 0-7 or 0-3,8' }),
  MAX_UPDATES_PER_SEC: env.int({ min: 1, max: 1000, default: 20, doc: 'per symbol: updates per second at most, conflated in between (leading and trailing edge)' }),
  DEPTH_LEVELS: env.int({ min: 1, max: 50, default: 10, doc: 'price levels per side in each update' }),
  LEASE_KEY: env.string({ pattern: /^[A-Za-z0-9_-]{1,64}$/, optional: true, doc: 'high availability: instances with the same key share one lease (NATS KV, needs JetStream); the holder publishes, the others stand by hot' }),
  LEASE_TTL: env.duration({ default: '3s', doc: 'lease lifetime: a standby takes over this long after the active dies (at once on a clean shutdown)' }),
  RAW_STREAM: env.string({ pattern: /^[A-Za-z0-9_-]{1,64}$/, optional: true, doc: `JetStream stream with the day's md.raw (ingest's RAW_STREAM, e.g. ${DEFAULT_RAW_STREAM}): replayed on start so a restart rebuilds the books` }),
  DIRECTORY_INTERVAL: env.duration({ min: 0, default: DEFAULT_DIRECTORY_INTERVAL_MS, doc: 'the active instance publishes the whole instrument directory again this often, for consumers that started late or lost their store (0 = only on Stock Directory messages and takeovers)' }),
  LEASE_BUCKET: env.string({ pattern: /^[A-Za-z0-9_-]{1,64}$/, default: 'tickwire_normalizer_leases', doc: 'NATS KV bucket holding the leases' }),
  LEASE_REPLICAS: env.int({ min: 1, max: 5, default: DEFAULT_LEASE_REPLICAS, doc: 'servers holding the lease bucket when it is created: 3 in a NATS cluster, so failover survives the loss of one (1 = no lease while its server is down)' }),
});

export interface NormalizerAdapters {
  readonly connectBus: ServiceBusConnector;
}

/** The normalizer's wiring; `main.ts` runs it on NATS, the embedded mode on the in-memory bus. */
export function normalizerApp(adapters: NormalizerAdapters): ServiceDefinition<typeof normalizerConfig> {
  return {
    name: 'normalizer',
    config: normalizerConfig,
    async start(ctx) {
      const { config: cfg, logger, readiness } = ctx;
      const invalid = Normalizer.invalidShards(cfg.SHARDS, cfg.SHARD_COUNT);
      if (invalid.length > 0) throw new Error(`SHARDS names shards ${invalid.join(',')} outside 0..${cfg.SHARD_COUNT - 1} (SHARD_COUNT=${cfg.SHARD_COUNT})`);
      const bus = await adapters.connectBus({ servers: cfg.NATS_URL, name: 'tickwire-normalizer', readiness, logger });
      readiness.register('consuming', 'starting to consume md.raw');
      const normalizer = startNormalizer(
        bus,
        {
          shards: cfg.SHARDS,
          shardCount: cfg.SHARD_COUNT,
          maxUpdatesPerSec: cfg.MAX_UPDATES_PER_SEC,
          depthLevels: cfg.DEPTH_LEVELS,
          // A fresh instance starts a new epoch: its seq numbers restart at 1.
          epoch: BigInt(Date.now()),
          nowUnixNs: createUnixNanoClock(),
          standby: cfg.LEASE_KEY !== undefined,
          directoryIntervalMs: cfg.DIRECTORY_INTERVAL,
          ...(cfg.RAW_STREAM === undefined ? {} : { rawStream: cfg.RAW_STREAM }),
        },
        ctx.registry,
        logger,
        (ok, reason) => readiness.set('consuming', ok, reason),
      );
      logger.info({ event: 'normalizer.consuming', shards: cfg.SHARDS }, `consuming md.raw shards ${cfg.SHARDS.join(',')}`);
      if (cfg.LEASE_KEY !== undefined) {
        if (!(bus instanceof NatsBus)) throw new Error('LEASE_KEY needs NATS (JetStream KV holds the lease); the in-memory bus has none');
        const bucket = await new Kvm(bus.connection).create(cfg.LEASE_BUCKET, { ttl: cfg.LEASE_TTL, history: 1, replicas: cfg.LEASE_REPLICAS });
        const lease = new LeaderLease(bucket, cfg.LEASE_KEY, `${process.pid}-${randomUUID()}`, cfg.LEASE_TTL, { onAcquired: () => normalizer.becomeActive(), onLost: () => normalizer.becomeStandby() }, logger);
        lease.start();
        // Publish the last trailing updates first, then hand the lease over.
        ctx.onShutdown('drain', async () => {
          normalizer.stop();
          await lease.release();
        }, 'normalizer');
      } else {
        ctx.onShutdown('drain', () => normalizer.stop(), 'normalizer');
      }
      ctx.onShutdown('close-adapters', () => bus.drain(), 'bus');
    },
  };
}
