/** Journal flags. */
export const JOURNAL_COUNTED = 1; // in volume / VWAP (E, printable C, P, Q)
export const JOURNAL_BROKEN = 2; // taken back by a Broken Trade ('B')

/** Doubles per execution: match number, locate, price, shares, minute, flags. */
const STRIDE = 6;

/**
 * The last `capacity` executions of the feed, by Match Number, so a Broken Trade ('B') can find the
 * execution it breaks: its locate, price and shares. A ring interleaved in one `Float64Array` (no object
 * per execution); lookups scan back from the newest entry (breaks are rare and usually refer to recent
 * executions, and a scan makes no assumption that match numbers arrive in order). Older executions fall
 * out of the window: a break for one of them is counted as unmatched.
 */
export class ExecutionJournal {
  readonly capacity: number;
  private readonly mask: number;
  private readonly entries: Float64Array;
  /** Executions recorded since creation. */
  total = 0;

  /** `capacity` must be a power of two. */
  constructor(capacity: number) {
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.entries = new Float64Array(capacity * STRIDE);
  }

  record(matchNumber: number, locate: number, price: number, shares: number, minute: number, flags: number): void {
    const p = (this.total & this.mask) * STRIDE;
    const e = this.entries;
    e[p] = matchNumber;
    e[p + 1] = locate;
    e[p + 2] = price;
    e[p + 3] = shares;
    e[p + 4] = minute;
    e[p + 5] = flags;
    this.total++;
  }

  /** Slot of the newest execution with this match number still in the window, or -1. */
  find(matchNumber: number): number {
    const held = this.total < this.capacity ? this.total : this.capacity;
    let i = this.total;
    for (let k = 0; k < held; k++) {
      i = (i - 1) & this.mask;
      if (this.entries[i * STRIDE] === matchNumber) return i;
    }
    return -1;
  }

  locateAt(slot: number): number {
    return this.entries[slot * STRIDE + 1];
  }
  priceAt(slot: number): number {
    return this.entries[slot * STRIDE + 2];
  }
  sharesAt(slot: number): number {
    return this.entries[slot * STRIDE + 3];
  }
  minuteAt(slot: number): number {
    return this.entries[slot * STRIDE + 4];
  }
  flagsAt(slot: number): number {
    return this.entries[slot * STRIDE + 5];
  }
  markBroken(slot: number): void {
    this.entries[slot * STRIDE + 5] = this.flagsAt(slot) | JOURNAL_BROKEN;
  }
}
