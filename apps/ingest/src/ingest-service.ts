import type { Bus } from '@tickwire/bus';
import type { FeedSource } from '@tickwire/feed-net';
import { createUnixNanoClock, type Logger, type Readiness, type Registry } from '@tickwire/runtime';
import { IngestMetrics } from './ingest-metrics';
import { IngestPipeline } from './ingest-pipeline';
import { RawBatcher } from './raw-batcher';
import { ShardRouter } from './shard-router';

export interface IngestOptions {
  readonly bus: Pick<Bus, 'publish'>;
  readonly source: FeedSource;
  readonly shardCount: number;
  readonly batchMaxMessages: number;
  readonly batchMaxBytes: number;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly readiness: Readiness;
}

export interface RunningIngest {
  readonly pipeline: IngestPipeline;
  readonly router: ShardRouter;
  readonly metrics: IngestMetrics;
  /** Settles when the source has ended (a file replayed to its end) or failed. */
  readonly done: Promise<void>;
  /** Stops reading the feed and publishes what is pending. */
  stop(): Promise<void>;
}

export const FEED_READINESS = 'feed';

/** Wires feed -> check/route/batch -> bus. `main.ts` calls it with real adapters; tests with in-memory ones. */
export function startIngest(options: IngestOptions): RunningIngest {
  const nowNs = createUnixNanoClock();
  const router = new ShardRouter(options.shardCount);
  const metrics = new IngestMetrics(options.registry, () => options.source.counters, () => router.unroutable);
  const batcher = new RawBatcher(options.bus, {
    shardCount: options.shardCount,
    session: options.source.description,
    // A new epoch per ingest start: downstream consumers see the upstream sequence restart.
    epoch: nowNs() / 1_000_000n,
    maxMessages: options.batchMaxMessages,
    maxBytes: options.batchMaxBytes,
    nowNs,
    scheduleFlush: (flush) => setImmediate(flush),
    observer: metrics,
  });
  options.readiness.register(FEED_READINESS);
  const pipeline = new IngestPipeline(router, batcher, metrics, options.logger, (status, detail) => {
    // A replayed file that reached its end is done, not broken: stay ready.
    options.readiness.set(FEED_READINESS, status === 'connected' || status === 'ended', `feed ${status}: ${detail}`);
  });
  const done = options.source.start(pipeline).then(
    () => batcher.flush(),
    (error: unknown) => {
      options.logger.error({ event: 'feed.failed', err: error, source: options.source.description }, 'the feed source failed');
      options.readiness.set(FEED_READINESS, false, `feed failed: ${String(error)}`);
      throw error;
    },
  );
  return {
    pipeline,
    router,
    metrics,
    done,
    async stop() {
      await options.source.stop();
      batcher.flush();
    },
  };
}
