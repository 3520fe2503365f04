/**
 * Candles need Unix times, but trade prints carry the exchange's time of day (nanoseconds since
 * midnight, exchange local time, as ITCH does). `SessionMidnight` finds the Unix time of the local
 * midnight that starts the day an update was published on, in the exchange's time zone (IANA name,
 * e.g. America/New_York), DST included. The answer is cached for the whole local day, so the hot path
 * is two comparisons; the Intl work happens once a day.
 */


export function assertTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new RangeError(`not an IANA time zone: ${JSON.stringify(zone)}`);
  }
}

export class SessionMidnight {
  private readonly format: Intl.DateTimeFormat;
  private dayStartMs = 0;
  private dayEndMs = -1;

  constructor(readonly timeZone: string) {
    assertTimeZone(timeZone);
    this.format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  }

  /** Unix ms of the local midnight at or before `unixMs`. */
  midnightMs(unixMs: number): number {
    if (unixMs >= this.dayStartMs && unixMs < this.dayEndMs) return this.dayStartMs;
    const { year, month, day } = this.localDate(unixMs);
    const start = this.localMidnight(year, month, day);
    const end = this.localMidnight(year, month, day + 1);
    this.dayStartMs = start;
    this.dayEndMs = end;
    return start;
  }

  private localDate(unixMs: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(unixMs)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    return { year: parts['year']!, month: parts['month']!, day: parts['day']!, hour: parts['hour']!, minute: parts['minute']!, second: parts['second']! };
  }

  /** Offset of local time from UTC at `unixMs`, in ms (negative west of Greenwich). */
  private offsetMs(unixMs: number): number {
    const local = this.localDate(unixMs);
    const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
    return asUtc - (unixMs - (((unixMs % 1000) + 1000) % 1000));
  }

  /** Unix ms of 00:00 local on the given date (day may overflow into the next month, as Date.UTC allows). */
  private localMidnight(year: number, month: number, day: number): number {
    const wall = Date.UTC(year, month - 1, day);
    // Two rounds settle the offset even when it differs between `wall` read as UTC and the real instant.
    let guess = wall - this.offsetMs(wall);
    guess = wall - this.offsetMs(guess);
    return guess;
  }
}


export function isTimeZone(zone: string): boolean {
  try {
    assertTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}
