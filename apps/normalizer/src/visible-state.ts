import type { DepthSnapshot, Instrument } from '@tickwire/book';
import type { MarketUpdate } from '@tickwire/protocol';

/**
 * A hash of everything a client sees in an update except the trades and stamps (seq, times): equal
 * fingerprints mean the update would show nothing new. 2^-52 collision odds per comparison.
 *
 * Two ways in, one hash: `instrumentFingerprint` from the book (the publisher, before encoding anything)
 * and `visibleStateFingerprint` from a decoded update (a standby watching the publisher). They mix the
 * same values in the same order, so a standby taking over compares like with like.
 */
let h = 0;
let l = 0;

function begin(): void {
  h = 0x811c9dc5;
  l = 0x01000193;
}

function mix(value: number): void {
  const lo = value >>> 0;
  const hi = Math.floor(value / 4_294_967_296) >>> 0;
  h = Math.imul(h ^ lo, 0x01000193) ^ hi;
  l = Math.imul(l ^ hi, 0x5bd1e995) ^ lo;
}

function end(): number {
  return (h >>> 0) * 2_097_152 + ((l >>> 0) & 0x1fffff);
}

/** The fingerprint of the update `MarketUpdateEncoder` would write for this state (`depth` filled from it). */
export function instrumentFingerprint(instrument: Instrument, depth: DepthSnapshot, stale: boolean): number {
  begin();
  const hasTrades = instrument.tradeCount > 0;
  mix(hasTrades ? instrument.ltp : -1);
  mix(hasTrades ? instrument.lastSize : -1);
  const bids = instrument.bids;
  const asks = instrument.asks;
  mix(bids.length > 0 ? bids.bestPrice : 0);
  mix(bids.length > 0 ? bids.bestSize : 0);
  mix(asks.length > 0 ? asks.bestPrice : 0);
  mix(asks.length > 0 ? asks.bestSize : 0);
  if (instrument.hasOhlc) {
    mix(instrument.open);
    mix(instrument.high);
    mix(instrument.low);
    mix(instrument.close);
  }
  mix(instrument.volume);
  mix(instrument.status);
  mix(stale ? 1 : 0);
  mix(depth.bidCount);
  for (let i = 0; i < depth.bidCount; i++) {
    mix(depth.bidPrices[i]!);
    mix(depth.bidSizes[i]!);
    mix(depth.bidOrders[i]!);
  }
  mix(depth.askCount);
  for (let i = 0; i < depth.askCount; i++) {
    mix(depth.askPrices[i]!);
    mix(depth.askSizes[i]!);
    mix(depth.askOrders[i]!);
  }
  return end();
}

/** The fingerprint of a decoded update (what a standby saw the publisher send). */
export function visibleStateFingerprint(update: MarketUpdate): number {
  begin();
  mix(update.ltp ?? -1);
  mix(Number(update.lastSize ?? -1n));
  const q = update.quote;
  if (q) {
    mix(q.bidPrice);
    mix(Number(q.bidSize));
    mix(q.askPrice);
    mix(Number(q.askSize));
  }
  const o = update.ohlc;
  if (o) {
    mix(o.open);
    mix(o.high);
    mix(o.low);
    mix(o.close);
  }
  mix(Number(update.volume ?? 0n));
  mix(update.status ?? 0);
  mix(update.stale ? 1 : 0);
  for (const side of [update.depth?.bids ?? [], update.depth?.asks ?? []]) {
    mix(side.length);
    for (const level of side) {
      mix(level.price);
      mix(Number(level.size));
      mix(level.orders);
    }
  }
  return end();
}
