const KEY_FLIP = 0xffffffff;
/** Levels scanned linearly from the touch before falling back to binary search. */
const NEAR_TOUCH = 8;
/** Doubles per level: key, total shares, order count (one level = 24 bytes, read in one go). */
const STRIDE = 3;
/** Int32s per ladder header: first double of its region, levels in use, room in levels, 1 for bids. */
const HEADER = 4;
const H_BASE = 0;
const H_LENGTH = 1;
const H_CAPACITY = 2;
const H_IS_BID = 3;

/**
 * Price levels of many ladders: the levels in one `Float64Array`, each ladder's header (where its region
 * starts, its length, its room, its side) in one `Int32Array`, both shared by a whole `BookSet`. A
 * ladder is a number (`createLadder`); it owns a region of `data` (`capacity` levels) and a full ladder
 * moves to a region twice as large at the end.
 *
 * Why: with thousands of books mostly cold in cache, every pointer between a message and its level is a
 * cache miss. A ladder object per side (or a typed array per ladder) costs a dependent miss on the
 * object before the levels can even be addressed; here the header of ladder `id` sits at a computed
 * offset of one small array (16 bytes per ladder: both sides of 8,000 books are 256 KB, which stays in
 * L2), so only the level itself can miss, and the header can be read while the order table's miss is
 * still outstanding. Space follows the deepest each book got (regions only double, a book's abandoned
 * regions sum to less than its current one), not the number of level changes.
 *
 * Each ladder keeps its levels sorted with the **best level at the end**:
 * - best bid/ask is the last entry: O(1);
 * - the top N levels are the last N entries: a depth snapshot reads N entries, never scans the book;
 * - almost all ITCH activity is near the touch, and inserting or removing a level only moves the levels
 *   *better* than it (a short loop over a few entries); a lookup scans up to 8 levels from the touch, then
 *   binary-searches the rest (O(log L)). A tree or skip list would pay pointer chasing and an object per
 *   level for the rare deep insert, and a book's level count near the touch is small.
 *
 * Keys grow toward the best: bids store the price, asks store `0xFFFFFFFF - price`.
 * Rank 0 is the best level; rank r is entry `length - 1 - r`.
 */
export class LevelArena {
  /** Interleaved levels: key, total shares, order count. Replaced (copied) when the arena grows. */
  data: Float64Array;
  /** Ladder headers, `HEADER` int32s each. Replaced (copied) when more ladders are created. */
  private headers: Int32Array;
  private used = 0;
  private ladders = 0;

  constructor(initialLevels = 1024, initialLadders = 64) {
    this.data = new Float64Array(Math.max(1, initialLevels) * STRIDE);
    this.headers = new Int32Array(Math.max(1, initialLadders) * HEADER);
  }

  /** Levels handed out so far (including regions ladders have moved out of). */
  get levelsInUse(): number {
    return this.used;
  }

  /** Ladders created. */
  get ladderCount(): number {
    return this.ladders;
  }

  /** A new empty ladder with room for `capacity` levels (at least 2); returns its id (0, 1, 2, ...). */
  createLadder(isBid: boolean, capacity: number): number {
    const id = this.ladders;
    if ((id + 1) * HEADER > this.headers.length) {
      const headers = new Int32Array(this.headers.length * 2);
      headers.set(this.headers);
      this.headers = headers;
    }
    const room = capacity > 1 ? capacity : 2;
    const h = id * HEADER;
    this.headers[h + H_BASE] = this.allocate(room) * STRIDE;
    this.headers[h + H_LENGTH] = 0;
    this.headers[h + H_CAPACITY] = room;
    this.headers[h + H_IS_BID] = isBid ? 1 : 0;
    this.ladders = id + 1;
    return id;
  }

  /** A region of `levels` levels; returns its first level's index. */
  private allocate(levels: number): number {
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

  isBid(id: number): boolean {
    return this.headers[id * HEADER + H_IS_BID] === 1;
  }

  /** Number of price levels of ladder `id`. */
  length(id: number): number {
    return this.headers[id * HEADER + H_LENGTH];
  }

  /** Best price, 0 when the side is empty (as `Quote` encodes an empty side). */
  bestPrice(id: number): number {
    const h = id * HEADER;
    const n = this.headers[h + H_LENGTH];
    if (n === 0) return 0;
    const key = this.data[this.headers[h + H_BASE] + (n - 1) * STRIDE];
    return this.headers[h + H_IS_BID] === 1 ? key : KEY_FLIP - key;
  }

  /** Shares at the best price, 0 when empty. */
  bestSize(id: number): number {
    const h = id * HEADER;
    const n = this.headers[h + H_LENGTH];
    return n === 0 ? 0 : this.data[this.headers[h + H_BASE] + (n - 1) * STRIDE + 1];
  }

  /** Orders at the best price, 0 when empty. */
  bestOrders(id: number): number {
    const h = id * HEADER;
    const n = this.headers[h + H_LENGTH];
    return n === 0 ? 0 : this.data[this.headers[h + H_BASE] + (n - 1) * STRIDE + 2];
  }

  /** Price of the level at `rank` (0 = best); `rank < length`. */
  priceAt(id: number, rank: number): number {
    const h = id * HEADER;
    const key = this.data[this.headers[h + H_BASE] + (this.headers[h + H_LENGTH] - 1 - rank) * STRIDE];
    return this.headers[h + H_IS_BID] === 1 ? key : KEY_FLIP - key;
  }
  sizeAt(id: number, rank: number): number {
    const h = id * HEADER;
    return this.data[this.headers[h + H_BASE] + (this.headers[h + H_LENGTH] - 1 - rank) * STRIDE + 1];
  }
  ordersAt(id: number, rank: number): number {
    const h = id * HEADER;
    return this.data[this.headers[h + H_BASE] + (this.headers[h + H_LENGTH] - 1 - rank) * STRIDE + 2];
  }

  /**
   * The raw key at the touch of ladder `id` (its best level, or the region's first slot when empty). For
   * warming the cache: every level change scans from the touch, so reading it early (while another
   * miss is outstanding) lets both misses overlap.
   */
  touchKey(id: number): number {
    const h = id * HEADER;
    const n = this.headers[h + H_LENGTH];
    return this.data[this.headers[h + H_BASE] + (n > 0 ? n - 1 : 0) * STRIDE];
  }

  /**
   * Copies the best `n` levels of ladder `id` (fewer when it has fewer), best first, into the arrays;
   * returns how many. One pass over adjacent memory: what a depth snapshot costs.
   */
  copyTop(id: number, n: number, prices: Uint32Array, sizes: Float64Array, orders: Uint32Array): number {
    const h = id * HEADER;
    const len = this.headers[h + H_LENGTH];
    const count = len < n ? len : n;
    const flip = this.headers[h + H_IS_BID] === 1 ? 0 : KEY_FLIP;
    const data = this.data;
    let p = this.headers[h + H_BASE] + (len - 1) * STRIDE;
    for (let r = 0; r < count; r++, p -= STRIDE) {
      prices[r] = flip === 0 ? data[p] : flip - data[p];
      sizes[r] = data[p + 1];
      orders[r] = data[p + 2];
    }
    return count;
  }

  /** Rank of the level at `price` in ladder `id`, or -1 when there is none. */
  rankOf(id: number, price: number): number {
    const h = id * HEADER;
    const i = this.indexOf(h, this.headers[h + H_IS_BID] === 1 ? price : KEY_FLIP - price);
    return i < 0 ? -1 : this.headers[h + H_LENGTH] - 1 - i;
  }

  /**
   * Adds `dShares` (may be negative) and `dOrders` (-1, 0 or +1) to the level at `price` of ladder `id`,
   * creating it when absent and removing it when its order count reaches 0. Returns the rank of the
   * level touched (for a removal its rank before removal, for an insertion its rank after), or -1 when
   * nothing changed. Removing from a level that does not exist is ignored (-1).
   */
  adjust(id: number, price: number, dShares: number, dOrders: number): number {
    if (dShares === 0 && dOrders === 0) return -1;
    const h = id * HEADER;
    const headers = this.headers;
    const key = headers[h + H_IS_BID] === 1 ? price : KEY_FLIP - price;
    const found = this.indexOf(h, key);
    if (found >= 0) {
      const levels = this.data;
      const p = headers[h + H_BASE] + found * STRIDE;
      const count = levels[p + 2] + dOrders;
      if (count <= 0) {
        this.removeAt(h, found);
        return headers[h + H_LENGTH] - found; // rank before removal: (len + 1) - 1 - found
      }
      levels[p + 2] = count;
      levels[p + 1] += dShares;
      return headers[h + H_LENGTH] - 1 - found;
    }
    if (dOrders <= 0) return -1;
    const at = ~found;
    this.insertAt(h, at, key, dShares, dOrders);
    return this.headers[h + H_LENGTH] - 1 - at;
  }

  /** Empties ladder `id` (its region is kept). */
  clear(id: number): void {
    this.headers[id * HEADER + H_LENGTH] = 0;
  }

  /** Index of `key` in the ladder whose header is at `h`, or `~insertionPoint` when absent. */
  private indexOf(h: number, key: number): number {
    const levels = this.data;
    const base = this.headers[h + H_BASE];
    let i = this.headers[h + H_LENGTH] - 1;
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

  private insertAt(h: number, at: number, key: number, size: number, count: number): void {
    if (this.headers[h + H_LENGTH] === this.headers[h + H_CAPACITY]) this.grow(h);
    const headers = this.headers;
    const len = headers[h + H_LENGTH];
    const base = headers[h + H_BASE];
    // A plain loop: the shifted run (levels better than this one) is short, and a builtin call costs more.
    const levels = this.data;
    const p = base + at * STRIDE;
    for (let i = base + len * STRIDE - 1; i >= p; i--) levels[i + STRIDE] = levels[i];
    levels[p] = key;
    levels[p + 1] = size;
    levels[p + 2] = count;
    headers[h + H_LENGTH] = len + 1;
  }

  private removeAt(h: number, at: number): void {
    const headers = this.headers;
    const len = headers[h + H_LENGTH] - 1;
    const base = headers[h + H_BASE];
    const levels = this.data;
    const end = base + len * STRIDE;
    for (let i = base + at * STRIDE; i < end; i++) levels[i] = levels[i + STRIDE];
    headers[h + H_LENGTH] = len;
  }

  /** Moves the ladder at header `h` to a region twice as large (the old one is left behind). */
  private grow(h: number): void {
    const capacity = this.headers[h + H_CAPACITY] * 2;
    const base = this.allocate(capacity) * STRIDE;
    const from = this.headers[h + H_BASE];
    this.data.copyWithin(base, from, from + this.headers[h + H_LENGTH] * STRIDE); // after allocate: data may have grown
    this.headers[h + H_BASE] = base;
    this.headers[h + H_CAPACITY] = capacity;
  }
}

/**
 * One side of an aggregated (L2) book: a handle on ladder `id` of a `LevelArena` (see there for the
 * layout), for readers such as publishers and tests. `BookSet` itself calls the arena with the id.
 */
export class PriceLadder {
  readonly isBid: boolean;
  readonly arena: LevelArena;
  readonly id: number;

  /** `arena`: shared with the other ladders of a book set (default: one of its own). */
  constructor(isBid: boolean, initialCapacity = 16, arena: LevelArena = new LevelArena(initialCapacity > 1 ? initialCapacity : 2, 1)) {
    this.isBid = isBid;
    this.arena = arena;
    this.id = arena.createLadder(isBid, initialCapacity);
  }

  /** Number of price levels. */
  get length(): number {
    return this.arena.length(this.id);
  }
  /** Best price, 0 when the side is empty (as `Quote` encodes an empty side). */
  get bestPrice(): number {
    return this.arena.bestPrice(this.id);
  }
  /** Shares at the best price, 0 when empty. */
  get bestSize(): number {
    return this.arena.bestSize(this.id);
  }
  /** Orders at the best price, 0 when empty. */
  get bestOrders(): number {
    return this.arena.bestOrders(this.id);
  }
  /** Price of the level at `rank` (0 = best); `rank < length`. */
  priceAt(rank: number): number {
    return this.arena.priceAt(this.id, rank);
  }
  sizeAt(rank: number): number {
    return this.arena.sizeAt(this.id, rank);
  }
  ordersAt(rank: number): number {
    return this.arena.ordersAt(this.id, rank);
  }
  /** Rank of the level at `price`, or -1 when there is none. */
  rankOf(price: number): number {
    return this.arena.rankOf(this.id, price);
  }
  /** See `LevelArena.adjust`. */
  adjust(price: number, dShares: number, dOrders: number): number {
    return this.arena.adjust(this.id, price, dShares, dOrders);
  }
  clear(): void {
    this.arena.clear(this.id);
  }
}
