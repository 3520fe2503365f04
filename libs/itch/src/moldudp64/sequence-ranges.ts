/**
 * A sorted set of disjoint half-open sequence ranges `[start, end)`, merged on insert. The sequencer uses
 * it to know which sequence numbers it holds ahead of a gap, so finding where the first gap ends costs
 * O(1) however long the gap is. The number of ranges stays small (one per hole in the received stream).
 */
export class SequenceRanges {
  /** Flat `[start0, end0, start1, end1, ...]`, sorted, disjoint, non-adjacent. */
  private readonly r: number[] = [];

  get isEmpty(): boolean {
    return this.r.length === 0;
  }

  /** Number of disjoint ranges. */
  get size(): number {
    return this.r.length / 2;
  }

  /** Start of the lowest range (Infinity when empty). */
  get first(): number {
    return this.r.length === 0 ? Infinity : this.r[0]!;
  }

  /** End (exclusive) of the lowest range (Infinity when empty). */
  get firstEnd(): number {
    return this.r.length === 0 ? Infinity : this.r[1]!;
  }

  has(seq: number): boolean {
    const r = this.r;
    for (let i = 0; i < r.length; i += 2) {
      if (seq < r[i]!) return false;
      if (seq < r[i + 1]!) return true;
    }
    return false;
  }

  /** Adds `[start, end)`, merging with overlapping or adjacent ranges. */
  add(start: number, end: number): void {
    if (end <= start) return;
    const r = this.r;
    let i = 0;
    while (i < r.length && r[i + 1]! < start) i += 2;
    let j = i;
    let s = start;
    let e = end;
    while (j < r.length && r[j]! <= e) {
      if (r[j]! < s) s = r[j]!;
      if (r[j + 1]! > e) e = r[j + 1]!;
      j += 2;
    }
    r.splice(i, j - i, s, e);
  }

  /** Removes everything below `seq`. */
  removeBelow(seq: number): void {
    const r = this.r;
    let k = 0;
    while (k < r.length && r[k + 1]! <= seq) k += 2;
    if (k > 0) r.splice(0, k);
    if (r.length > 0 && r[0]! < seq) r[0] = seq;
  }

  clear(): void {
    this.r.length = 0;
  }

  /** Copy of the ranges as `[start, end)` pairs (for tests and diagnostics). */
  toArray(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.r.length; i += 2) out.push([this.r[i]!, this.r[i + 1]!]);
    return out;
  }
}
