import { connectNatsBus } from '@tickwire/bus';
import { createUnixNanoClock, DEFAULT_NATS_URL, defineConfig, env, runService } from '@tickwire/runtime';
import { Normalizer } from './normalizer';
import { startNormalizer } from './normalizer-service';

const config = defineConfig({
  NATS_URL: env.url({ protocols: ['nats:', 'tls:'], list: true, default: DEFAULT_NATS_URL, doc: 'NATS server URL(s), comma-separated' }),
  SHARD_COUNT: env.int({ min: 1, max: 1024, default: 16, doc: 'number of md.raw / md.tick shards (the same as ingest)' }),
  SHARDS: env.intRanges({ min: 0, max: 1023, default: '0-15', doc: 'shards this instance consumes and publishes, e.g. 0-7 or 0-3,8' }),
  MAX_UPDATES_PER_SEC: env.int({ min: 1, max: 1000, default: 20, doc: 'per symbol: updates per second at most, conflated in between (leading and trailing edge)' }),
  DEPTH_LEVELS: env.int({ min: 1, max: 50, default: 10, doc: 'price levels per side in each update' }),
});

void runService({
  name: 'normalizer',
  config,
  async start(ctx) {
    const { config: cfg, logger, readiness } = ctx;
    const invalid = Normalizer.invalidShards(cfg.SHARDS, cfg.SHARD_COUNT);
    if (invalid.length > 0) throw new Error(`SHARDS names shards ${invalid.join(',')} outside 0..${cfg.SHARD_COUNT - 1} (SHARD_COUNT=${cfg.SHARD_COUNT})`);
    readiness.register('bus');
    const bus = await connectNatsBus({ servers: cfg.NATS_URL, name: 'tickwire-normalizer', onHandlerError: (err, subject) => logger.error({ event: 'bus.handler_failed', err, subject }) });
    readiness.set('bus', true);
    bus.onStatus((status, detail) => {
      readiness.set('bus', status === 'connected', `bus ${status}`);
      logger.info({ event: `bus.${status}`, detail }, `bus ${status}`);
    });
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
      },
      ctx.registry,
      logger,
    );
    logger.info({ event: 'normalizer.consuming', shards: cfg.SHARDS }, `consuming md.raw shards ${cfg.SHARDS.join(',')}`);
    ctx.onShutdown('drain', () => normalizer.stop(), 'normalizer');
    ctx.onShutdown('close-adapters', () => bus.drain(), 'bus');
  },
});
