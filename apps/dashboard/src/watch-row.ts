import type { SymbolState } from '@tickwire/client';
import { formatChange, formatPrice, formatVolume, NO_VALUE } from './display-format';

/** The fields of a symbol's state a watchlist row shows. */
export type WatchFields = Pick<SymbolState, 'symbol' | 'ltp' | 'open' | 'bid' | 'ask' | 'volume' | 'status' | 'stale'>;

export type Direction = 'up' | 'down' | 'flat';

/** One watchlist row as text, ready for the DOM. */
export interface WatchRowView {
  readonly symbol: string;
  readonly price: string;
  readonly change: string;
  readonly direction: Direction;
  readonly bid: string;
  readonly ask: string;
  readonly volume: string;
  /** `halted`, `paused`, `quotation only`, `stale`, or empty while trading normally. */
  readonly flag: string;
}

/** Change of the last price against the session's open, absolute and in percent; undefined without both. */
export function changeVsOpen(last: number | undefined, open: number | undefined): { change: number; percent: number } | undefined {
  if (last === undefined || open === undefined || open <= 0) return undefined;
  const change = last - open;
  return { change, percent: (change / open) * 100 };
}

export function directionOf(change: number | undefined): Direction {
  // Prices are exact in 1/10000 units: anything smaller than half of one is rounding noise.
  if (change === undefined || Math.abs(change) < 0.00005) return 'flat';
  return change > 0 ? 'up' : 'down';
}

/** Which way a price cell should flash when its value goes from `previous` to `next` (undefined: no flash). */
export function priceMove(previous: number | undefined, next: number | undefined): 'up' | 'down' | undefined {
  if (previous === undefined || next === undefined || previous === next) return undefined;
  return next > previous ? 'up' : 'down';
}

export function watchRowView(state: WatchFields): WatchRowView {
  const delta = changeVsOpen(state.ltp, state.open);
  return {
    symbol: state.symbol,
    price: formatPrice(state.ltp),
    change: delta === undefined ? NO_VALUE : formatChange(delta.change, delta.percent),
    direction: directionOf(delta?.change),
    bid: formatPrice(state.bid || undefined),
    ask: formatPrice(state.ask || undefined),
    volume: formatVolume(state.volume),
    flag: state.stale ? 'stale' : state.status === undefined || state.status === 'trading' ? '' : state.status.replace('_', ' '),
  };
}
