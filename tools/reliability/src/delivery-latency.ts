import type { HealthyClient } from './edge-stack';

/** The latency rule of the load-fault tests: a window's p99 may be at most max(2 x baseline p99, baseline p99 + this). */
export const LATENCY_FLOOR_MS = 25;

/** The p99 a window may reach given the calm baseline's: max(2 x baseline, baseline + floor), the floor 25 ms unless told. */
export function latencyLimitMs(baselineP99Ms: number, floorMs = LATENCY_FLOOR_MS): number {
  return Math.max(2 * baselineP99Ms, baselineP99Ms + floorMs);
}

export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentiles of `values` (ms). */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

/**
 * Delivery latency of healthy clients' live updates, as tools/loadgen measures it: arrival time minus the
 * update's `publish_ts_ns` (both this machine's wall clock). It reads what `EdgeTestClient` has just decoded
 * (its listener runs first), so nothing is decoded twice; samples go to the open window only.
 */
export class LatencyProbe {
  private window: number[] | undefined;

  constructor(healthy: readonly HealthyClient[]) {
    for (const { client } of healthy) {
      let seen = client.received.length;
      client.socket.on('message', () => {
        const now = Date.now();
        const received = client.received;
        const window = this.window;
        for (; seen < received.length; seen++) {
          const body = received[seen]!.body;
          if (window !== undefined && body?.$case === 'update' && !body.value.snapshot) window.push(now - Number(body.value.publishTsNs / 1_000_000n));
        }
      });
    }
  }

  /** Starts collecting (a window already open is discarded). */
  open(): void {
    this.window = [];
  }

  /** Stops collecting and summarizes the window. */
  close(): LatencySummary {
    const summary = summarize(this.window ?? []);
    this.window = undefined;
    return summary;
  }

  /** Collects for `ms` and summarizes. */
  async measure(ms: number): Promise<LatencySummary> {
    this.open();
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.close();
  }
}
