/**
 * The exchange's time of day. Trades carry nanoseconds since the exchange's local midnight; candles carry Unix
 * times the snapshot service derived from them in its `EXCHANGE_TZ`. To put a live price into the right bar,
 * both become minutes since the exchange's midnight.
 */

/** The snapshot service's default `EXCHANGE_TZ`. */
export const DEFAULT_EXCHANGE_TIME_ZONE = 'America/New_York';

const MINUTE_NS = 60_000_000_000;

/** Minute of the exchange day of an exchange timestamp (ns since local midnight). */
export function minuteOfExchangeDay(exchangeTsNs: number): number {
  return Math.floor(exchangeTsNs / MINUTE_NS);
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes since local midnight in one time zone, of Unix times; remembered per time (bars repeat every render). */
export class ExchangeDayClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly memo = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric' });
  }

  /** Minute of the local day (0..1439) at Unix time `unixMs`. */
  minuteOfDay(unixMs: number): number {
    const known = this.memo.get(unixMs);
    if (known !== undefined) return known;
    let hour = 0;
    let minute = 0;
    for (const part of this.format.formatToParts(unixMs)) {
      if (part.type === 'hour') hour = Number(part.value);
      else if (part.type === 'minute') minute = Number(part.value);
    }
    const result = (hour % 24) * 60 + minute;
    // A day of bars per symbol is 1,440 entries; a watchlist's worth stays small, but never unbounded.
    if (this.memo.size >= 20_000) this.memo.clear();
    this.memo.set(unixMs, result);
    return result;
  }
}
