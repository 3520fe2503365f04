import type { Bus, StreamReplay } from '@tickwire/bus';
import type { Logger, Registry } from '@tickwire/runtime';
import { Normalizer, type NormalizerOptions } from './normalizer';
import { NormalizerMetrics } from './normalizer-metrics';

/** Wires a `Normalizer` with its metrics. `main.ts` passes real adapters; tests pass in-memory ones. */
export function startNormalizer(bus: Pick<Bus, 'publish' | 'subscribe'> & Partial<StreamReplay>, options: NormalizerOptions, registry: Registry, logger: Logger): Normalizer {
  // The gauges read the normalizer, which needs the metrics first: a holder closes the loop.
  const holder: { normalizer?: Normalizer } = {};
  const metrics = new NormalizerMetrics(registry, {
    liveOrders: () => holder.normalizer?.books.orders.size ?? 0,
    instruments: () => holder.normalizer?.books.allInstruments().length ?? 0,
    staleInstruments: () => holder.normalizer?.staleCount ?? 0,
  });
  const normalizer = new Normalizer(bus, options, metrics, logger);
  holder.normalizer = normalizer;
  normalizer.start().catch((error: unknown) => logger.error({ event: 'normalizer.start_failed', err: error }, 'could not start consuming'));
  return normalizer;
}
