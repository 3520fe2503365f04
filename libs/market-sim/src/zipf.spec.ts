import { Sfc32 } from './prng';
import { AliasSampler, zipfWeights } from './zipf';

describe('AliasSampler', () => {
  it('draws indices in proportion to their weights', () => {
    const weights = [5, 0, 1, 3, 1];
    const sampler = new AliasSampler(weights);
    const rng = new Sfc32(1);
    const counts = new Array<number>(5).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[sampler.sample(rng)]++;
    expect(counts[1]).toBe(0);
    weights.forEach((w, i) => expect(Math.abs(counts[i] / n - w / 10)).toBeLessThan(0.005));
  });

  it('handles one weight and rejects empty, negative or all-zero weights', () => {
    expect(new AliasSampler([3]).sample(new Sfc32(1))).toBe(0);
    expect(() => new AliasSampler([])).toThrow(RangeError);
    expect(() => new AliasSampler([1, -1])).toThrow(RangeError);
    expect(() => new AliasSampler([0, 0])).toThrow(RangeError);
    expect(() => new AliasSampler([1, Number.NaN])).toThrow(RangeError);
  });
});

describe('zipfWeights', () => {
  it('gives rank k the weight 1/k^s', () => {
    const w = zipfWeights(4, 1.1);
    expect(w[0]).toBe(1);
    expect(w[3]).toBeCloseTo(1 / 4 ** 1.1, 12);
    expect(Array.from(zipfWeights(3, 0))).toEqual([1, 1, 1]);
  });
});
