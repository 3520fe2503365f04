/** Side index of a book side: bids. */
export const BID = 0;
/** Side index of a book side: asks. */
export const ASK = 1;

/**
 * The generator's live orders: for every symbol (locate 1..N) and side, up to `capacity` orders in flat
 * typed arrays (ref, price in ticks, remaining shares), with the index of the best one (the touch: highest
 * bid / lowest ask, oldest first at equal price) kept up to date. A book side is addressed by
 * `bookSide(locate, side)`; orders within it by index 0..count-1 (removal swaps the last order into the
 * hole, so indices are not stable across removals). Memory is fixed at construction: N * 2 * capacity.
 */
export class OrderBooks {
  readonly capacity: number;
  /** Live orders over all books. */
  live = 0;
  private readonly refs: Float64Array;
  private readonly prices: Int32Array;
  private readonly shares: Int32Array;
  private readonly counts: Int32Array;
  private readonly best: Int32Array;

  constructor(symbols: number, capacity: number) {
    this.capacity = capacity;
    const sides = (symbols + 1) * 2;
    this.refs = new Float64Array(sides * capacity);
    this.prices = new Int32Array(sides * capacity);
    this.shares = new Int32Array(sides * capacity);
    this.counts = new Int32Array(sides);
    this.best = new Int32Array(sides).fill(-1);
  }

  /** Number of live orders on a book side. */
  count(bs: number): number {
    return this.counts[bs];
  }

  /** Index of the best order on a side, -1 when the side is empty. */
  bestIndex(bs: number): number {
    return this.best[bs];
  }

  /** Best price (ticks) on a side, or -1 when empty. */
  bestPrice(bs: number): number {
    const i = this.best[bs];
    return i < 0 ? -1 : this.prices[bs * this.capacity + i];
  }

  ref(bs: number, i: number): number {
    return this.refs[bs * this.capacity + i];
  }

  price(bs: number, i: number): number {
    return this.prices[bs * this.capacity + i];
  }

  remaining(bs: number, i: number): number {
    return this.shares[bs * this.capacity + i];
  }

  /** Appends an order; the caller checks `count(bs) < capacity`. */
  add(bs: number, ref: number, price: number, shares: number): void {
    const i = this.counts[bs]++;
    const p = bs * this.capacity + i;
    this.refs[p] = ref;
    this.prices[p] = price;
    this.shares[p] = shares;
    this.live++;
    const b = this.best[bs];
    if (b < 0) {
      this.best[bs] = i;
      return;
    }
    const bestPrice = this.prices[bs * this.capacity + b];
    // New orders have the highest ref, so they win only on a strictly better price.
    if ((bs & 1) === BID ? price > bestPrice : price < bestPrice) this.best[bs] = i;
  }

  /** Reduces an order's remaining shares by `by` (0 < by < remaining); the touch does not change. */
  reduce(bs: number, i: number, by: number): void {
    this.shares[bs * this.capacity + i] -= by;
  }

  /** Removes order `i`, moving the last order of the side into its place. */
  remove(bs: number, i: number): void {
    const base = bs * this.capacity;
    const last = --this.counts[bs];
    this.live--;
    if (i !== last) {
      this.refs[base + i] = this.refs[base + last];
      this.prices[base + i] = this.prices[base + last];
      this.shares[base + i] = this.shares[base + last];
    }
    const b = this.best[bs];
    if (b === i) this.rescan(bs);
    else if (b === last) this.best[bs] = i;
  }

  /** Index of the oldest (lowest ref) order on a non-empty side. */
  oldest(bs: number): number {
    const base = bs * this.capacity;
    const n = this.counts[bs];
    let o = 0;
    for (let i = 1; i < n; i++) if (this.refs[base + i] < this.refs[base + o]) o = i;
    return o;
  }

  private rescan(bs: number): void {
    const n = this.counts[bs];
    if (n === 0) {
      this.best[bs] = -1;
      return;
    }
    const base = bs * this.capacity;
    const bid = (bs & 1) === BID;
    let b = 0;
    for (let i = 1; i < n; i++) {
      const p = this.prices[base + i];
      const bp = this.prices[base + b];
      if (bid ? p > bp : p < bp) b = i;
      else if (p === bp && this.refs[base + i] < this.refs[base + b]) b = i;
    }
    this.best[bs] = b;
  }
}

/** The book side index for a locate and side (`BID` / `ASK`). */
export function bookSide(locate: number, side: number): number {
  return locate * 2 + side;
}
