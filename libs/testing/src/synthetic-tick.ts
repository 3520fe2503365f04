import { MarketUpdate, TradeKind, TradingStatus, UPDATE_FIELDS_ALL } from '@tickwire/protocol';

/** The epoch tests publish synthetic ticks in. */
export const SYNTHETIC_EPOCH = 1_700_000_000_000n;

export interface SyntheticTickOptions {
  /** Unix ns the tick was published at (default: now). */
  readonly publishNs?: bigint;
  /** Exchange time of its one trade print, ns since midnight (default: 09:30 + seq ns). */
  readonly tradeTsNs?: bigint;
}

/**
 * The full state the normalizer would publish for `symbol` at `seq`, every field a function of both, so a
 * test that publishes it on md.tick knows exactly what every consumer must end up holding.
 */
export function syntheticTick(symbol: string, seq: number, options: SyntheticTickOptions = {}): MarketUpdate {
  const price = 1_000_000 + seq * 100;
  const publishNs = options.publishNs ?? BigInt(Date.now()) * 1_000_000n;
  return MarketUpdate.fromPartial({
    symbol,
    seq: BigInt(seq),
    epoch: SYNTHETIC_EPOCH,
    exchangeTsNs: 34_200_000_000_000n + BigInt(seq),
    ingestTsNs: publishNs - 1_000n,
    publishTsNs: publishNs,
    ltp: price,
    lastSize: 100n,
    quote: { bidPrice: price - 100, bidSize: BigInt(seq), askPrice: price + 100, askSize: 7n },
    ohlc: { open: 1_000_100, high: price, low: 1_000_100, close: price },
    volume: BigInt(seq * 100),
    vwap: price - 0.5,
    depth: { bids: [{ price: price - 100, size: BigInt(seq), orders: 1 }, { price: price - 200, size: 3n, orders: 2 }], asks: [{ price: price + 100, size: 7n, orders: 2 }] },
    trades: [{ price, size: 100n, matchNumber: BigInt(seq), exchangeTsNs: options.tradeTsNs ?? 34_200_000_000_000n + BigInt(seq), kind: TradeKind.CONTINUOUS }],
    status: TradingStatus.TRADING,
    changed: UPDATE_FIELDS_ALL,
  });
}
