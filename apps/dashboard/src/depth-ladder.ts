import type { Level } from '@tickwire/client';
import { formatCount, formatPrice } from './display-format';

/** Levels shown per side. */
export const DEFAULT_LADDER_LEVELS = 10;

export interface LadderRow {
  readonly price: string;
  readonly size: string;
  readonly orders: string;
  /** Width of the size bar, percent of the largest size shown on either side (0..100). */
  readonly barPercent: number;
}

export interface LadderView {
  /** Asks from the highest shown down to the best, so the best ask sits just above the spread. */
  readonly asks: readonly LadderRow[];
  /** Bids from the best down. */
  readonly bids: readonly LadderRow[];
  /** Best ask minus best bid, when both sides have a level. */
  readonly spread: string | undefined;
}

/**
 * Bar widths for sizes: each as a percent of `max`, one decimal. A non-zero size never rounds away to an
 * invisible bar (at least 1%); `max <= 0` gives zeros.
 */
export function barPercents(sizes: readonly number[], max: number): number[] {
  return sizes.map((size) => {
    if (max <= 0 || size <= 0) return 0;
    return Math.max(1, Math.min(100, Math.round((size / max) * 1000) / 10));
  });
}

/** The depth ladder of one symbol: `levels` per side (best first as the protocol sends them), scaled together. */
export function depthLadder(bids: readonly Level[], asks: readonly Level[], levels = DEFAULT_LADDER_LEVELS): LadderView {
  const shownBids = bids.slice(0, levels);
  const shownAsks = asks.slice(0, levels);
  let max = 0;
  for (const level of shownBids) max = Math.max(max, level.size);
  for (const level of shownAsks) max = Math.max(max, level.size);
  const rows = (side: readonly Level[]): LadderRow[] => {
    const widths = barPercents(side.map((l) => l.size), max);
    return side.map((l, i) => ({ price: formatPrice(l.price), size: formatCount(l.size), orders: formatCount(l.orders), barPercent: widths[i]! }));
  };
  const bestBid = shownBids[0];
  const bestAsk = shownAsks[0];
  return {
    asks: rows(shownAsks).reverse(),
    bids: rows(shownBids),
    spread: bestBid === undefined || bestAsk === undefined ? undefined : formatPrice(Math.round((bestAsk.price - bestBid.price) * 1e4) / 1e4),
  };
}
