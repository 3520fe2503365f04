import { stat, readdir } from 'node:fs/promises';
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
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    replaceListingMetrics(registry);
  }
  return registry;
}

/**
 * prom-client's defaults that list every handle on each scrape, synchronously: at 18,000 open sockets a scrape
 * took 24-31 ms of the event loop with them and 0.7-3.9 ms without (docs/operations.md). The connection gauges
 * of each service say what these would.
 */
const LISTING_METRICS = ['nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_resources', 'nodejs_active_resources_total', 'process_open_fds'];

/** Drops LISTING_METRICS and counts open descriptors without listing them (Linux only, as prom-client does). */
function replaceListingMetrics(registry: Registry): void {
  for (const name of LISTING_METRICS) registry.removeSingleMetric(name);
  if (process.platform !== 'linux') return;
  new Gauge({
    name: 'process_open_fds',
    help: 'Number of open file descriptors.',
    registers: [registry],
    async collect() {
      this.set(await openFdCount());
    },
  });
}

/**
 * Linux 6.2+ reports the number of open descriptors as the size of /proc/self/fd; older kernels report 0, and
 * then the directory is listed (off the event loop; minus the descriptor the listing itself holds).
 */
async function openFdCount(): Promise<number> {
  const { size } = await stat('/proc/self/fd');
  if (size > 0) return size;
  return (await readdir('/proc/self/fd')).length - 1;
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
