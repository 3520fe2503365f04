import { MINUTES_PER_DAY, MinuteCandles } from './minute-candles';

function rows(c: MinuteCandles): number[][] {
  const out = [];
  for (let i = 0; i < c.length; i++) out.push([c.minuteAt(i), c.openAt(i), c.highAt(i), c.lowAt(i), c.closeAt(i), c.volumeAt(i), c.tradesAt(i)]);
  return out;
}

describe('MinuteCandles', () => {
  it('maps timestamps to minutes since midnight, clamped to the day', () => {
    expect(MinuteCandles.minuteOf(0)).toBe(0);
    expect(MinuteCandles.minuteOf(59_999_999_999)).toBe(0);
    expect(MinuteCandles.minuteOf(60e9)).toBe(1);
    expect(MinuteCandles.minuteOf(9.5 * 3600e9)).toBe(570);
    expect(MinuteCandles.minuteOf(86_400e9)).toBe(MINUTES_PER_DAY - 1);
  });

  it('folds prints into per-minute OHLCV, out-of-order minutes included', () => {
    const c = new MinuteCandles();
    c.record(570, 100, 10);
    c.record(570, 120, 5);
    c.record(570, 90, 1);
    c.record(572, 95, 7);
    c.record(571, 97, 2); // late print for an earlier minute
    c.record(570, 105, 4);
    expect(rows(c)).toEqual([
      [570, 100, 120, 90, 105, 20, 4],
      [571, 97, 97, 97, 97, 2, 1],
      [572, 95, 95, 95, 95, 7, 1],
    ]);
    c.removeVolume(570, 5);
    c.removeVolume(600, 5); // no candle: ignored
    expect(rows(c)[0]).toEqual([570, 100, 120, 90, 105, 15, 3]);
  });

  it('is bounded by a day: one candle per minute at most', () => {
    const c = new MinuteCandles();
    for (let round = 0; round < 2; round++) for (let m = 0; m < MINUTES_PER_DAY; m++) c.record(m, 1, 1);
    expect(c.length).toBe(MINUTES_PER_DAY);
    expect(c.volumeAt(MINUTES_PER_DAY - 1)).toBe(2);
  });
});
