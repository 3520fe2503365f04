/** Minutes in a day: the most candles an instrument can have. */
export const MINUTES_PER_DAY = 1440;
const NS_PER_MINUTE = 60e9;
/** Doubles per candle: minute, open, high, low, close, volume, trades. */
const STRIDE = 7;
const OPEN = 1;
const HIGH = 2;
const LOW = 3;
const CLOSE = 4;
const VOLUME = 5;
const TRADES = 6;
const EMPTY = new Float64Array(0);

/**
 * 1-minute OHLCV candles of one instrument, one per minute since midnight that had a print, in minute
 * order, interleaved in one `Float64Array`. Storage is allocated on the first print and doubles up to
 * `MINUTES_PER_DAY` candles, so a quiet symbol costs nothing and a busy one at most 1,440 candles (80 KB).
 */
export class MinuteCandles {
  private candles = EMPTY;
  private len = 0;

  get length(): number {
    return this.len;
  }

  /** The minute since midnight a timestamp falls in (0..1439). */
  static minuteOf(timestampNs: number): number {
    const m = Math.floor(timestampNs / NS_PER_MINUTE);
    return m < MINUTES_PER_DAY ? m : MINUTES_PER_DAY - 1;
  }

  /** Folds one print into its minute's candle. */
  record(minute: number, price: number, size: number): void {
    const n = this.len;
    let i = n - 1;
    if (n === 0 || this.candles[i * STRIDE] < minute) {
      i = n;
      this.insertAt(i, minute, price);
    } else if (this.candles[i * STRIDE] !== minute) {
      // A print older than the last candle (out-of-order timestamps): find or insert its minute.
      i = this.indexOf(minute);
      if (i < 0) {
        i = ~i;
        this.insertAt(i, minute, price);
      }
    }
    const c = this.candles;
    const p = i * STRIDE;
    if (price > c[p + HIGH]) c[p + HIGH] = price;
    if (price < c[p + LOW]) c[p + LOW] = price;
    c[p + CLOSE] = price;
    c[p + VOLUME] += size;
    c[p + TRADES]++;
  }

  /** Takes a broken print back out of its minute's volume and trade count (prices are not revised). */
  removeVolume(minute: number, size: number): void {
    const i = this.indexOf(minute);
    if (i < 0) return;
    const p = i * STRIDE;
    this.candles[p + VOLUME] -= size;
    if (this.candles[p + TRADES] > 0) this.candles[p + TRADES]--;
  }

  /** Index of the candle of `minute`, or `~insertionPoint`. */
  indexOf(minute: number): number {
    let lo = 0;
    let hi = this.len - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.candles[mid * STRIDE];
      if (m < minute) lo = mid + 1;
      else if (m > minute) hi = mid - 1;
      else return mid;
    }
    return ~lo;
  }

  // Accessors by index (0 = earliest candle).
  minuteAt(i: number): number {
    return this.candles[i * STRIDE];
  }
  openAt(i: number): number {
    return this.candles[i * STRIDE + OPEN];
  }
  highAt(i: number): number {
    return this.candles[i * STRIDE + HIGH];
  }
  lowAt(i: number): number {
    return this.candles[i * STRIDE + LOW];
  }
  closeAt(i: number): number {
    return this.candles[i * STRIDE + CLOSE];
  }
  volumeAt(i: number): number {
    return this.candles[i * STRIDE + VOLUME];
  }
  tradesAt(i: number): number {
    return this.candles[i * STRIDE + TRADES];
  }

  private insertAt(at: number, minute: number, price: number): void {
    if ((this.len + 1) * STRIDE > this.candles.length) this.grow();
    const c = this.candles;
    const p = at * STRIDE;
    for (let i = this.len * STRIDE - 1; i >= p; i--) c[i + STRIDE] = c[i];
    c[p] = minute;
    c[p + OPEN] = price;
    c[p + HIGH] = price;
    c[p + LOW] = price;
    c[p + CLOSE] = price;
    c[p + VOLUME] = 0;
    c[p + TRADES] = 0;
    this.len++;
  }

  private grow(): void {
    const candles = Math.min(MINUTES_PER_DAY, Math.max(16, (this.candles.length / STRIDE) * 2));
    const grown = new Float64Array(candles * STRIDE);
    grown.set(this.candles);
    this.candles = grown;
  }
}
