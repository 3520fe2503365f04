/** Idle exchange time kept between two messages when replaying; longer quiet gaps are cut to this. */
export const DEFAULT_MAX_IDLE_NS = 200_000_000;

export interface ExchangeClockOptions {
  /** Exchange nanoseconds per real nanosecond: 1 = real time, 10 = ten times faster, 0 = no pacing. */
  readonly speed: number;
  /** Quiet gaps in the day (03:00 -> 04:00 -> 09:30) are compressed to this much exchange time. */
  readonly maxIdleNs: number;
}

/**
 * Maps real time to "how far into the exchange day may we have sent by now". A generated day keeps
 * real wall-clock timestamps with hours of silence between phases; replayed at real speed the open
 * burst and the per-second rate are what the generator wrote, and the silences are cut short.
 */
export class ExchangeClock {
  private originRealNs: number | undefined;
  private originExchangeNs = 0;
  private lastHorizon = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: ExchangeClockOptions) {}

  /**
   * The exchange time up to which messages are due at real time `realNowNs`, given the timestamp of
   * the next message to send. Never decreases.
   */
  horizon(realNowNs: number, nextMessageNs: number): number {
    if (this.options.speed === 0) return Number.POSITIVE_INFINITY;
    if (this.originRealNs === undefined) {
      this.originRealNs = realNowNs;
      this.originExchangeNs = nextMessageNs;
    }
    let now = this.originExchangeNs + (realNowNs - this.originRealNs) * this.options.speed;
    if (nextMessageNs - now > this.options.maxIdleNs) {
      // Skip the silence: pretend the clock was already maxIdle before the next message.
      this.originExchangeNs += nextMessageNs - this.options.maxIdleNs - now;
      now = nextMessageNs - this.options.maxIdleNs;
    }
    this.lastHorizon = Math.max(this.lastHorizon, now);
    return this.lastHorizon;
  }
}
