/**
 * How a print happened; the numbers are those of `tickwire.v1.TradeKind` (proto/tickwire/v1/market.proto).
 */
export const TradeKind = {
  CONTINUOUS: 1,
  CROSS_OPEN: 2,
  CROSS_CLOSE: 3,
  CROSS_HALT: 4,
  CROSS_INTRADAY: 5,
} as const;
export type TradeKindCode = (typeof TradeKind)[keyof typeof TradeKind];

/** Doubles per print: price, size, match number, timestamp, kind. */
const STRIDE = 5;

/**
 * The most recent trade prints of one instrument, interleaved in one `Float64Array` (no object per print,
 * one array per instrument). Prints are numbered from 0 in arrival order; `total` is the next number,
 * prints `oldest .. total - 1` are held. A publisher remembers the `total` it last published and reads the
 * prints after it (see `Instrument.publishedTrades`); if more than `capacity` arrived meanwhile, the
 * oldest were dropped.
 */
export class TradeRing {
  readonly capacity: number;
  private readonly mask: number;
  private readonly prints: Float64Array;
  /** Prints appended since creation. */
  total = 0;

  /** `capacity` must be a power of two. */
  constructor(capacity: number) {
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.prints = new Float64Array(capacity * STRIDE);
  }

  /** Number of the oldest print still held. */
  get oldest(): number {
    return this.total > this.capacity ? this.total - this.capacity : 0;
  }

  push(price: number, size: number, matchNumber: number, timestampNs: number, kind: number): void {
    const p = (this.total & this.mask) * STRIDE;
    const prints = this.prints;
    prints[p] = price;
    prints[p + 1] = size;
    prints[p + 2] = matchNumber;
    prints[p + 3] = timestampNs;
    prints[p + 4] = kind;
    this.total++;
  }

  // Accessors by print number (`oldest <= n < total`).
  price(n: number): number {
    return this.prints[(n & this.mask) * STRIDE];
  }
  size(n: number): number {
    return this.prints[(n & this.mask) * STRIDE + 1];
  }
  matchNumber(n: number): number {
    return this.prints[(n & this.mask) * STRIDE + 2];
  }
  timestampNs(n: number): number {
    return this.prints[(n & this.mask) * STRIDE + 3];
  }
  kind(n: number): number {
    return this.prints[(n & this.mask) * STRIDE + 4];
  }
}
