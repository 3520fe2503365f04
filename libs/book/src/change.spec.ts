import { Change, CHANGE_ALL, MARKET_CHANGE, NO_CHANGE } from './change';

describe('Change', () => {
  it('has one distinct bit per field, all covered by CHANGE_ALL', () => {
    const bits = Object.values(Change);
    expect(new Set(bits).size).toBe(bits.length);
    for (const b of bits) expect(b & (b - 1)).toBe(0);
    expect(bits.reduce((a, b) => a | b, 0)).toBe(CHANGE_ALL);
  });

  it('sentinels are not instrument locates (1..65535)', () => {
    expect([NO_CHANGE, MARKET_CHANGE]).toEqual([-1, 0]);
  });
});
