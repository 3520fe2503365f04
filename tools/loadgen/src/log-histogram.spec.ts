import { BUCKET_COUNT, bucketOf, bucketUpperBound, LogHistogram, MAX_TRACKABLE_US } from './log-histogram';

describe('LogHistogram', () => {
  it('puts every value in a bucket whose bounds hold it, within 1/16 of the value', () => {
    for (const v of [0, 1, 15, 16, 17, 31, 32, 33, 100, 999, 1_000, 1_234_567, MAX_TRACKABLE_US]) {
      const b = bucketOf(v);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(BUCKET_COUNT);
      expect(bucketUpperBound(b)).toBeGreaterThanOrEqual(v);
      expect(b === 0 || bucketUpperBound(b - 1) < v).toBe(true);
      expect(bucketUpperBound(b) - v).toBeLessThanOrEqual(Math.max(0, v / 16));
    }
  });

  it('has contiguous, increasing buckets', () => {
    for (let b = 1; b < BUCKET_COUNT; b++) expect(bucketOf(bucketUpperBound(b - 1) + 1)).toBe(b);
    expect(bucketOf(MAX_TRACKABLE_US * 4)).toBe(BUCKET_COUNT - 1);
  });

  it('answers quantiles with the bucket upper bound, never above the largest value', () => {
    const h = new LogHistogram();
    for (let us = 1; us <= 1000; us++) h.record(us);
    expect(h.total).toBe(1000);
    const p50 = h.quantileUs(0.5);
    expect(p50).toBeGreaterThanOrEqual(500);
    expect(p50).toBeLessThanOrEqual(500 * (1 + 1 / 16));
    const p99 = h.quantileUs(0.99);
    expect(p99).toBeGreaterThanOrEqual(990);
    expect(p99).toBeLessThanOrEqual(1000);
    expect(h.quantileUs(1)).toBe(1000);
    expect(h.quantileUs(0)).toBe(1);
    expect(new LogHistogram().quantileUs(0.5)).toBeNaN();
  });

  it('merges across workers as if one histogram had seen everything, also through the IPC form', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    const all = new LogHistogram();
    for (let i = 0; i < 500; i++) {
      a.record(i * 3);
      all.record(i * 3);
    }
    for (let i = 0; i < 300; i++) {
      b.record(10_000 + i * 17);
      all.record(10_000 + i * 17);
    }
    const merged = new LogHistogram().merge(LogHistogram.fromSparse(JSON.parse(JSON.stringify(a.toSparse())))).merge(LogHistogram.fromSparse(JSON.parse(JSON.stringify(b.toSparse()))));
    expect(merged.total).toBe(800);
    expect([...merged.counts]).toEqual([...all.counts]);
    for (const q of [0.5, 0.9, 0.99, 0.999]) expect(merged.quantileUs(q)).toBe(all.quantileUs(q));
    expect(merged.maxUs).toBe(all.maxUs);
  });

  it('counts negative samples (clock disagreement) as zero and says how many', () => {
    const h = new LogHistogram();
    h.record(-5);
    h.record(7);
    expect(h.negative).toBe(1);
    expect(h.quantileUs(0.5)).toBe(0);
    h.reset();
    expect(h.total).toBe(0);
    expect(h.negative).toBe(0);
  });

  it('rejects a bucket outside the range in the IPC form', () => {
    expect(() => LogHistogram.fromSparse({ buckets: [[BUCKET_COUNT, 1]], negative: 0, maxUs: 0 })).toThrow(RangeError);
  });
});
