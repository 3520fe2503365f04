import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export type { Registry } from 'prom-client';

/**
 * Prefix for every metric Tickwire defines: `tickwire_edge_connections`, `tickwire_normalizer_updates_total`.
 * Prometheus' default process and Node.js metrics (`process_*`, `nodejs_*`) keep their standard names so stock
 * dashboards and alerts work unchanged.
 */
export const METRIC_PREFIX = 'tickwire_';

export interface MetricsOptions {
  readonly service: string;
  /** Collect prom-client's default process/Node.js metrics. Default `true`. */
  readonly defaultMetrics?: boolean;
}

/**
 * A fresh registry per service (never prom-client's global one, so tests and embedded services do not collide),
 * with the default label `service` on every series and the default process metrics.
 *
 * Services register their own metrics on it:
 * ```ts
 * new Counter({ name: `${METRIC_PREFIX}edge_messages_sent_total`, help: '...', registers: [registry] });
 * ```
 */
export function createMetrics(options: MetricsOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * A counter whose value is read when Prometheus scrapes, from a number the hot path keeps itself: an
 * increment on the hot path is a field store, never a prom-client call. `read` returns the total so far.
 */
export function counterFrom(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** A gauge read when Prometheus scrapes (sizes, ratios, states the service already knows). */
export function gaugeFrom(registry: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
