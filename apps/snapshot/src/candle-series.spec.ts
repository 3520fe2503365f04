import { Candle } from '@tickwire/protocol';
import { CandleSeries, type CandleCounters } from './candle-series';

const MIDNIGHT_MS = Date.parse('2026-07-15T04:00:00Z');
const MINUTE = 60_000_000_000;
const AT_0930 = 570 * MINUTE;

function counters(): CandleCounters {
  return { incompleteBars: 0, droppedBars: 0, duplicateTrades: 0, lateTrades: 0 };
}

function decoded(series: CandleSeries): Candle[] {
  const taken = series.take();
  series.written();
  return taken.map((entry) => {
    const candle = Candle.decode(entry.data);
    expect(candle.startTsNs).toBe(entry.startNs);
    return candle;
  });
}

describe('CandleSeries', () => {
  it('builds one-minute OHLCV bars starting at Unix ns (session midnight + minute of the print)', () => {
    const series = new CandleSeries('AAPL', 10, counters());
    series.addTrade(MIDNIGHT_MS, AT_0930 + 1, 100, 10, 1);
    series.addTrade(MIDNIGHT_MS, AT_0930 + 2, 105, 5, 2);
    series.addTrade(MIDNIGHT_MS, AT_0930 + 3, 95, 1, 3);
    series.addTrade(MIDNIGHT_MS, AT_0930 + MINUTE, 101, 7, 4);
    const start = BigInt(MIDNIGHT_MS) * 1_000_000n + BigInt(AT_0930);
    expect(decoded(series)).toEqual([
      { startTsNs: start, open: 100, high: 105, low: 95, close: 95, volume: 16n, trades: 3 },
      { startTsNs: start + 60_000_000_000n, open: 101, high: 101, low: 101, close: 101, volume: 7n, trades: 1 },
    ]);
    expect(new Date(Number(start / 1_000_000n)).toISOString()).toBe('2026-07-15T13:30:00.000Z');
    expect(series.hasPending()).toBe(false);
  });

  it('writes the bar in progress again only when it changed', () => {
    const series = new CandleSeries('AAPL', 10, counters());
    series.addTrade(MIDNIGHT_MS, AT_0930, 100, 1, 1);
    expect(decoded(series)).toHaveLength(1);
    expect(series.take()).toEqual([]);
    series.addTrade(MIDNIGHT_MS, AT_0930 + 5, 110, 1, 2);
    expect(decoded(series)).toMatchObject([{ high: 110, close: 110, trades: 2 }]);
  });

  it('never writes the bars around a gap (the service may have missed prints), and writes the next full bar', () => {
    const count = counters();
    const series = new CandleSeries('AAPL', 10, count);
    series.markGap(); // e.g. the first update seen was not seq 1
    series.addTrade(MIDNIGHT_MS, AT_0930, 100, 1, 1);
    expect(series.hasPending()).toBe(false);
    series.addTrade(MIDNIGHT_MS, AT_0930 + MINUTE, 101, 1, 2);
    series.markGap(); // a seq jump inside the 09:31 bar
    series.addTrade(MIDNIGHT_MS, AT_0930 + 2 * MINUTE, 102, 1, 3);
    series.addTrade(MIDNIGHT_MS, AT_0930 + 3 * MINUTE, 103, 1, 4);
    expect(decoded(series).map((c) => c.open)).toEqual([103]);
    expect(count.incompleteBars).toBe(3);
  });

  it('skips prints it already counted (match number not increasing), and starts over on a new day', () => {
    const count = counters();
    const series = new CandleSeries('AAPL', 10, count);
    series.addTrade(MIDNIGHT_MS, AT_0930, 100, 1, 5);
    series.addTrade(MIDNIGHT_MS, AT_0930 + 1, 100, 1, 5);
    series.addTrade(MIDNIGHT_MS, AT_0930 + 2, 100, 1, 4);
    expect(decoded(series)).toMatchObject([{ trades: 1 }]);
    expect(count.duplicateTrades).toBe(2);
    series.addTrade(MIDNIGHT_MS + 86_400_000, AT_0930, 100, 1, 1);
    expect(decoded(series)).toMatchObject([{ trades: 1 }]);
  });

  it('keeps bars whose write failed and writes them next time; the backlog is bounded', () => {
    const count = counters();
    const series = new CandleSeries('AAPL', 2, count);
    series.addTrade(MIDNIGHT_MS, AT_0930, 100, 1, 1);
    expect(series.take()).toHaveLength(1);
    series.failed();
    for (let m = 1; m <= 3; m += 1) series.addTrade(MIDNIGHT_MS, AT_0930 + m * MINUTE, 100 + m, 1, 1 + m);
    // 09:30, 09:31, 09:32 closed (09:30 dropped: backlog of 2), 09:33 in progress.
    expect(decoded(series).map((c) => c.open)).toEqual([101, 102, 103]);
    expect(count.droppedBars).toBe(1);
  });

  it('a bar closed while its write was in flight is written again (harmless upsert), never lost', () => {
    const series = new CandleSeries('AAPL', 10, counters());
    series.addTrade(MIDNIGHT_MS, AT_0930, 100, 1, 1);
    series.take();
    series.addTrade(MIDNIGHT_MS, AT_0930 + MINUTE, 101, 1, 2);
    series.failed();
    expect(decoded(series).map((c) => c.open)).toEqual([100, 101]);
  });

  it('rewrites the bar in progress after the store came back (it may have lost it)', () => {
    const series = new CandleSeries('AAPL', 10, counters());
    series.addTrade(MIDNIGHT_MS, AT_0930, 100, 1, 1);
    decoded(series);
    expect(series.rewriteCurrent()).toBe(true);
    expect(decoded(series)).toHaveLength(1);
  });
});
