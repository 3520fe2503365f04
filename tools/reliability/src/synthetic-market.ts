import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { Instrument, instrumentSubject, MarketUpdate, shardOf, tickSubjectForSymbol } from '@tickwire/protocol';
import { syntheticTick } from '@tickwire/testing';

/** Shortest spacing of a spread pump's slices. */
const SPREAD_STEP_MS = 5;

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

  /**
   * Publishes the next seq of every symbol each `intervalMs` until the returned function is called. With
   * `spread`, the symbols go out in slices spaced evenly over the interval (at least SPREAD_STEP_MS apart), as
   * a feed's updates arrive, instead of all in the same millisecond: a crowd's updates then load the edge
   * evenly rather than in one burst of fan-out every interval.
   */
  pump(symbols: readonly string[], intervalMs = 10, spread = false): () => Promise<void> {
    let running = true;
    const slices = spread ? Math.max(1, Math.min(symbols.length, Math.floor(intervalMs / SPREAD_STEP_MS))) : 1;
    const perSlice = Math.ceil(symbols.length / slices);
    const loop = (async () => {
      while (running) {
        for (let from = 0; from < symbols.length && running; from += perSlice) {
          await this.publish(symbols.slice(from, from + perSlice));
          await new Promise((resolve) => setTimeout(resolve, intervalMs / slices));
        }
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
