import type { Sfc32 } from './prng';

/**
 * Samples indices 0..n-1 with probability proportional to `weights[i]` in O(1) per draw (Vose's alias
 * method): one random float picks a column and decides between it and its alias. Built once, then
 * allocation-free.
 */
export class AliasSampler {
  readonly size: number;
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError('AliasSampler needs at least one weight');
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`weight ${i} is not a finite non-negative number`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError('AliasSampler weights sum to 0');
    this.size = n;
    this.probability = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i] * n) / total;
      if (scaled[i] < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns];
      const l = large[--nl];
      this.probability[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    // Leftovers are 1 up to rounding error.
    while (nl > 0) {
      const l = large[--nl];
      this.probability[l] = 1;
      this.alias[l] = l;
    }
    while (ns > 0) {
      const s = small[--ns];
      this.probability[s] = 1;
      this.alias[s] = s;
    }
  }

  /** Draws one index using one float from `rng`. */
  sample(rng: Sfc32): number {
    const x = rng.nextFloat() * this.size;
    const i = Math.floor(x);
    return x - i < this.probability[i] ? i : this.alias[i];
  }
}

/** Zipf weights `1 / rank^exponent` for ranks 1..n (index 0 is rank 1, the hottest). */
export function zipfWeights(n: number, exponent: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 1 / Math.pow(i + 1, exponent);
  return w;
}
