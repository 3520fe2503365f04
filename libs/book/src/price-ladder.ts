const KEY_FLIP = 0xffffffff;
/** Levels scanned linearly from the touch before falling back to binary search. */
const NEAR_TOUCH = 8;
/** Doubles per level: key, total shares, order count (one level = 24 bytes, read in one go). */
const STRIDE = 3;

/**
 * One side of an aggregated (L2) book: price levels with total shares and order count, kept sorted in one
 * interleaved `Float64Array` with the **best level at the end**. Why this shape:
 *
 * - best bid/ask is the last entry: O(1);
 * - the top N levels are the last N entries: a depth snapshot reads N entries, never scans the book;
 * - almost all ITCH activity is near the touch, and inserting or removing a level only moves the levels
 *   *better* than it (a short loop over a few entries); a lookup scans up to 8 levels from the touch, then
 *   binary-searches the rest (O(log L)). A tree or skip list would pay pointer chasing and an object per
 *   level for the rare deep insert, and a book's level count near the touch is small;
 * - one array per side (not one per field): a level update touches one cache line, and a book costs two
 *   typed arrays, which matters with thousands of instruments whose books are mostly cold in cache.
 *
 * Keys grow toward the best: bids store the price, asks store `0xFFFFFFFF - price`.
 * Rank 0 is the best level; rank r is entry `length - 1 - r`.
 */
export class PriceLadder {
  readonly isBid: boolean;
  private levels: Float64Array;
  private len = 0;

  constructor(isBid: boolean, initialCapacity = 16) {
    this.isBid = isBid;
    this.levels = new Float64Array((initialCapacity > 1 ? initialCapacity : 2) * STRIDE);
  }

  /** Number of price levels. */
  get length(): number {
    return this.len;
  }

  /** Best price, 0 when the side is empty (as `Quote` encodes an empty side). */
  get bestPrice(): number {
    const n = this.len;
    if (n === 0) return 0;
    const key = this.levels[(n - 1) * STRIDE];
    return this.isBid ? key : KEY_FLIP - key;
  }

  /** Shares at the best price, 0 when empty. */
  get bestSize(): number {
    return this.len === 0 ? 0 : this.levels[(this.len - 1) * STRIDE + 1];
  }

  /** Orders at the best price, 0 when empty. */
  get bestOrders(): number {
    return this.len === 0 ? 0 : this.levels[(this.len - 1) * STRIDE + 2];
  }

  /** Price of the level at `rank` (0 = best); `rank < length`. */
  priceAt(rank: number): number {
    const key = this.levels[(this.len - 1 - rank) * STRIDE];
    return this.isBid ? key : KEY_FLIP - key;
  }
  sizeAt(rank: number): number {
    return this.levels[(this.len - 1 - rank) * STRIDE + 1];
  }
  ordersAt(rank: number): number {
    return this.levels[(this.len - 1 - rank) * STRIDE + 2];
  }

  /** Rank of the level at `price`, or -1 when there is none. */
  rankOf(price: number): number {
    const i = this.indexOf(this.isBid ? price : KEY_FLIP - price);
    return i < 0 ? -1 : this.len - 1 - i;
  }

  /**
   * Adds `dShares` (may be negative) and `dOrders` (-1, 0 or +1) to the level at `price`, creating it
   * when absent and removing it when its order count reaches 0. Returns the rank of the level touched
   * (for a removal its rank before removal, for an insertion its rank after), or -1 when nothing changed.
   * Removing from a level that does not exist is ignored (-1).
   */
  adjust(price: number, dShares: number, dOrders: number): number {
    if (dShares === 0 && dOrders === 0) return -1;
    const key = this.isBid ? price : KEY_FLIP - price;
    const found = this.indexOf(key);
    if (found >= 0) {
      const levels = this.levels;
      const p = found * STRIDE;
      const count = levels[p + 2] + dOrders;
      if (count <= 0) {
        this.removeAt(found);
        return this.len - found; // rank before removal: (len + 1) - 1 - found
      }
      levels[p + 2] = count;
      levels[p + 1] += dShares;
      return this.len - 1 - found;
    }
    if (dOrders <= 0) return -1;
    const at = ~found;
    this.insertAt(at, key, dShares, dOrders);
    return this.len - 1 - at;
  }

  /** Index of `key`, or `~insertionPoint` when absent. */
  private indexOf(key: number): number {
    const levels = this.levels;
    let i = this.len - 1;
    const stop = i - NEAR_TOUCH;
    for (; i >= 0 && i > stop; i--) {
      const k = levels[i * STRIDE];
      if (k === key) return i;
      if (k < key) return ~(i + 1);
    }
    if (i < 0) return ~0;
    // Entries 0 .. i remain, all candidates (entry i + 1 is above key).
    let lo = 0;
    let hi = i;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = levels[mid * STRIDE];
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return ~lo;
  }

  private insertAt(at: number, key: number, size: number, count: number): void {
    if ((this.len + 1) * STRIDE > this.levels.length) this.grow();
    // A plain loop: the shifted run (levels better than this one) is short, and a builtin call costs more.
    const levels = this.levels;
    const p = at * STRIDE;
    for (let i = this.len * STRIDE - 1; i >= p; i--) levels[i + STRIDE] = levels[i];
    levels[p] = key;
    levels[p + 1] = size;
    levels[p + 2] = count;
    this.len++;
  }

  private removeAt(at: number): void {
    const levels = this.levels;
    const end = (this.len - 1) * STRIDE;
    for (let i = at * STRIDE; i < end; i++) levels[i] = levels[i + STRIDE];
    this.len--;
  }

  private grow(): void {
    const levels = new Float64Array(this.levels.length * 2);
    levels.set(this.levels);
    this.levels = levels;
  }

  clear(): void {
    this.len = 0;
  }
}
