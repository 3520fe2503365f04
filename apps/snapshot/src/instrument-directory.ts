import { Instrument, INSTRUMENT_SUBJECT_PREFIX } from '@tickwire/protocol';
import { symbolProblem } from '@tickwire/snapshot-grpc';
import type { InstrumentEntry } from '@tickwire/store';
import type { BadInputReporter } from './bad-input';

const INSTRUMENT_SUBJECT = new RegExp(`^${INSTRUMENT_SUBJECT_PREFIX.replace('.', '\\.')}\\.(?:0|[1-9][0-9]{0,3})$`);

/**
 * The instrument directory (`Instrument` from `md.instrument.<shard>`), newest per symbol, kept in
 * memory until the store has it and re-sent whole when the store comes back (it may have restarted
 * empty). Reference data arrives once a session per symbol, so decoding it is cheap.
 */
export class InstrumentDirectory {
  private readonly bySymbol = new Map<string, Uint8Array>();
  private dirty = new Set<string>();

  constructor(
    private readonly maxSymbols: number,
    private readonly badInput: BadInputReporter,
  ) {}

  readonly onInstrument = (data: Uint8Array, subject: string): void => {
    if (!INSTRUMENT_SUBJECT.test(subject)) return this.badInput.report('SNAPSHOT_INPUT_BAD_SUBJECT', subject, 'expected md.instrument.<shard>');
    let symbol: string;
    try {
      symbol = Instrument.decode(data).symbol;
    } catch (error) {
      return this.badInput.report('SNAPSHOT_INPUT_BAD_INSTRUMENT', subject, `${data.length} bytes: ${error instanceof Error ? error.message : String(error)}`);
    }
    const problem = symbolProblem(symbol);
    if (problem) return this.badInput.report('SNAPSHOT_INPUT_BAD_INSTRUMENT', subject, `symbol ${JSON.stringify(symbol.slice(0, 80))}: ${problem}`);
    if (!this.bySymbol.has(symbol) && this.bySymbol.size >= this.maxSymbols) return this.badInput.report('SNAPSHOT_INPUT_SYMBOL_LIMIT', subject, `instrument ${symbol}`);
    this.bySymbol.set(symbol, Uint8Array.prototype.slice.call(data));
    this.dirty.add(symbol);
  };

  get size(): number {
    return this.bySymbol.size;
  }

  get hasPending(): boolean {
    return this.dirty.size > 0;
  }

  /** The instruments not yet written, marked as taken; `restore` them if the write fails. */
  take(): InstrumentEntry[] {
    const symbols = this.dirty;
    this.dirty = new Set();
    return [...symbols].map((symbol) => ({ symbol, data: this.bySymbol.get(symbol)! }));
  }

  restore(entries: readonly InstrumentEntry[]): void {
    for (const { symbol } of entries) this.dirty.add(symbol);
  }

  /** Everything is to be written again (the store came back, maybe empty). */
  markAllDirty(): void {
    for (const symbol of this.bySymbol.keys()) this.dirty.add(symbol);
  }
}
