import { EdgeError } from './errors';

export interface MessageRateLimiterOptions {
  /** Sustained messages per second. */
  readonly ratePerSec: number;
  /** Messages that may arrive at once after a quiet period (the bucket size). */
  readonly burst: number;
}

/** Default inbound rate per connection: a client sends requests, not data, so this is generous. */
export const DEFAULT_MESSAGE_RATE_PER_SEC = 20;
/** Default burst per connection (e.g. a client resubscribing after a reconnect). */
export const DEFAULT_MESSAGE_BURST = 50;

/**
 * A token bucket for one connection's inbound messages: `burst` tokens, refilled at `ratePerSec`. Two numbers of
 * state and no allocation per call, so it can sit on every inbound frame.
 *
 * Time is the caller's: pass a monotonic clock (`performance.now()`). If `nowMs` goes backwards anyway, no
 * tokens are added and the bucket re-anchors at the new time, so a clock step neither starves the client nor
 * lets it exceed `burst`.
 */
export class MessageRateLimiter {
  private readonly ratePerMs: number;
  private readonly burst: number;
  private tokens: number;
  private lastMs: number;

  /** `nowMs`: the time the bucket starts full at (default: the first call's time). */
  constructor(options: MessageRateLimiterOptions, nowMs = Number.NaN) {
    validateRateOptions(options);
    this.ratePerMs = options.ratePerSec / 1000;
    this.burst = options.burst;
    this.tokens = options.burst;
    this.lastMs = nowMs;
  }

  /** Takes `cost` tokens (default 1) if available; false means over the limit and nothing was taken. */
  tryTake(nowMs: number, cost = 1): boolean {
    this.refill(nowMs);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Tokens available at `nowMs` (fractional), without taking any. */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  private refill(nowMs: number): void {
    const elapsed = nowMs - this.lastMs;
    // NaN (first call) and a backwards clock add nothing; both re-anchor.
    if (elapsed > 0) {
      const tokens = this.tokens + elapsed * this.ratePerMs;
      this.tokens = tokens < this.burst ? tokens : this.burst;
    }
    if (elapsed !== 0) this.lastMs = nowMs;
  }
}

/** Checks rate limiter options once at boot: `EDGE_ERR_LIMIT_OPTION` names the bad field. */
export function validateRateOptions(options: MessageRateLimiterOptions): void {
  if (!(Number.isFinite(options.ratePerSec) && options.ratePerSec > 0)) throw new EdgeError('EDGE_ERR_LIMIT_OPTION', `ratePerSec must be a number > 0, got ${String(options.ratePerSec)}`);
  if (!(Number.isInteger(options.burst) && options.burst >= 1)) throw new EdgeError('EDGE_ERR_LIMIT_OPTION', `burst must be a whole number >= 1, got ${String(options.burst)}`);
}
