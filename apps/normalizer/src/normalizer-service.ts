import type { Bus, StreamReplay } from '@tickwire/bus';
import type { Logger, Registry } from '@tickwire/runtime';
import { Normalizer, type NormalizerOptions } from './normalizer';
import { NormalizerMetrics } from './normalizer-metrics';

/** Wires a `Normalizer` with its metrics. `main.ts` passes real adapters; tests pass in-memory ones. */
/** `onConsuming` hears whether md.raw is being consumed (false while start keeps failing), e.g. for readiness. */
export function startNormalizer(
  bus: Pick<Bus, 'publish' | 'subscribe'> & Partial<StreamReplay>,
  options: NormalizerOptions,
  registry: Registry,
  logger: Logger,
  onConsuming?: (ok: boolean, reason?: string) => void,
): Normalizer {
  // The gauges read the normalizer, which needs the metrics first: a holder closes the loop.
  const holder: { normalizer?: Normalizer } = {};
  const metrics = new NormalizerMetrics(registry, {
    liveOrders: () => holder.normalizer?.books.orders.size ?? 0,
    instruments: () => holder.normalizer?.books.allInstruments().length ?? 0,
    staleInstruments: () => holder.normalizer?.staleCount ?? 0,
  });
  const normalizer = new Normalizer(bus, options, metrics, logger);
  holder.normalizer = normalizer;
  void consumeWithRetry(normalizer, logger, onConsuming);
  return normalizer;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

/**
 * Starts consuming, and keeps trying while it cannot (with RAW_STREAM, ingest may not have created the
 * stream yet): each failure is logged with the next attempt's delay and reported through `onConsuming`
 * (the app's readiness), until it succeeds or the normalizer is stopped.
 */
async function consumeWithRetry(normalizer: Normalizer, logger: Logger, onConsuming: ((ok: boolean, reason?: string) => void) | undefined): Promise<void> {
  for (let attempt = 1, delay = FIRST_RETRY_MS; !normalizer.stopped; attempt += 1, delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    try {
      await normalizer.start();
      onConsuming?.(true);
      return;
    } catch (error) {
      if (normalizer.stopped) return;
      logger.warn({ event: 'normalizer.start_failed', attempt, retryInMs: delay, err: error }, `could not start consuming; retrying in ${delay} ms`);
      onConsuming?.(false, `cannot consume md.raw: ${error instanceof Error ? error.message : String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  }
}
