import { canPublishToStream, type ServiceBusConnector } from '@tickwire/bus';
import { FEED_URL_FORMS, openFeedSource } from '@tickwire/feed-net';
import { DEFAULT_RAW_STREAM, RAW_STREAM_MAX_AGE_MS, rawWildcard } from '@tickwire/protocol';
import { DEFAULT_NATS_URL, defineConfig, env, type ServiceDefinition } from '@tickwire/runtime';
import { AckedStreamPublisher } from './acked-stream-publisher';
import { startIngest } from './ingest-service';
import { DEFAULT_BATCH_MAX_BYTES, DEFAULT_BATCH_MAX_MESSAGES } from './raw-batcher';

/** RAW_STREAM on one server: right for a single NATS server, an availability hole in a cluster (set 3 there). */
export const DEFAULT_RAW_STREAM_REPLICAS = 1;
/** On shutdown, how long batches the stream has not acknowledged yet may take. */
const STREAM_CLOSE_LIMIT_MS = 5_000;

export const ingestConfig = defineConfig({
  SOURCE: env.string({ pattern: /^(file|soupbintcp|moldudp64):\/\/\S+$/, doc: `the feed to read: ${FEED_URL_FORMS.join(' | ')}` }),
  NATS_URL: env.url({ protocols: ['nats:', 'tls:'], list: true, default: DEFAULT_NATS_URL, doc: 'NATS server URL(s), comma-separated' }),
  SHARD_COUNT: env.int({ min: 1, max: 1024, default: 16, doc: 'number of md.raw / md.tick shards (fixed for a deployment)' }),
  BATCH_MAX_MESSAGES: env.int({ min: 1, max: 65_535, default: DEFAULT_BATCH_MAX_MESSAGES, doc: 'close a shard batch at this many messages' }),
  BATCH_MAX_BYTES: env.int({ min: 1_024, max: 900 * 1024, default: DEFAULT_BATCH_MAX_BYTES, doc: 'close a shard batch at this many bytes' }),
  RAW_STREAM: env.string({ pattern: /^[A-Za-z0-9_-]{1,64}$/, optional: true, doc: `JetStream stream keeping the day's md.raw for normalizer restarts (e.g. ${DEFAULT_RAW_STREAM}); created if missing; needs JetStream` }),
  RAW_STREAM_REPLICAS: env.int({ min: 1, max: 5, default: DEFAULT_RAW_STREAM_REPLICAS, doc: 'servers holding RAW_STREAM: 3 in a NATS cluster, so the stream survives the loss of one (1 = lost with its server); an existing stream is changed to this' }),
});

export interface IngestAdapters {
  readonly connectBus: ServiceBusConnector;
}

/** Ingest's wiring; `main.ts` runs it on NATS, the embedded mode on the in-memory bus. */
export function ingestApp(adapters: IngestAdapters): ServiceDefinition<typeof ingestConfig> {
  return {
    name: 'ingest',
    config: ingestConfig,
    async start(ctx) {
      const { config: cfg, logger, readiness } = ctx;
      const source = openFeedSource(cfg.SOURCE);
      const rawStream = cfg.RAW_STREAM;
      const bus = await adapters.connectBus({
        servers: cfg.NATS_URL,
        name: 'tickwire-ingest',
        readiness,
        logger,
        // Before the first publish, so the stream holds the whole day.
        prepare: rawStream === undefined ? undefined : async (nats) => {
          await nats.ensureStream(rawStream, [rawWildcard], RAW_STREAM_MAX_AGE_MS, cfg.RAW_STREAM_REPLICAS);
          logger.info({ event: 'raw_stream.ready', stream: rawStream, replicas: cfg.RAW_STREAM_REPLICAS }, `md.raw is kept in stream ${rawStream} (${cfg.RAW_STREAM_REPLICAS} replicas)`);
        },
      });
      // With RAW_STREAM, every batch is published until the stream acknowledges it: a plain publish is
      // lost while the stream elects a new leader (a NATS server died), and the day's stream with it.
      const publisher = rawStream !== undefined && canPublishToStream(bus) ? new AckedStreamPublisher(bus, logger) : undefined;
      const ingest = startIngest({ bus: publisher ?? bus, source, shardCount: cfg.SHARD_COUNT, batchMaxMessages: cfg.BATCH_MAX_MESSAGES, batchMaxBytes: cfg.BATCH_MAX_BYTES, logger, registry: ctx.registry, readiness });
      ingest.done.then(
        () => logger.info({ event: 'feed.done', source: source.description }, 'the feed ended; staying up for /metrics until stopped'),
        () => void ctx.shutdown.trigger('feed source failed', 1),
      );
      ctx.onShutdown('stop-accepting', () => ingest.stop(), 'feed');
      ctx.onShutdown('close-adapters', async () => {
        await publisher?.close(STREAM_CLOSE_LIMIT_MS);
        await bus.drain();
      }, 'bus');
    },
  };
}
