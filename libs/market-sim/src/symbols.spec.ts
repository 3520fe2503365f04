import { Sfc32 } from './prng';
import { compareTickers, generateTickers, TICKER_PATTERN } from './symbols';

describe('generateTickers', () => {
  it('makes unique 1-8 letter tickers, deterministically', () => {
    const a = generateTickers(new Sfc32(5), 5000);
    expect(a).toHaveLength(5000);
    expect(new Set(a).size).toBe(5000);
    for (const t of a) expect(t).toMatch(/^[A-Z]{1,8}$/);
    expect(generateTickers(new Sfc32(5), 5000)).toEqual(a);
    expect(generateTickers(new Sfc32(6), 5000)).not.toEqual(a);
  });

  it('keeps the given tickers first and never generates them again', () => {
    const given = ['A', 'B', 'C', 'AAPL'];
    const out = generateTickers(new Sfc32(1), 2000, given);
    expect(out.slice(0, 4)).toEqual(given);
    expect(new Set(out).size).toBe(2000);
  });

  it('copes when all one-letter tickers are taken', () => {
    const out = generateTickers(new Sfc32(2), 30_000);
    expect(out.filter((t) => t.length === 1).length).toBeLessThanOrEqual(26);
    expect(new Set(out).size).toBe(30_000);
  });
});

describe('TICKER_PATTERN and compareTickers', () => {
  it('accepts real-looking tickers and rejects padding, empties and long ones', () => {
    for (const ok of ['A', 'AAPL', 'BRK.B', 'ZVZZT', 'ABCDEFGH']) expect(TICKER_PATTERN.test(ok)).toBe(true);
    for (const bad of ['', 'ABC DEF', 'ABCDEFGHI', 'É']) expect(TICKER_PATTERN.test(bad)).toBe(false);
  });

  it('orders by ASCII code', () => {
    expect(['b', 'B', 'AB', 'A.', 'A'].sort(compareTickers)).toEqual(['A', 'A.', 'AB', 'B', 'b']);
  });
});
