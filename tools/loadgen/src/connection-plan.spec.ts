import { interleavedSymbolOrder, sourceAddress, splitRange, subscribersPerSymbol, symbolName, symbolsOf, workerCountFor } from './connection-plan';

describe('connection plan', () => {
  it('splits connections over workers in consecutive ranges that differ by at most one', () => {
    expect(splitRange(10, 3)).toEqual([{ start: 0, count: 4 }, { start: 4, count: 3 }, { start: 7, count: 3 }]);
    expect(splitRange(2, 4)).toEqual([{ start: 0, count: 1 }, { start: 1, count: 1 }, { start: 2, count: 0 }, { start: 2, count: 0 }]);
    const ranges = splitRange(10_000, 2);
    expect(ranges.reduce((a, r) => a + r.count, 0)).toBe(10_000);
    expect(() => splitRange(10, 0)).toThrow(RangeError);
    expect(() => splitRange(-1, 2)).toThrow(RangeError);
  });

  it('keeps every worker under the socket budget', () => {
    expect(workerCountFor(2_000)).toBe(2);
    expect(workerCountFor(10_000)).toBe(2);
    expect(workerCountFor(18_001)).toBe(3);
    expect(workerCountFor(30_000, 1, 9_000)).toBe(4);
  });

  it('spreads source addresses round robin over 127.0.0.1..N', () => {
    expect(sourceAddress(0, 16)).toBe('127.0.0.1');
    expect(sourceAddress(15, 16)).toBe('127.0.0.16');
    expect(sourceAddress(16, 16)).toBe('127.0.0.1');
    const perAddress = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) perAddress.set(sourceAddress(i, 16), (perAddress.get(sourceAddress(i, 16)) ?? 0) + 1);
    expect(perAddress.size).toBe(16);
    expect(Math.max(...perAddress.values()) - Math.min(...perAddress.values())).toBeLessThanOrEqual(1);
    expect(() => sourceAddress(0, 0)).toThrow(RangeError);
    expect(() => sourceAddress(0, 255)).toThrow(RangeError);
  });

  it('subscribes each connection to distinct symbols, evenly over all symbols', () => {
    expect(symbolsOf(0, 3, 10)).toEqual([0, 1, 2]);
    expect(symbolsOf(3, 3, 10)).toEqual([9, 0, 1]);
    for (let c = 0; c < 50; c++) expect(new Set(symbolsOf(c, 20, 200)).size).toBe(20);
    const fanout = subscribersPerSymbol(5_000, 20, 200);
    expect(fanout.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(new Set(fanout)).toEqual(new Set([500]));
    expect(() => symbolsOf(0, 21, 20)).toThrow(RangeError);
    expect(symbolName(7)).toBe('SYM0007');
  });

  it('orders symbols so that every connection gets one of every few publishes', () => {
    expect(interleavedSymbolOrder(6, 2)).toEqual([0, 2, 4, 1, 3, 5]);
    const order = interleavedSymbolOrder(200, 20);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // Any 10 consecutive publishes (cyclically) reach every connection's block of 20 symbols once.
    for (let c = 0; c < 10; c++) {
      const mine = new Set(symbolsOf(c, 20, 200));
      for (let k = 0; k < 200; k++) expect(Array.from({ length: 10 }, (_, j) => order[(k + j) % 200]!).filter((s) => mine.has(s))).toHaveLength(1);
    }
    expect(interleavedSymbolOrder(5, 2)).toEqual([0, 1, 2, 3, 4]);
  });
});
