// The market every load scenario publishes: full-state MarketUpdates on md.tick, round robin over the symbols,
// each stamped with publish_ts_ns = now (the latency every client measures is receive time - that). Like the
// real pipeline, the snapshot store always holds the latest published state, so an edge client that
// subscribes mid-stream joins it without a gap (and is not "repaired" with a full state).
import type { NatsBus } from '@tickwire/bus';
import { MarketUpdate } from '@tickwire/protocol';
import type { SnapshotStore } from '@tickwire/store';
import { wallClockNs } from '../src/wall-clock';
import { marketUpdate, sleep } from './edge-rig';

/** The symbols, their subjects, the next sequence numbers and the store that follows them. */
export interface TickSource {
  readonly symbols: readonly string[];
  readonly subjects: readonly string[];
  /** Last published seq per symbol (seq 1 is in the store from the start). */
  readonly seqs: number[];
  readonly store: SnapshotStore;
}

/** Publishes the next update of symbol `s` and records it as the latest state. */
function publishOne(source: TickSource, bus: NatsBus, s: number): void {
  const seq = ++source.seqs[s]!;
  const symbol = source.symbols[s]!;
  const update = marketUpdate(symbol, seq, BigInt(Math.round(wallClockNs())));
  const data = MarketUpdate.encode(update).finish();
  bus.publish(source.subjects[s]!, data);
  // The memory store applies this before it returns (the promise only reports the count).
  void source.store.putLatest([{ symbol, epoch: 1n, seq: BigInt(seq), data }]);
}

/** Publishes `total` updates at `rate`/s round robin over the symbols; resolves once NATS has them all, with the count per symbol. */
export async function publishTicks(source: TickSource, bus: NatsBus, rate: number, total: number): Promise<number[]> {
  const perSymbol = new Array<number>(source.symbols.length).fill(0);
  const started = performance.now();
  let sent = 0;
  let next = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1e3) * rate) + 1);
    while (sent < due) {
      publishOne(source, bus, next);
      perSymbol[next]!++;
      next = (next + 1) % source.symbols.length;
      sent++;
    }
    await sleep(1);
  }
  await bus.flush();
  return perSymbol;
}

/** Publishes at `rate`/s, cycling through `order` (default: round robin), until stopped: updates keep flowing while something else is measured. */
export class BackgroundTicks {
  private stopping = false;
  private readonly done: Promise<number>;

  constructor(source: TickSource, bus: NatsBus, rate: number, order: readonly number[] = source.symbols.map((_, i) => i)) {
    this.done = (async () => {
      const started = performance.now();
      let sent = 0;
      let next = 0;
      while (!this.stopping) {
        const due = Math.floor(((performance.now() - started) / 1e3) * rate) + 1;
        while (sent < due) {
          publishOne(source, bus, order[next]!);
          next = (next + 1) % order.length;
          sent++;
        }
        await sleep(5);
      }
      await bus.flush();
      return sent;
    })();
  }

  /** Stops publishing; resolves with the number published. */
  stop(): Promise<number> {
    this.stopping = true;
    return this.done;
  }
}
