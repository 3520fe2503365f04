import { TradingStatus, type MarketUpdate, type PriceLevel } from '@tickwire/protocol';
import type { Mode } from './client-options';

/** One depth level, in currency units. */
export interface Level {
  price: number;
  size: number;
  orders: number;
}

export type TradingStatusName = 'trading' | 'halted' | 'paused' | 'quotation_only';

/**
 * The merged state of one symbol: plain numbers, prices in currency units (the wire's integer / 10000).
 * Every applied update makes a new object (depth arrays are replaced, never mutated), so a consumer may keep
 * a reference and compare it with the next one.
 */
export interface SymbolState {
  symbol: string;
  /** The mode the server granted. */
  mode: Mode;
  seq: number;
  epoch: number;
  ltp?: number;
  lastSize?: number;
  /** Undefined while that side of the book is empty. */
  bid?: number;
  bidSize?: number;
  ask?: number;
  askSize?: number;
  open?: number;
  high?: number;
  low?: number;
  close?: number;
  volume?: number;
  vwap?: number;
  /** Best first; empty unless the mode is `full`. */
  bids: Level[];
  asks: Level[];
  status?: TradingStatusName;
  /** The server says the values may be out of date (an upstream gap not yet recovered). */
  stale: boolean;
  /** Exchange time of the last event, ns since midnight (exchange local time). */
  exchangeTsNs?: number;
  /** When the normalizer published the last update, Unix ms (fractional). */
  publishTsMs?: number;
  /** When this client applied the last update (its `now()`). */
  updatedAtMs: number;
}

/** Why `SymbolStates.apply` did not change a state. */
export type MergeRejection =
  /** A delta with `seq <=` the state held: dropped. */
  | 'duplicate'
  /** A snapshot older than the state held (same epoch, lower seq): dropped. */
  | 'older'
  /** A delta with `prevSeq >` the state held: the state was discarded; ask for a resync. */
  | 'gap'
  /** A delta of another epoch: the state was discarded; ask for a resync. */
  | 'epoch'
  /** A delta while no state is held (before the first snapshot, or after a discard): ignored. */
  | 'awaiting';

const PRICE_SCALE = 10_000;
const NS_PER_US = 1_000n;

const STATUS_NAMES: Readonly<Partial<Record<number, TradingStatusName>>> = Object.freeze({
  [TradingStatus.TRADING]: 'trading',
  [TradingStatus.HALTED]: 'halted',
  [TradingStatus.PAUSED]: 'paused',
  [TradingStatus.QUOTATION_ONLY]: 'quotation_only',
});

function levels(from: readonly PriceLevel[]): Level[] {
  const out = new Array<Level>(from.length);
  for (let i = 0; i < from.length; i++) {
    const level = from[i]!;
    out[i] = { price: level.price / PRICE_SCALE, size: Number(level.size), orders: level.orders };
  }
  return out;
}

/** Writes the fields `update` carries into `state` (absent = unchanged); `depth` replaces both sides. */
function mergeFields(state: SymbolState, update: MarketUpdate, nowMs: number): void {
  state.seq = Number(update.seq);
  state.epoch = Number(update.epoch);
  if (update.ltp !== undefined) state.ltp = update.ltp / PRICE_SCALE;
  if (update.lastSize !== undefined) state.lastSize = Number(update.lastSize);
  const quote = update.quote;
  if (quote !== undefined) {
    // Price 0 with size 0 is an empty side.
    const bidEmpty = quote.bidPrice === 0 && quote.bidSize === 0n;
    const askEmpty = quote.askPrice === 0 && quote.askSize === 0n;
    state.bid = bidEmpty ? undefined : quote.bidPrice / PRICE_SCALE;
    state.bidSize = bidEmpty ? undefined : Number(quote.bidSize);
    state.ask = askEmpty ? undefined : quote.askPrice / PRICE_SCALE;
    state.askSize = askEmpty ? undefined : Number(quote.askSize);
  }
  const ohlc = update.ohlc;
  if (ohlc !== undefined) {
    state.open = ohlc.open / PRICE_SCALE;
    state.high = ohlc.high / PRICE_SCALE;
    state.low = ohlc.low / PRICE_SCALE;
    state.close = ohlc.close / PRICE_SCALE;
  }
  if (update.volume !== undefined) state.volume = Number(update.volume);
  if (update.vwap !== undefined) state.vwap = update.vwap / PRICE_SCALE;
  const depth = update.depth;
  if (depth !== undefined) {
    state.bids = levels(depth.bids);
    state.asks = levels(depth.asks);
  }
  if (update.status !== undefined) state.status = STATUS_NAMES[update.status];
  state.stale = update.stale;
  if (update.exchangeTsNs !== 0n) state.exchangeTsNs = Number(update.exchangeTsNs);
  if (update.publishTsNs !== 0n) state.publishTsMs = Number(update.publishTsNs / NS_PER_US) / 1_000;
  state.updatedAtMs = nowMs;
}

/**
 * The state a snapshot (or any full update, e.g. from `TickwireHttp.snapshots`) describes on its own.
 * `nowMs` becomes `updatedAtMs`.
 */
export function symbolStateFromUpdate(update: MarketUpdate, mode: Mode, nowMs: number = Date.now()): SymbolState {
  const state: SymbolState = { symbol: update.symbol, mode, seq: 0, epoch: 0, bids: [], asks: [], stale: false, updatedAtMs: nowMs };
  mergeFields(state, update, nowMs);
  return state;
}

interface Held {
  state: SymbolState;
  /** The exact values; `state.seq`/`state.epoch` are their (possibly rounded) numbers. */
  seq: bigint;
  epoch: bigint;
}

/**
 * The merge rules of docs/protocol.md ("Subscribe flow"), on the exact bigint values:
 * - a snapshot replaces the state when it is not older (same epoch and `seq >=` held) or has another epoch;
 * - a delta applies when `prevSeq <= held < seq` (`prevSeq` absent = `seq - 1`); absent fields are unchanged;
 * - a delta with `seq <= held` is a duplicate;
 * - a delta with `prevSeq > held` (a gap) or of another epoch discards the state: nothing is held until the
 *   next snapshot, and deltas until then are ignored.
 */
export class SymbolStates {
  private readonly held = new Map<string, Held>();

  get size(): number {
    return this.held.size;
  }

  get(symbol: string): SymbolState | undefined {
    return this.held.get(symbol)?.state;
  }

  /** The new state, or why nothing changed. `mode` is the subscription's granted mode. */
  apply(update: MarketUpdate, mode: Mode, nowMs: number): SymbolState | MergeRejection {
    const symbol = update.symbol;
    const held = this.held.get(symbol);
    if (update.snapshot) {
      if (held !== undefined && held.epoch === update.epoch && update.seq < held.seq) return 'older';
      const state = symbolStateFromUpdate(update, mode, nowMs);
      if (held === undefined) this.held.set(symbol, { state, seq: update.seq, epoch: update.epoch });
      else {
        held.state = state;
        held.seq = update.seq;
        held.epoch = update.epoch;
      }
      return state;
    }
    if (held === undefined) return 'awaiting';
    if (update.epoch !== held.epoch) {
      this.held.delete(symbol);
      return 'epoch';
    }
    if (update.seq <= held.seq) return 'duplicate';
    const prevSeq = update.prevSeq ?? update.seq - 1n;
    if (prevSeq > held.seq) {
      this.held.delete(symbol);
      return 'gap';
    }
    const state: SymbolState = { ...held.state, mode };
    mergeFields(state, update, nowMs);
    held.state = state;
    held.seq = update.seq;
    return state;
  }

  delete(symbol: string): void {
    this.held.delete(symbol);
  }

  clear(): void {
    this.held.clear();
  }
}
