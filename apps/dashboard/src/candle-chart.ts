import type { CandleBar } from '@tickwire/client';
import { formatMinuteOfDay, formatPrice } from './display-format';

/** One one-minute bar as the chart uses it. */
export interface Bar {
  /** Unix time of the bar's start, ms. */
  readonly startMs: number;
  /** Minute of the exchange day the bar covers (0..1439). */
  readonly minute: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** What a bar needs of a `CandleBar` (`TickwireHttp.candles`): Unix ms start, prices in currency units. */
export type CandleFields = Pick<CandleBar, 'startMs' | 'open' | 'high' | 'low' | 'close' | 'volume'>;

/** Candles -> bars, oldest first, each with its minute of the exchange day. Entries with a non-finite value are skipped. */
export function barsFromCandles(candles: readonly CandleFields[], clock: { minuteOfDay(unixMs: number): number }): Bar[] {
  const bars: Bar[] = [];
  for (const c of candles) {
    if (![c.startMs, c.open, c.high, c.low, c.close, c.volume].every(Number.isFinite)) continue;
    bars.push({ startMs: c.startMs, minute: clock.minuteOfDay(c.startMs), open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume });
  }
  return bars.sort((a, b) => a.startMs - b.startMs);
}

/** The bar the live prices build between two candle fetches: the trades seen in one exchange minute. */
export interface LiveBar {
  readonly minute: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** Folds one traded price at exchange minute `minute` into the live bar (a new minute starts a new one). */
export function foldLivePrice(live: LiveBar | undefined, price: number, minute: number): LiveBar {
  if (live === undefined || minute > live.minute) return { minute, open: price, high: price, low: price, close: price };
  if (minute < live.minute) return live;
  return { minute, open: live.open, high: Math.max(live.high, price), low: Math.min(live.low, price), close: price };
}

/**
 * The bars with the live price folded in. The snapshot service writes the bar in progress too, so the last
 * fetched bar is usually the live minute: its high, low and close take the live trades. A live minute past the
 * last bar (the fetch is up to ~10 s old) becomes a new bar after it; a live bar older than the last one
 * (the fetch already has it) changes nothing. Without fetched bars the live bar is the chart.
 */
export function mergeLiveBar(bars: readonly Bar[], live: LiveBar | undefined): readonly Bar[] {
  if (live === undefined) return bars;
  const last = bars[bars.length - 1];
  if (last === undefined) return [{ startMs: 0, minute: live.minute, open: live.open, high: live.high, low: live.low, close: live.close, volume: 0 }];
  if (live.minute < last.minute) return bars;
  if (live.minute === last.minute) {
    const merged: Bar = { ...last, high: Math.max(last.high, live.high), low: Math.min(last.low, live.low), close: live.close };
    return [...bars.slice(0, -1), merged];
  }
  const startMs = last.startMs === 0 ? 0 : last.startMs + (live.minute - last.minute) * 60_000;
  return [...bars, { startMs, minute: live.minute, open: live.open, high: live.high, low: live.low, close: live.close, volume: 0 }];
}

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

export interface BarShape {
  /** Centre of the bar, px. */
  readonly x: number;
  readonly bodyX: number;
  readonly bodyY: number;
  readonly bodyWidth: number;
  readonly bodyHeight: number;
  readonly wickTop: number;
  readonly wickBottom: number;
  readonly volumeY: number;
  readonly volumeHeight: number;
  readonly up: boolean;
}

export interface AxisTick {
  /** Position on the axis's direction (y for prices, x for times), px. */
  readonly at: number;
  readonly label: string;
}

export interface ChartGeometry {
  readonly width: number;
  readonly height: number;
  /** The plot area (bars and grid), without the axes' margins. */
  readonly plot: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number };
  readonly bars: readonly BarShape[];
  readonly priceTicks: readonly AxisTick[];
  readonly timeTicks: readonly AxisTick[];
  /** The last close: a line across the plot and a label on the axis. */
  readonly last: { readonly y: number; readonly label: string; readonly up: boolean } | undefined;
}

/** Margins: the price axis labels on the right, time labels below. */
export const CHART_MARGIN = Object.freeze({ left: 8, right: 64, top: 10, bottom: 22 });
/** Narrowest slot per bar, px; the chart shows as many of the newest bars as fit. */
export const MIN_SLOT_PX = 5;
/** Widest slot per bar, px: a young session's few bars do not stretch across the chart. */
export const MAX_SLOT_PX = 14;
/** Share of the plot height under the prices where volume bars go. */
export const VOLUME_SHARE = 0.18;
const TIME_LABEL_PX = 56;
/** Price labels closer than this to the last-price tag are left out. */
const LAST_TAG_CLEARANCE_PX = 14;
const TIME_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120];

/** A round step (1, 2, 2.5 or 5 x 10^k) at least `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= rough - 1e-12) return m * power;
  return 10 * power;
}

/** Price levels at multiples of a nice step inside [min, max], for about `count` grid lines. */
export function priceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const step = niceStep((max - min) / count);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + 1e-9; v += step) ticks.push(Math.round(v * 1e4) / 1e4);
  return ticks;
}

/**
 * Where everything goes in an SVG of `size`: the newest bars that fit, left to right, candle bodies and wicks
 * on a price scale padded 8% around the visible range, volume bars along the bottom, price grid lines at round
 * levels and time labels at round minutes. Pure: the view only turns shapes into elements.
 */
export function candleChartGeometry(bars: readonly Bar[], size: ChartSize): ChartGeometry {
  const plot = { left: CHART_MARGIN.left, top: CHART_MARGIN.top, right: Math.max(CHART_MARGIN.left + 1, size.width - CHART_MARGIN.right), bottom: Math.max(CHART_MARGIN.top + 1, size.height - CHART_MARGIN.bottom) };
  const plotWidth = plot.right - plot.left;
  const fit = Math.max(1, Math.floor(plotWidth / MIN_SLOT_PX));
  const shown = bars.slice(-fit);
  if (shown.length === 0) return { width: size.width, height: size.height, plot, bars: [], priceTicks: [], timeTicks: [], last: undefined };

  const slot = Math.min(MAX_SLOT_PX, plotWidth / shown.length);
  const volumeTop = plot.bottom - (plot.bottom - plot.top) * VOLUME_SHARE;
  const priceBottom = volumeTop - 4;
  let low = Infinity;
  let high = -Infinity;
  let maxVolume = 0;
  for (const b of shown) {
    low = Math.min(low, b.low);
    high = Math.max(high, b.high);
    maxVolume = Math.max(maxVolume, b.volume);
  }
  const pad = high > low ? (high - low) * 0.08 : Math.max(Math.abs(high) * 0.001, 0.01);
  const min = low - pad;
  const max = high + pad;
  const y = (price: number): number => plot.top + ((max - price) / (max - min)) * (priceBottom - plot.top);
  const volumeHeight = plot.bottom - volumeTop;

  const shapes = shown.map((b, i): BarShape => {
    const x = plot.left + slot * (i + 0.5);
    const bodyWidth = Math.max(1, slot * 0.7);
    const top = y(Math.max(b.open, b.close));
    const bottom = y(Math.min(b.open, b.close));
    const vh = maxVolume > 0 ? (b.volume / maxVolume) * volumeHeight : 0;
    return { x, bodyX: x - bodyWidth / 2, bodyY: top, bodyWidth, bodyHeight: Math.max(1, bottom - top), wickTop: y(b.high), wickBottom: y(b.low), volumeY: plot.bottom - vh, volumeHeight: vh, up: b.close >= b.open };
  });

  const step = TIME_STEPS_MIN.find((m) => m * slot >= TIME_LABEL_PX) ?? 240;
  const timeTicks: AxisTick[] = [];
  let lastLabelX = -Infinity;
  shown.forEach((b, i) => {
    const x = shapes[i]!.x;
    if (b.minute % step === 0 && x - lastLabelX >= TIME_LABEL_PX) {
      timeTicks.push({ at: x, label: formatMinuteOfDay(b.minute) });
      lastLabelX = x;
    }
  });

  const lastBar = shown[shown.length - 1]!;
  const lastY = y(lastBar.close);
  return {
    width: size.width,
    height: size.height,
    plot,
    bars: shapes,
    // A grid label the last-price tag would cover keeps its line and loses its text.
    priceTicks: priceTicks(min, max).map((p) => ({ at: y(p), label: Math.abs(y(p) - lastY) < LAST_TAG_CLEARANCE_PX ? '' : formatPrice(p) })),
    timeTicks,
    last: { y: lastY, label: formatPrice(lastBar.close), up: lastBar.close >= lastBar.open },
  };
}
