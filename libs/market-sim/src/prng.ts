/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from PractRand): 128 bits of state in four
 * u32s, period >= 2^32, passes PractRand to terabytes. Chosen because every step is a handful of 32-bit
 * integer operations that V8 keeps in registers, and the whole state is four numbers: same seed, same
 * sequence, on every platform and Node version.
 */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds from one u32 (any safe integer is reduced mod 2^32) through splitmix32, then warms up. */
  constructor(seed: number) {
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = 1;
    for (let i = 0; i < 15; i++) this.nextU32();
  }

  /** The next u32 in [0, 2^32). */
  nextU32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.c = (r + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer in [0, n) for 1 <= n <= 2^32 (multiply-shift; the bias is below 2^-32 * n, irrelevant here). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }
}
