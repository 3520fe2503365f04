import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { Instrument, instrumentSubject, MarketUpdate, shardOf, tickSubjectForSymbol } from '@tickwire/protocol';
import { syntheticTick } from '@tickwire/testing';


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
