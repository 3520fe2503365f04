import type { Sfc32 } from './prng';

/** Highest Stock Locate (a u16; 0 means "not stock-specific"). */
export const MAX_SYMBOLS = 65_535;

/** What a caller-given ticker may look like: 1-8 printable ASCII characters without spaces (ITCH pads with spaces). */
export const TICKER_PATTERN = /^[\x21-\x7e]{1,8}$/;

/**
 * Cumulative weights of generated ticker lengths 1..8, shaped like a US equities list: mostly 4 letters
 * (Nasdaq) and 3 (NYSE), some 5 (suffixes, funds), very few 1-2 and 6-8.
 */
const LENGTH_CUMULATIVE = [0.004, 0.03, 0.3, 0.86, 0.97, 0.99, 0.996, 1];

function randomTicker(rng: Sfc32): string {
  const u = rng.nextFloat();
  let length = 1;
  while (u >= LENGTH_CUMULATIVE[length - 1]) length++;
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(0x41 + rng.nextInt(26));
  return s;
}

/**
 * The day's instrument universe: the `given` tickers (kept, in the caller's order) followed by generated
 * unique A-Z tickers until there are `count`. Deterministic for a given `rng` state. The caller has
 * validated `given` (unique, `TICKER_PATTERN`) and `given.length <= count <= MAX_SYMBOLS`.
 */
export function generateTickers(rng: Sfc32, count: number, given: readonly string[] = []): string[] {
  const out = given.slice();
  const seen = new Set(out);
  while (out.length < count) {
    const t = randomTicker(rng);
    if (seen.has(t)) continue;
    seen.add(t);
    out.push(t);
  }
  return out;
}

/** Byte order comparison (ASCII), so locates do not depend on the runtime's locale. */
export function compareTickers(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
