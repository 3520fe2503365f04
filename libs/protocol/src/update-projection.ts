import type { MarketUpdate } from './gen/tickwire/v1/market';
import { SubscriptionMode } from './gen/tickwire/v1/snapshot';
import { UPDATE_FIELDS_ALL, UpdateField } from './update-field';

const LTP_FIELDS = UpdateField.LTP | UpdateField.VOLUME | UpdateField.STATUS;
const QUOTE_FIELDS = LTP_FIELDS | UpdateField.QUOTE | UpdateField.OHLC | UpdateField.VWAP;

/**
 * The `UpdateField` bits a subscription mode shows (as snapshot.proto describes the modes): `ltp` = last
 * trade, volume, status; `quote` adds best bid/ask, OHLC, VWAP; `full` adds depth and trade prints.
 * UNSPECIFIED shows nothing: servers resolve it to their default mode first.
 */
export const MODE_FIELDS: Readonly<Record<SubscriptionMode, number>> = Object.freeze({
  [SubscriptionMode.UNSPECIFIED]: 0,
  [SubscriptionMode.LTP]: LTP_FIELDS,
  [SubscriptionMode.QUOTE]: QUOTE_FIELDS,
  [SubscriptionMode.FULL]: UPDATE_FIELDS_ALL,
  [SubscriptionMode.UNRECOGNIZED]: 0,
});

/** The mode's field bits, or `undefined` for a value that is not a known mode. */
export function modeFields(mode: SubscriptionMode): number | undefined {
  const fields = MODE_FIELDS[mode];
  return fields === undefined || fields === 0 ? undefined : fields;
}

/**
 * A copy of `update` that keeps the header (symbol, seq, epoch, timestamps, stale, snapshot) and only the
 * fields whose `UpdateField` bit is in `fields`; `changed` is narrowed to the same bits. Used to cut a
 * full-state update down to a subscription mode (`MODE_FIELDS[mode]`) or to a delta
 * (`MODE_FIELDS[mode] & update.changed`). Nested messages are shared, not copied: treat both as read-only.
 */
export function projectUpdate(update: MarketUpdate, fields: number): MarketUpdate {
  const has = (bit: number): boolean => (fields & bit) !== 0;
  return {
    symbol: update.symbol,
    seq: update.seq,
    epoch: update.epoch,
    exchangeTsNs: update.exchangeTsNs,
    ingestTsNs: update.ingestTsNs,
    publishTsNs: update.publishTsNs,
    ltp: has(UpdateField.LTP) ? update.ltp : undefined,
    lastSize: has(UpdateField.LTP) ? update.lastSize : undefined,
    quote: has(UpdateField.QUOTE) ? update.quote : undefined,
    ohlc: has(UpdateField.OHLC) ? update.ohlc : undefined,
    volume: has(UpdateField.VOLUME) ? update.volume : undefined,
    vwap: has(UpdateField.VWAP) ? update.vwap : undefined,
    depth: has(UpdateField.DEPTH) ? update.depth : undefined,
    trades: has(UpdateField.TRADES) ? update.trades : [],
    status: has(UpdateField.STATUS) ? update.status : undefined,
    stale: update.stale,
    snapshot: update.snapshot,
    changed: update.changed & fields,
    prevSeq: update.prevSeq,
  };
}
