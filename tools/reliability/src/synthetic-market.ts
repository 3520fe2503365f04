import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { Instrument, instrumentSubject, MarketUpdate, shardOf, TradeKind, TradingStatus, tickSubjectForSymbol, UPDATE_FIELDS_ALL } from '@tickwire/protocol';

/** The epoch the synthetic market publishes in. */
export const SYNTHETIC_EPOCH = 1_700_000_000_000n;

/**
 * The full state the normalizer would publish for `symbol` at `seq`, every field a function of both (the same
 * shape as tools/e2e's synthetic tick): every field changes with every seq, so a `full` subscriber must see
 * every seq as a delta of exactly +1.
 */
export function syntheticTick(symbol: string, seq: number): MarketUpdate {
  const price = 1_000_000 + seq * 100;
  const publishNs = BigInt(Date.now()) * 1_000_000n;
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
    depth: { bids: [{ price: price - 100, size: BigInt(seq), orders: 1 }], asks: [{ price: price + 100, size: 7n, orders: 2 }] },
    trades: [{ price, size: 100n, matchNumber: BigInt(seq), exchangeTsNs: 34_200_000_000_000n + BigInt(seq), kind: TradeKind.CONTINUOUS }],
    status: TradingStatus.TRADING,
    changed: UPDATE_FIELDS_ALL,
  });
}

/** Publishes synthetic md.tick updates on real NATS, as the normalizer would, and remembers every seq. */
export class SyntheticMarket {
  private readonly seqs = new Map<string, number>();

  private constructor(
    private readonly bus: NatsBus,
    private readonly shardCount: number,
  ) {}

  static async connect(natsUrl: string, shardCount: number): Promise<SyntheticMarket> {
    return new SyntheticMarket(await connectNatsBus({ servers: natsUrl, name: 'reliability-synthetic-market' }), shardCount);
  }

  /** The last seq published for `symbol` (0 = none). */
  lastSeq(symbol: string): number {
    return this.seqs.get(symbol) ?? 0;
  }

  /** The next seq of every symbol, flushed to the server. */
  async publish(symbols: readonly string[]): Promise<void> {
    for (const symbol of symbols) {
      const seq = this.lastSeq(symbol) + 1;
      this.seqs.set(symbol, seq);
      this.bus.publish(tickSubjectForSymbol(symbol, this.shardCount), MarketUpdate.encode(syntheticTick(symbol, seq)).finish());
    }
    await this.bus.flush();
  }

  /** Publishes the instrument directory entry of `symbol` (market Q, round lots of 100), as the normalizer does. */
  async publishInstrument(symbol: string, locate: number): Promise<void> {
    const instrument = Instrument.fromPartial({ symbol, locate, marketCategory: 'Q', financialStatus: 'N', roundLotSize: 100, issueClassification: 'C' });
    this.bus.publish(instrumentSubject(shardOf(symbol, this.shardCount)), Instrument.encode(instrument).finish());
    await this.bus.flush();
  }

  /** Publishes the next seq of every symbol each `intervalMs` until the returned function is called. */
  pump(symbols: readonly string[], intervalMs = 10): () => Promise<void> {
    let running = true;
    const loop = (async () => {
      while (running) {
        await this.publish(symbols);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
