const TWO_32 = 4294967296;

/**
 * Exact sum of `price * shares` products (Price(4) units times shares) in two doubles: `hi` counts units
 * of 2^32, `lo` is kept in [0, 2^32). Exact while `hi < 2^53`, i.e. for notionals below 2^85 (about
 * 3.9e21 dollars): a day's notional of any symbol overflows a single double's 2^53 long before that
 * (2^53 Price(4) units = 900 billion dollars; 2^53 is also exceeded by one print of 4e9 shares at
 * 200,000.0000). No BigInt and no allocation per add.
 *
 * `value` rounds once (relative error <= 2^-53); `vwap = value / volume` rounds once more, so the
 * published VWAP is within 2 ulp (relative 2.3e-16) of the exact quotient.
 */
export class ExactNotional {
  hi = 0;
  lo = 0;

  /** Adds `price * shares`: price an integer in [0, 2^32), shares an integer in [0, 2^53). */
  add(price: number, shares: number): void {
    this.accumulate(price, shares, 1);
  }

  /** Subtracts `price * shares` (a broken trade). The total must stay >= 0. */
  subtract(price: number, shares: number): void {
    this.accumulate(price, shares, -1);
  }

  private accumulate(price: number, shares: number, sign: 1 | -1): void {
    // Floor divisions instead of `%` on doubles (V8 calls fmod for those).
    const sHi = Math.floor(shares / TWO_32); // < 2^21
    const sLo = shares - sHi * TWO_32;
    const pLo = price & 0xffff;
    const pHi = (price - pLo) / 65536; // < 2^16
    const a = pLo * sLo; // < 2^48, weight 1
    const b = pHi * sLo; // < 2^48, weight 2^16
    const bHi = Math.floor(b / 65536); // b * 2^16 = bLo * 2^16 + bHi * 2^32
    const bLo = b - bHi * 65536;
    const lo = this.lo + sign * (a + bLo * 65536); // |.| < 2^49: exact
    const hi = this.hi + sign * (bHi + price * sHi); // price * sHi < 2^53
    const carry = Math.floor(lo / TWO_32);
    this.lo = lo - carry * TWO_32;
    this.hi = hi + carry;
  }

  /** The sum as a double (one rounding). */
  get value(): number {
    return this.hi * TWO_32 + this.lo;
  }

  /** The exact sum (allocates: for tools and tests). */
  toBigInt(): bigint {
    return BigInt(this.hi) * 4294967296n + BigInt(this.lo);
  }

  reset(): void {
    this.hi = 0;
    this.lo = 0;
  }
}
