/**
 * A latency histogram with fixed logarithmic buckets (HdrHistogram-style: 16 linear sub-buckets per power of
 * two, so any value is within ~6% of its bucket's bounds). Values are whole microseconds; buckets are the same
 * in every process, so histograms from several load-generator workers merge by adding counts.
 */

/** Sub-buckets per power of two. */
const SUB_BUCKETS = 16;
const SUB_BITS = 4;
/** Largest recordable value: 2^31 - 1 µs (~36 minutes); larger values land in the last bucket. */
export const MAX_TRACKABLE_US = 0x7fff_ffff;
/** Values 0..15 have a bucket each; then 16 per power of two from 2^4 to 2^30. */
export const BUCKET_COUNT = SUB_BUCKETS + (31 - SUB_BITS) * SUB_BUCKETS;

/** The bucket of a value in µs (clamped to 0..MAX_TRACKABLE_US). */
export function bucketOf(us: number): number {
  const v = us <= 0 ? 0 : us >= MAX_TRACKABLE_US ? MAX_TRACKABLE_US : Math.floor(us);
  if (v < SUB_BUCKETS) return v;
  const exp = 31 - Math.clz32(v);
  const sub = (v >>> (exp - SUB_BITS)) & (SUB_BUCKETS - 1);
  return SUB_BUCKETS + (exp - SUB_BITS) * SUB_BUCKETS + sub;
}

/** The highest value (µs) a bucket holds. */
export function bucketUpperBound(bucket: number): number {
  if (bucket < SUB_BUCKETS) return bucket;
  const exp = SUB_BITS + Math.floor((bucket - SUB_BUCKETS) / SUB_BUCKETS);
  const sub = (bucket - SUB_BUCKETS) % SUB_BUCKETS;
  return (SUB_BUCKETS + sub + 1) * 2 ** (exp - SUB_BITS) - 1;
}

export class LogHistogram {
  total = 0;
  /** Samples below zero (clock disagreement between processes), recorded as 0. */
  negative = 0;
  maxUs = 0;

  readonly counts = new Float64Array(BUCKET_COUNT);
  record(us: number, count = 1): void {
    if (us < 0) this.negative += count;
    this.counts[bucketOf(us)]! += count;
    this.total += count;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Adds another histogram's counts (e.g. one per worker). */
  merge(other: LogHistogram): this {
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.negative += other.negative;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
    return this;
  }

  /**
   * The value (µs) at quantile `q` in [0, 1]: the upper bound of the bucket holding the ceil(q * total)-th
   * smallest sample (so the answer is never below the true value by more than the bucket width). NaN when empty.
   */
  quantileUs(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(bucketUpperBound(i), Math.max(this.maxUs, 0));
    }
    return this.maxUs;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.negative = 0;
    this.maxUs = 0;
  }

  /** A compact form for IPC: [bucket, count] pairs of the non-empty buckets. */
  toSparse(): { readonly buckets: [number, number][]; readonly negative: number; readonly maxUs: number } {
    const buckets: [number, number][] = [];
    for (let i = 0; i < BUCKET_COUNT; i++) if (this.counts[i]! > 0) buckets.push([i, this.counts[i]!]);
    return { buckets, negative: this.negative, maxUs: this.maxUs };
  }

  static fromSparse(sparse: { readonly buckets: readonly (readonly [number, number])[]; readonly negative: number; readonly maxUs: number }): LogHistogram {
    const h = new LogHistogram();
    for (const [bucket, count] of sparse.buckets) {
      if (!Number.isInteger(bucket) || bucket < 0 || bucket >= BUCKET_COUNT) throw new RangeError(`bucket ${bucket} out of range`);
      h.counts[bucket]! += count;
      h.total += count;
    }
    h.negative = sparse.negative;
    h.maxUs = sparse.maxUs;
    return h;
  }
}
