import { formatChange, formatCount, formatCountdown, formatLatency, formatMinuteOfDay, formatPrice, formatRate, formatVolume, NO_VALUE } from './display-format';

describe('formatPrice', () => {
  it.each<[number | undefined, string]>([
    [123.45, '123.45'],
    [123.4, '123.40'],
    [120, '120.00'],
    [1234.5, '1,234.50'],
    [123.4567, '123.4567'],
    [123.4501, '123.4501'],
    [0.5, '0.50'],
    [0.1234, '0.1234'],
    [0.0001, '0.0001'],
    [undefined, NO_VALUE],
    [NaN, NO_VALUE],
  ])('%p -> %s', (price, text) => {
    expect(formatPrice(price)).toBe(text);
  });

  it('shows four decimals only where a cent is split, despite binary floating point', () => {
    // 1234500 / 10000 and friends: exact in Price(4), not exact in binary.
    for (const units of [1_234_500, 1_000_100, 999_900, 10_000_000, 1_234_567]) {
      const text = formatPrice(units / 1e4);
      expect(text.split('.')[1]!.length).toBe(units % 100 === 0 ? 2 : 4);
    }
  });
});

describe('formatChange', () => {
  it.each<[number, number, string]>([
    [1.23, 0.456, '+1.23 (+0.46%)'],
    [-0.5, -1.2, '-0.50 (-1.20%)'],
    [0, 0, '0.00 (0.00%)'],
  ])('%p, %p -> %s', (change, percent, text) => {
    expect(formatChange(change, percent)).toBe(text);
  });
});

describe('formatVolume', () => {
  it.each<[number | undefined, string]>([
    [0, '0'],
    [9_999, '9,999'],
    [12_345, '12.3K'],
    [999_949, '999.9K'],
    [4_560_000, '4.56M'],
    [1_200_000_000, '1.20B'],
    [undefined, NO_VALUE],
  ])('%p -> %s', (volume, text) => {
    expect(formatVolume(volume)).toBe(text);
  });
});

describe('small formats', () => {
  it('counts, rates, latencies, countdowns and times of day', () => {
    expect(formatCount(12_300)).toBe('12,300');
    expect(formatCount(undefined)).toBe(NO_VALUE);
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(734.4)).toBe('734/s');
    expect(formatRate(12_345)).toBe('12.3k/s');
    expect(formatRate(-1)).toBe(NO_VALUE);
    expect(formatLatency(0.42)).toBe('0.4 ms');
    expect(formatLatency(12.4)).toBe('12 ms');
    expect(formatLatency(1_234)).toBe('1.2 s');
    expect(formatLatency(undefined)).toBe(NO_VALUE);
    expect(formatCountdown(2_100)).toBe('3 s');
    expect(formatCountdown(-5)).toBe('0 s');
    expect(formatMinuteOfDay(570)).toBe('09:30');
    expect(formatMinuteOfDay(0)).toBe('00:00');
    expect(formatMinuteOfDay(1439)).toBe('23:59');
    expect(formatMinuteOfDay(1440 + 61)).toBe('01:01');
  });
});
