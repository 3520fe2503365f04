import { DepthSnapshot, type Instrument } from '@tickwire/book';
import type { MarketUpdate, PriceLevel, TradePrint } from '@tickwire/protocol';

export interface UpdateStamp {
  readonly seq: bigint;
  readonly epoch: bigint;
  readonly ingestTsNs: bigint;
  readonly publishTsNs: bigint;
  readonly stale: boolean;
}

/**
 * Turns an instrument's state into the `MarketUpdate` published on `md.tick`: the full client-visible
 * state (so any consumer can take the latest update as the whole truth), the bits of what changed, and
 * the trades since the previous update. Built once per published update, never per client.
 */
export class MarketUpdateBuilder {
  private readonly depth: DepthSnapshot;

  constructor(readonly depthLevels: number) {
    this.depth = new DepthSnapshot(depthLevels);
  }

  /** Call before `BookSet.takeChanges` (which marks the trades as published). */
  build(instrument: Instrument, changed: number, stamp: UpdateStamp): MarketUpdate {
    instrument.fillDepth(this.depth);
    const hasTrades = instrument.tradeCount > 0;
    return {
      symbol: instrument.symbol,
      seq: stamp.seq,
      epoch: stamp.epoch,
      exchangeTsNs: BigInt(instrument.lastChangeNs),
      ingestTsNs: stamp.ingestTsNs,
      publishTsNs: stamp.publishTsNs,
      ltp: hasTrades ? instrument.ltp : undefined,
      lastSize: hasTrades ? BigInt(instrument.lastSize) : undefined,
      quote: {
        bidPrice: instrument.bids.length > 0 ? instrument.bids.bestPrice : 0,
        bidSize: BigInt(instrument.bids.length > 0 ? instrument.bids.bestSize : 0),
        askPrice: instrument.asks.length > 0 ? instrument.asks.bestPrice : 0,
        askSize: BigInt(instrument.asks.length > 0 ? instrument.asks.bestSize : 0),
      },
      ohlc: instrument.hasOhlc ? { open: instrument.open, high: instrument.high, low: instrument.low, close: instrument.close } : undefined,
      volume: BigInt(instrument.volume),
      vwap: instrument.volume > 0 ? instrument.vwap : undefined,
      depth: { bids: this.levels(this.depth.bidCount, this.depth.bidPrices, this.depth.bidSizes, this.depth.bidOrders), asks: this.levels(this.depth.askCount, this.depth.askPrices, this.depth.askSizes, this.depth.askOrders) },
      trades: newTrades(instrument),
      status: instrument.status,
      stale: stamp.stale,
      snapshot: false,
      changed,
    };
  }

  private levels(count: number, prices: Uint32Array, sizes: Float64Array, orders: Uint32Array): PriceLevel[] {
    const out = new Array<PriceLevel>(count);
    for (let i = 0; i < count; i++) out[i] = { price: prices[i]!, size: BigInt(sizes[i]!), orders: orders[i]! };
    return out;
  }
}

/** Prints since the last publish still held by the ring (older ones were dropped by a burst: volume has them). */
function newTrades(instrument: Instrument): TradePrint[] {
  const ring = instrument.trades;
  const from = Math.max(instrument.publishedTrades, ring.oldest);
  const out = new Array<TradePrint>(Math.max(0, ring.total - from));
  for (let n = from, i = 0; n < ring.total; n++, i++) {
    out[i] = { price: ring.price(n), size: BigInt(ring.size(n)), matchNumber: BigInt(ring.matchNumber(n)), exchangeTsNs: BigInt(ring.timestampNs(n)), kind: ring.kind(n) };
  }
  return out;
}

/**
 * A hash of everything a client sees in an update except the trades and stamps (seq, times): equal
 * fingerprints mean the update would show nothing new. 2^-52 collision odds per comparison.
 */
export function visibleStateFingerprint(update: MarketUpdate): number {
  let h = 0x811c9dc5;
  let l = 0x01000193;
  const mix = (value: number): void => {
    const lo = value >>> 0;
    const hi = Math.floor(value / 4_294_967_296) >>> 0;
    h = Math.imul(h ^ lo, 0x01000193) ^ hi;
    l = Math.imul(l ^ hi, 0x5bd1e995) ^ lo;
  };
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
  return (h >>> 0) * 2_097_152 + ((l >>> 0) & 0x1fffff);
}
