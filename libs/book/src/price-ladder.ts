const KEY_FLIP = 0xffffffff;
/** Levels scanned linearly from the touch before falling back to binary search. */
const NEAR_TOUCH = 8;
/** Doubles per level: key, total shares, order count (one level = 24 bytes, read in one go). */
const STRIDE = 3;

/**
 * Price levels of many ladders in one `Float64Array` (one per `BookSet`). A ladder owns a region of it
 * (`capacity` levels from `base`); a full ladder moves to a region twice as large at the end. Why: with
 * thousands of books mostly cold in cache, a ladder with its own typed array costs three dependent
 * cache misses per level lookup (ladder -> typed array object -> backing store), one shared arena costs
 * one (the arena and its array stay hot). Space follows the deepest each book got (regions only double,
 * a book's abandoned regions sum to less than its current one), not the number of level changes.
 */
export class LevelArena {
  /** Interleaved levels: key, total shares, order count. Replaced (copied) when the arena grows. */
  data: Float64Array;
  private used = 0;

  constructor(initialLevels = 1024) {
    this.data = new Float64Array(Math.max(1, initialLevels) * STRIDE);
  }

  /** Levels handed out so far (including regions ladders have moved out of). */
  get levelsInUse(): number {
    return this.used;
  }

  /** A region of `levels` levels; returns its first level's index. */
  allocate(levels: number): number {
    const base = this.used;
    const needed = (base + levels) * STRIDE;
    if (needed > this.data.length) {
      let size = this.data.length * 2;
      while (size < needed) size *= 2;
      const data = new Float64Array(size);
      data.set(this.data);
      this.data = data;
    }
    this.used = base + levels;
    return base;
  }
}

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
  private readonly arena: LevelArena;
  /** Index of this ladder's first double in `arena.data`, and its room in levels. */
  private base: number;
  private capacity: number;
  private len = 0;

  /** `arena`: shared with the other ladders of a book set (default: one of its own). */
  constructor(isBid: boolean, initialCapacity = 16, arena: LevelArena = new LevelArena(initialCapacity > 1 ? initialCapacity : 2)) {
    this.isBid = isBid;
    this.arena = arena;
    this.capacity = initialCapacity > 1 ? initialCapacity : 2;
    this.base = arena.allocate(this.capacity) * STRIDE;
  }

  /** Number of price levels. */
  get length(): number {
    return this.len;
  }

  /** Best price, 0 when the side is empty (as `Quote` encodes an empty side). */
  get bestPrice(): number {
    const n = this.len;
    if (n === 0) return 0;
    const key = this.arena.data[this.base + (n - 1) * STRIDE];
    return this.isBid ? key : KEY_FLIP - key;
  }

  /** Shares at the best price, 0 when empty. */
  get bestSize(): number {
    return this.len === 0 ? 0 : this.arena.data[this.base + (this.len - 1) * STRIDE + 1];
  }

  /** Orders at the best price, 0 when empty. */
  get bestOrders(): number {
    return this.len === 0 ? 0 : this.arena.data[this.base + (this.len - 1) * STRIDE + 2];
  }

  /** Price of the level at `rank` (0 = best); `rank < length`. */
  priceAt(rank: number): number {
    const key = this.arena.data[this.base + (this.len - 1 - rank) * STRIDE];
    return this.isBid ? key : KEY_FLIP - key;
  }
  sizeAt(rank: number): number {
    return this.arena.data[this.base + (this.len - 1 - rank) * STRIDE + 1];
  }
  ordersAt(rank: number): number {
    return this.arena.data[this.base + (this.len - 1 - rank) * STRIDE + 2];
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
      const levels = this.arena.data;
      const p = this.base + found * STRIDE;
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
    const levels = this.arena.data;
    const base = this.base;
    let i = this.len - 1;
    const stop = i - NEAR_TOUCH;
    for (; i >= 0 && i > stop; i--) {
      const k = levels[base + i * STRIDE];
      if (k === key) return i;
      if (k < key) return ~(i + 1);
    }
    if (i < 0) return ~0;
    // Entries 0 .. i remain, all candidates (entry i + 1 is above key).
    let lo = 0;
    let hi = i;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = levels[base + mid * STRIDE];
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return ~lo;
  }

  private insertAt(at: number, key: number, size: number, count: number): void {
    if (this.len === this.capacity) this.grow();
    // A plain loop: the shifted run (levels better than this one) is short, and a builtin call costs more.
    const levels = this.arena.data;
    const p = this.base + at * STRIDE;
    for (let i = this.base + this.len * STRIDE - 1; i >= p; i--) levels[i + STRIDE] = levels[i];
    levels[p] = key;
    levels[p + 1] = size;
    levels[p + 2] = count;
    this.len++;
  }

  private removeAt(at: number): void {
    const levels = this.arena.data;
    const end = this.base + (this.len - 1) * STRIDE;
    for (let i = this.base + at * STRIDE; i < end; i++) levels[i] = levels[i + STRIDE];
    this.len--;
  }

  /** Moves to a region twice as large (the old one is left behind: see `LevelArena`). */
  private grow(): void {
    const capacity = this.capacity * 2;
    const base = this.arena.allocate(capacity) * STRIDE;
    const levels = this.arena.data; // after allocate: it may have grown
    levels.copyWithin(base, this.base, this.base + this.len * STRIDE);
    this.base = base;
    this.capacity = capacity;
  }

  clear(): void {
    this.len = 0;
  }
}
