/**
 * Reconnect delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): attempt n waits a uniform random time in [0, min(cap, base * 2^n)). Full jitter spreads a
 * crowd of clients that lost the same exchange, so they do not all log in again at the same instant.
 */

/** First retry waits up to this long (ms). */
export const DEFAULT_SOUPBINTCP_RECONNECT_BASE_MS = 100;
/** No retry waits longer than this (ms). */
export const DEFAULT_SOUPBINTCP_RECONNECT_MAX_MS = 5_000;

export class ReconnectBackoff {
  private attempt = 0;

  constructor(
    private readonly baseMs: number = DEFAULT_SOUPBINTCP_RECONNECT_BASE_MS,
    private readonly maxMs: number = DEFAULT_SOUPBINTCP_RECONNECT_MAX_MS,
    /** Uniform in [0, 1); injectable for tests. */
    private readonly random: () => number = Math.random,
  ) {
    if (!(Number.isFinite(baseMs) && baseMs > 0)) throw new RangeError(`reconnectBaseMs must be a positive number: ${baseMs}`);
    if (!(Number.isFinite(maxMs) && maxMs >= baseMs)) throw new RangeError(`reconnectMaxMs must be a number >= reconnectBaseMs: ${maxMs}`);
  }

  /** Failed attempts since the last `reset()`. */
  get attempts(): number {
    return this.attempt;
  }

  /** The upper bound of the next delay (ms), without consuming an attempt. */
  ceilingMs(): number {
    // 2^attempt overflows to Infinity for large attempts; min() keeps it at the cap.
    return Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
  }

  /** Delay before the next attempt (ms, integer), and counts the attempt. */
  next(): number {
    const ceiling = this.ceilingMs();
    if (this.attempt < 1024) this.attempt++;
    return Math.floor(this.random() * ceiling);
  }

  /** A connection succeeded: the next failure starts again from `baseMs`. */
  reset(): void {
    this.attempt = 0;
  }
}
