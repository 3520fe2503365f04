import { BookError } from './errors';

const TWO_32 = 4294967296;
const MAX_CAPACITY = 1 << 30;

/**
 * Uint32s per compact record: ref low half, tag, price, shares. 16 bytes: four orders per cache line,
 * and the table is half the size it was with a double per field (what misses in cache is the table).
 */
const STRIDE = 4;
const TAG = 1;
const PRICE = 2;
const SHARES = 3;
/** The tag packs ref high bits (14), side (1) and locate + 1 (17; 0 = empty slot). */
const TAG_HIGH_SHIFT = 18;
const TAG_SIDE = 1 << 17;
const TAG_LOCATE = TAG_SIDE - 1;
/** Refs from here on (and orders whose locate, price or shares do not fit their field) are kept wide. */
const WIDE_REF = 2 ** 46;
/** Slot numbers from here on name wide orders (`WIDE_SLOT + index`), so they never collide with compact ones. */
const WIDE_SLOT = MAX_CAPACITY * 2;

/**
 * Live orders of a whole feed keyed by ITCH Order Reference Number: an open-addressing hash table with
 * linear probing over one `Uint32Array` of 16-byte records (no object per order; an order's ref, side,
 * locate, price and shares share one record, so a lookup costs one cache miss, not one per field). Refs
 * are JS numbers, exact below 2^53: a record keeps the ref's low 32 bits and 14 high bits, which covers
 * refs below 2^46 (Nasdaq's counter stays far below); the rare order that does not fit (a ref from
 * 2^46, a locate above 131,070, a price or share count above 2^32 - 1) is kept exactly in a small side
 * list of wide orders, found by a linear scan (empty on real feeds, so it costs one comparison).
 *
 * Deleting uses backward-shift (no tombstones), so a removed order frees its slot at once and probe
 * chains never degrade with history: memory follows the live-order high-water mark. The table doubles at
 * half load (an allocation, amortised; size it with `initialCapacity` to avoid it in steady state).
 *
 * Slot numbers returned by `find`/`insert` are valid until the next `insert` or `remove`.
 */
export class OrderTable {
  private slots: Uint32Array;
  private mask: number;
  /** 32 - log2(capacity): `home` keeps the top bits of the 32-bit product. */
  private shift: number;
  private growAt: number;
  private count = 0;
  /** Wide orders, one per index: ref, locate, side, price, shares as exact doubles. */
  private readonly wideRefs: number[] = [];
  private readonly wideFields: number[][] = [];

  constructor(initialCapacity = 65_536) {
    let capacity = 16;
    while (capacity < initialCapacity * 2 && capacity < MAX_CAPACITY) capacity *= 2;
    this.slots = new Uint32Array(capacity * STRIDE);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.growAt = capacity >>> 1;
  }

  /** Live orders. */
  get size(): number {
    return this.count + this.wideRefs.length;
  }

  /** Live orders kept outside the compact records (see the class comment). */
  get wideCount(): number {
    return this.wideRefs.length;
  }

  /** Slots allocated (a power of two, at least twice the compact orders). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes of the compact records. */
  get byteLength(): number {
    return this.slots.byteLength;
  }

  /**
   * Home slot of a ref from its halves: blocks of 16 consecutive refs stay together (Fibonacci hash of
   * `lo >>> 4`, both halves mixed, then the low 4 bits). Nasdaq assigns refs from one increasing counter and
   * most orders die young, so neighbouring refs are hot together: keeping them in the same few cache lines
   * is what an identity hash (`ref & mask`) buys, but sequential refs then form one contiguous run as long
   * as the live-order window, and linear probing pays the whole run on every delete (backward shift) and
   * every miss. Measured on the book-apply benchmark (quick, median ns/event, 8,000 / 1,000 symbols):
   * identity 314 / 149, blocks of 16 372 / 196, fully scrambled 387 / 256; and 100,000 sequential live refs
   * make a single 100,000-slot run with the identity hash, 48 with blocks of 16 (tested).
   */
  private home(lo: number, hi: number): number {
    return ((Math.imul((lo >>> 4) ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> this.shift) ^ (lo & 15)) & this.mask;
  }

  /** Slot of a live order, or -1. */
  find(ref: number): number {
    if (!(ref >= 0 && ref < WIDE_REF)) return this.findWide(ref);
    // No `%` on doubles (V8 calls fmod): ref < 2^46, so ref / 2^32 < 2^14 truncates exactly with `| 0`.
    const hi = (ref / TWO_32) | 0;
    const lo = ref - hi * TWO_32;
    const slots = this.slots;
    const mask = this.mask;
    let i = this.home(lo, hi);
    for (;;) {
      const p = i * STRIDE;
      const tag = slots[p + TAG];
      if (tag === 0) return this.wideRefs.length === 0 ? -1 : this.findWide(ref); // a small ref with a field too large
      if (slots[p] === lo && tag >>> TAG_HIGH_SHIFT === hi) return i;
      i = (i + 1) & mask;
    }
  }

  /** Adds an order and returns its slot, or -1 (nothing changed) when `ref` is already live. */
  insert(ref: number, locate: number, side: number, price: number, shares: number): number {
    if (!(ref >= 0 && ref < WIDE_REF && locate >>> 0 === locate && locate < TAG_LOCATE && price >>> 0 === price && shares >>> 0 === shares)) {
      return this.insertWide(ref, locate, side, price, shares);
    }
    if (this.count >= this.growAt) this.grow();
    const hi = (ref / TWO_32) | 0;
    const lo = ref - hi * TWO_32;
    const slots = this.slots;
    const mask = this.mask;
    let i = this.home(lo, hi);
    for (;;) {
      const p = i * STRIDE;
      const tag = slots[p + TAG];
      if (tag === 0) break;
      if (slots[p] === lo && tag >>> TAG_HIGH_SHIFT === hi) return -1;
      i = (i + 1) & mask;
    }
    // A ref below 2^46 is wide when a field was too large: it is live all the same.
    if (this.wideRefs.length !== 0 && this.findWide(ref) >= 0) return -1;
    const p = i * STRIDE;
    slots[p] = lo;
    slots[p + TAG] = hi * (1 << TAG_HIGH_SHIFT) + (side === 1 ? TAG_SIDE : 0) + locate + 1;
    slots[p + PRICE] = price;
    slots[p + SHARES] = shares;
    this.count++;
    return i;
  }

  /** Removes the order at `slot` (from `find`), shifting later entries of its probe chain back. */
  remove(slot: number): void {
    if (slot >= WIDE_SLOT) {
      this.removeWide(slot - WIDE_SLOT);
      return;
    }
    const slots = this.slots;
    const mask = this.mask;
    let hole = slot;
    let j = slot;
    for (;;) {
      j = (j + 1) & mask;
      const from = j * STRIDE;
      const tag = slots[from + TAG];
      if (tag === 0) break;
      const k = this.home(slots[from], tag >>> TAG_HIGH_SHIFT);
      // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
      if (hole <= j ? hole < k && k <= j : hole < k || k <= j) continue;
      const to = hole * STRIDE;
      slots[to] = slots[from];
      slots[to + TAG] = tag;
      slots[to + PRICE] = slots[from + PRICE];
      slots[to + SHARES] = slots[from + SHARES];
      hole = j;
    }
    slots[hole * STRIDE + TAG] = 0;
    this.count--;
  }

  refAt(slot: number): number {
    if (slot >= WIDE_SLOT) return this.wideRefs[slot - WIDE_SLOT]!;
    const p = slot * STRIDE;
    return (this.slots[p + TAG] >>> TAG_HIGH_SHIFT) * TWO_32 + this.slots[p];
  }
  locateAt(slot: number): number {
    if (slot >= WIDE_SLOT) return this.wideFields[slot - WIDE_SLOT]![0]!;
    return (this.slots[slot * STRIDE + TAG] & TAG_LOCATE) - 1;
  }
  /** 1 = bid (buy), 0 = ask (sell). */
  sideAt(slot: number): number {
    if (slot >= WIDE_SLOT) return this.wideFields[slot - WIDE_SLOT]![1]!;
    return (this.slots[slot * STRIDE + TAG] & TAG_SIDE) === 0 ? 0 : 1;
  }
  priceAt(slot: number): number {
    if (slot >= WIDE_SLOT) return this.wideFields[slot - WIDE_SLOT]![2]!;
    return this.slots[slot * STRIDE + PRICE];
  }
  sharesAt(slot: number): number {
    if (slot >= WIDE_SLOT) return this.wideFields[slot - WIDE_SLOT]![3]!;
    return this.slots[slot * STRIDE + SHARES];
  }
  /** `shares` no larger than the order's current shares (a reduction), so it fits where they did. */
  setShares(slot: number, shares: number): void {
    if (slot >= WIDE_SLOT) this.wideFields[slot - WIDE_SLOT]![3] = shares;
    else this.slots[slot * STRIDE + SHARES] = shares;
  }

  /**
   * Longest run of consecutive occupied slots (a diagnostic: a delete or a miss costs up to one run).
   * O(capacity): for tests and tools.
   */
  longestRun(): number {
    let longest = 0;
    let run = 0;
    for (let i = 0; i < 2 * (this.mask + 1); i++) {
      if (this.slots[(i & this.mask) * STRIDE + TAG] === 0) run = 0;
      else if (++run > longest) longest = run;
    }
    return Math.min(longest, this.mask + 1);
  }

  /** Calls `visit(slot)` for every live order (tools, tests; order unspecified). */
  forEach(visit: (slot: number) => void): void {
    const slots = this.slots;
    for (let i = 0; i <= this.mask; i++) if (slots[i * STRIDE + TAG] !== 0) visit(i);
    for (let w = 0; w < this.wideRefs.length; w++) visit(WIDE_SLOT + w);
  }

  clear(): void {
    this.slots.fill(0);
    this.count = 0;
    this.wideRefs.length = 0;
    this.wideFields.length = 0;
  }

  private findWide(ref: number): number {
    const i = this.wideRefs.indexOf(ref);
    return i < 0 ? -1 : WIDE_SLOT + i;
  }

  private insertWide(ref: number, locate: number, side: number, price: number, shares: number): number {
    if (this.find(ref) >= 0) return -1;
    this.wideRefs.push(ref);
    this.wideFields.push([locate, side, price, shares]);
    return WIDE_SLOT + this.wideRefs.length - 1;
  }

  /** Swap-remove: the last wide order takes the freed index. */
  private removeWide(index: number): void {
    const last = this.wideRefs.length - 1;
    this.wideRefs[index] = this.wideRefs[last]!;
    this.wideFields[index] = this.wideFields[last]!;
    this.wideRefs.pop();
    this.wideFields.pop();
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    if (capacity > MAX_CAPACITY) throw new BookError('BOOK_ERR_CAPACITY', `more than ${MAX_CAPACITY / 2} live orders`);
    const old = this.slots;
    this.slots = new Uint32Array(capacity * STRIDE);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.growAt = capacity >>> 1;
    const slots = this.slots;
    for (let from = 0; from < old.length; from += STRIDE) {
      const tag = old[from + TAG];
      if (tag === 0) continue;
      let i = this.home(old[from], tag >>> TAG_HIGH_SHIFT);
      while (slots[i * STRIDE + TAG] !== 0) i = (i + 1) & this.mask;
      const to = i * STRIDE;
      slots[to] = old[from];
      slots[to + TAG] = tag;
      slots[to + PRICE] = old[from + PRICE];
      slots[to + SHARES] = old[from + SHARES];
    }
  }
}
