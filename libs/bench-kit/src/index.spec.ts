import { intFlag, median, parseBenchOptions } from './index';

describe('bench-kit', () => {
  it('parses the options every scenario takes, with full and quick defaults', () => {
    const defaults = { messages: [10_000_000, 1_000_000], runs: [7, 5] } as const;
    expect(parseBenchOptions([], defaults)).toEqual({ quick: false, json: false, messages: 10_000_000, runs: 7 });
    expect(parseBenchOptions(['--quick', '--json'], defaults)).toEqual({ quick: true, json: true, messages: 1_000_000, runs: 5 });
    expect(parseBenchOptions(['--quick', '--runs', '2', '--messages', '500'], defaults)).toMatchObject({ messages: 500, runs: 2 });
  });

  it('names the flag of a malformed value', () => {
    expect(() => intFlag(['--symbols', 'many'], '--symbols', 1)).toThrow('--symbols needs a positive integer, got many');
    expect(() => intFlag(['--symbols'], '--symbols', 1)).toThrow('--symbols needs a positive integer, got undefined');
    expect(intFlag(['--symbols', '8000'], '--symbols', 1)).toBe(8000);
  });

  it('takes the median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});
