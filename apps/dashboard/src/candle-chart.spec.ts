import { barsFromCandles, candleChartGeometry, CHART_MARGIN, foldLivePrice, MAX_SLOT_PX, mergeLiveBar, MIN_SLOT_PX, niceStep, priceTicks, type Bar } from './candle-chart';

const MINUTE_MS = 60_000;
const START_MS = Date.UTC(2025, 6, 15, 13, 30); // 09:30 in New York (EDT)

/** `n` consecutive bars from 09:30, each a little higher. */
function bars(n: number, from = 570): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const open = 100 + i * 0.1;
    const close = i % 3 === 2 ? open - 0.05 : open + 0.08;
    return { startMs: START_MS + (from - 570 + i) * MINUTE_MS, minute: from + i, open, high: Math.max(open, close) + 0.03, low: Math.min(open, close) - 0.02, close, volume: 1_000 + i * 10 };
  });
}

describe('barsFromCandles', () => {
  const clock = { minuteOfDay: (ms: number) => (ms - START_MS) / MINUTE_MS + 570 };

  it('turns candles into bars with their exchange minute, oldest first', () => {
    const result = barsFromCandles(
      [
        { startMs: START_MS + MINUTE_MS, open: 2, high: 3, low: 1, close: 2.5, volume: 20 },
        { startMs: START_MS, open: 1, high: 1.5, low: 0.5, close: 1.2, volume: 10 },
      ],
      clock,
    );
    expect(result).toEqual([
      { startMs: START_MS, minute: 570, open: 1, high: 1.5, low: 0.5, close: 1.2, volume: 10 },
      { startMs: START_MS + MINUTE_MS, minute: 571, open: 2, high: 3, low: 1, close: 2.5, volume: 20 },
    ]);
  });

  it('skips entries with a value that is not a finite number', () => {
    const good = { startMs: START_MS, open: 1, high: 1, low: 1, close: 1, volume: 1 };
    expect(barsFromCandles([good, { ...good, open: NaN }, { ...good, startMs: Infinity }], clock)).toHaveLength(1);
  });
});

describe('foldLivePrice', () => {
  it('opens a bar at the first price of a minute, then tracks high, low and close', () => {
    let live = foldLivePrice(undefined, 10, 600);
    live = foldLivePrice(live, 12, 600);
    live = foldLivePrice(live, 9, 600);
    live = foldLivePrice(live, 11, 600);
    expect(live).toEqual({ minute: 600, open: 10, high: 12, low: 9, close: 11 });
  });

  it('starts over in a new minute and ignores an older one', () => {
    const live = foldLivePrice(foldLivePrice(undefined, 10, 600), 11, 601);
    expect(live).toEqual({ minute: 601, open: 11, high: 11, low: 11, close: 11 });
    expect(foldLivePrice(live, 50, 599)).toBe(live);
  });
});

describe('mergeLiveBar', () => {
  const fetched = bars(3); // minutes 570..572

  it('folds the live minute into the last fetched bar when they are the same minute', () => {
    const merged = mergeLiveBar(fetched, { minute: 572, open: 999, high: 200, low: 50, close: 150 });
    expect(merged).toHaveLength(3);
    expect(merged.slice(0, 2)).toEqual(fetched.slice(0, 2));
    // The fetched bar keeps its open and volume; the live trades extend its range and set the close.
    expect(merged[2]).toEqual({ ...fetched[2]!, high: 200, low: 50, close: 150 });
  });

  it('keeps the fetched high and low when the live trades stayed inside them', () => {
    const last = fetched[2]!;
    const merged = mergeLiveBar(fetched, { minute: 572, open: last.close, high: last.close, low: last.close, close: last.close });
    expect(merged[2]).toEqual(last);
  });

  it('appends a bar for a live minute after the last fetched one', () => {
    const merged = mergeLiveBar(fetched, { minute: 574, open: 101, high: 102, low: 100.5, close: 101.5 });
    expect(merged).toHaveLength(4);
    expect(merged[3]).toEqual({ startMs: fetched[2]!.startMs + 2 * MINUTE_MS, minute: 574, open: 101, high: 102, low: 100.5, close: 101.5, volume: 0 });
  });

  it('changes nothing for a live bar the fetch already covers, or without one', () => {
    expect(mergeLiveBar(fetched, { minute: 571, open: 1, high: 1, low: 1, close: 1 })).toBe(fetched);
    expect(mergeLiveBar(fetched, undefined)).toBe(fetched);
  });

  it('is the live bar alone before any bar was fetched', () => {
    expect(mergeLiveBar([], { minute: 600, open: 1, high: 2, low: 0.5, close: 1.5 })).toEqual([{ startMs: 0, minute: 600, open: 1, high: 2, low: 0.5, close: 1.5, volume: 0 }]);
  });
});

describe('niceStep and priceTicks', () => {
  it('rounds a step up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(0.07)).toBeCloseTo(0.1);
    expect(niceStep(0.13)).toBeCloseTo(0.2);
    expect(niceStep(2.2)).toBeCloseTo(2.5);
    expect(niceStep(3)).toBeCloseTo(5);
    expect(niceStep(50)).toBeCloseTo(50);
    expect(niceStep(0)).toBe(1);
  });

  it('lists round levels inside the range', () => {
    expect(priceTicks(99.93, 100.41)).toEqual([100, 100.1, 100.2, 100.3, 100.4]);
    expect(priceTicks(5, 5)).toEqual([5]);
  });
});

describe('candleChartGeometry', () => {
  const size = { width: 640, height: 260 };

  it('places every shape inside the plot, wicks around bodies, volume at the bottom', () => {
    const input = bars(40);
    const g = candleChartGeometry(input, size);
    expect(g.bars).toHaveLength(40);
    expect(g.plot).toEqual({ left: CHART_MARGIN.left, top: CHART_MARGIN.top, right: 640 - CHART_MARGIN.right, bottom: 260 - CHART_MARGIN.bottom });
    for (const [i, b] of g.bars.entries()) {
      expect(b.bodyX).toBeGreaterThanOrEqual(g.plot.left);
      expect(b.bodyX + b.bodyWidth).toBeLessThanOrEqual(g.plot.right);
      expect(b.wickTop).toBeGreaterThanOrEqual(g.plot.top);
      expect(b.wickTop).toBeLessThanOrEqual(b.bodyY);
      expect(b.wickBottom).toBeGreaterThanOrEqual(b.bodyY + b.bodyHeight - 1e-9);
      expect(b.volumeY + b.volumeHeight).toBeCloseTo(g.plot.bottom);
      expect(b.wickBottom).toBeLessThan(b.volumeY);
      expect(b.up).toBe(input[i]!.close >= input[i]!.open);
      if (i > 0) expect(b.x).toBeGreaterThan(g.bars[i - 1]!.x);
    }
    // The highest high touches the padded top no closer than the padding; prices map downwards.
    const highest = Math.min(...g.bars.map((b) => b.wickTop));
    expect(highest).toBeGreaterThan(g.plot.top);
    expect(g.bars[39]!.wickTop).toBeLessThan(g.bars[0]!.wickTop);
  });

  it('shows the newest bars that fit, at least MIN_SLOT_PX apart', () => {
    const g = candleChartGeometry(bars(1_000), size);
    const plotWidth = g.plot.right - g.plot.left;
    expect(g.bars).toHaveLength(Math.floor(plotWidth / MIN_SLOT_PX));
    expect(g.bars[1]!.x - g.bars[0]!.x).toBeGreaterThanOrEqual(MIN_SLOT_PX);
    expect(g.last!.label).toBe('199.98');
  });

  it('does not stretch a few bars across the whole width', () => {
    const g = candleChartGeometry(bars(3), size);
    expect(g.bars[1]!.x - g.bars[0]!.x).toBe(MAX_SLOT_PX);
  });

  it('labels times at round minutes, spaced apart, and prices at round levels', () => {
    const g = candleChartGeometry(bars(90), size);
    expect(g.timeTicks.length).toBeGreaterThan(1);
    for (const t of g.timeTicks) expect(Number(t.label.slice(3)) % 5).toBe(0);
    for (let i = 1; i < g.timeTicks.length; i++) expect(g.timeTicks[i]!.at - g.timeTicks[i - 1]!.at).toBeGreaterThanOrEqual(56);
    expect(g.timeTicks[0]!.label).toBe('09:30');
    expect(g.priceTicks.length).toBeGreaterThanOrEqual(3);
    for (const t of g.priceTicks) {
      expect(t.at).toBeGreaterThanOrEqual(g.plot.top);
      expect(t.at).toBeLessThanOrEqual(g.plot.bottom);
    }
  });

  it('marks the last close', () => {
    const input = bars(5);
    const g = candleChartGeometry(input, size);
    const last = g.bars[4]!;
    expect(g.last).toEqual({ y: expect.any(Number), label: '100.48', up: true });
    expect(g.last!.y).toBeCloseTo(last.bodyY); // an up bar closes at its body's top
  });

  it('leaves out the price labels the last-price tag would cover, keeping their grid lines', () => {
    const g = candleChartGeometry(bars(40), size);
    const near = g.priceTicks.filter((t) => Math.abs(t.at - g.last!.y) < 14);
    for (const t of near) expect(t.label).toBe('');
    for (const t of g.priceTicks.filter((t) => !near.includes(t))) expect(t.label).not.toBe('');
    // A last close right on a grid level: that level's label goes.
    const onLevel = [...bars(4), { startMs: 0, minute: 600, open: 100.5, high: 100.6, low: 99.9, close: 100, volume: 1 }];
    const h = candleChartGeometry(onLevel, size);
    expect(h.priceTicks.find((t) => Math.abs(t.at - h.last!.y) < 0.01)?.label).toBe('');
  });

  it('draws a flat single bar (all prices equal) without dividing by zero', () => {
    const g = candleChartGeometry([{ startMs: 0, minute: 600, open: 5, high: 5, low: 5, close: 5, volume: 0 }], size);
    expect(g.bars).toHaveLength(1);
    expect(Number.isFinite(g.bars[0]!.bodyY)).toBe(true);
    expect(g.bars[0]!.bodyHeight).toBe(1);
    expect(g.bars[0]!.volumeHeight).toBe(0);
  });

  it('is empty without bars', () => {
    const g = candleChartGeometry([], size);
    expect(g.bars).toEqual([]);
    expect(g.last).toBeUndefined();
  });
});
