import { parseTickSubject } from '@tickwire/protocol';
import { symbolProblem } from '@tickwire/snapshot-grpc';
import type { BadInputReporter } from './bad-input';
import type { CoalescingWriter } from './coalescing-writer';
import { compareUint64, MarketUpdateReader, type TradeFields } from './market-update-wire';
import type { SessionMidnight } from './session-midnight';
import type { SnapshotMetrics } from './snapshot-metrics';
import type { SymbolState, SymbolTable } from './symbol-table';

/**
 * The `md.tick` handler: keeps the newest update per symbol and folds trade prints into candles.
 *
 * Hot path, per update: one map lookup by subject, one pass over the top-level protobuf fields
 * (`MarketUpdateReader`), an `(epoch, seq)` comparison, a copy into the symbol's own buffer, and a
 * push to the writer's dirty list the first time the symbol changes in a flush interval. Nothing is
 * allocated in the steady state; nothing is decoded into objects.
 */
export class TickIntake {
  private readonly reader = new MarketUpdateReader();
  private readonly trade: TradeFields = { price: 0, size: 0, matchNumber: 0, exchangeTsNs: 0 };

  constructor(
    private readonly table: SymbolTable,
    private readonly writer: CoalescingWriter,
    private readonly midnight: SessionMidnight,
    private readonly metrics: SnapshotMetrics,
    private readonly badInput: BadInputReporter,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The bus handler (a bound property: subscribing allocates no closure per message). */
  readonly onTick = (data: Uint8Array, subject: string): void => {
    const state = this.table.forSubject(subject) ?? this.admit(subject);
    if (state === undefined) return;
    const reader = this.reader;
    if (!reader.read(data, data.length)) return this.badInput.report('SNAPSHOT_INPUT_UNDECODABLE', subject, `${data.length} bytes`);
    if (!state.symbolEquals(data, reader.symbolStart, reader.symbolEnd)) {
      return this.badInput.report('SNAPSHOT_INPUT_SYMBOL_MISMATCH', subject, `payload symbol ${JSON.stringify(Buffer.from(data.subarray(reader.symbolStart, reader.symbolEnd)).toString('latin1').slice(0, 80))}`);
    }
    let gap: boolean;
    if (state.empty) {
      gap = reader.seqHi !== 0 || reader.seqLo !== 1;
    } else {
      const epochOrder = compareUint64(reader.epochHi, reader.epochLo, state.epochHi, state.epochLo);
      if (epochOrder < 0 || (epochOrder === 0 && compareUint64(reader.seqHi, reader.seqLo, state.seqHi, state.seqLo) <= 0)) {
        // A duplicate or an older update (replay, a second publisher): the state held is as new or newer.
        this.metrics.staleUpdates += 1;
        return;
      }
      gap = epochOrder === 0 ? reader.seqHi !== state.seqHi || reader.seqLo !== state.seqLo + 1 : reader.seqHi !== 0 || reader.seqLo !== 1;
    }
    this.metrics.updatesIn += 1;
    state.keep(data, data.length);
    state.epochHi = reader.epochHi;
    state.epochLo = reader.epochLo;
    state.seqHi = reader.seqHi;
    state.seqLo = reader.seqLo;
    this.writer.markDirty(state);
    if (gap) state.candles.markGap();
    if (reader.tradeCount > 0) this.foldTrades(state, data, subject);
  };

  private foldTrades(state: SymbolState, data: Uint8Array, subject: string): void {
    const reader = this.reader;
    const midnightMs = this.midnight.midnightMs(reader.publishTsMs > 0 ? reader.publishTsMs : this.nowMs());
    const trade = this.trade;
    let pending = false;
    for (let i = 0; i < reader.tradeCount; i += 1) {
      if (!reader.readTrade(data, i, trade)) {
        this.badInput.report('SNAPSHOT_INPUT_UNDECODABLE', subject, `trade print ${i} is malformed`);
        state.candles.markGap();
        continue;
      }
      this.metrics.tradesIn += 1;
      pending = state.candles.addTrade(midnightMs, trade.exchangeTsNs, trade.price, trade.size, trade.matchNumber);
    }
    if (pending) this.writer.markCandles(state);
  }

  /** First update on a subject: parse and check it once, then it is a map hit. */
  private admit(subject: string): SymbolState | undefined {
    const parsed = parseTickSubject(subject);
    if (!parsed) {
      this.badInput.report('SNAPSHOT_INPUT_BAD_SUBJECT', subject, 'expected md.tick.<shard>.<symbol-token>');
      return undefined;
    }
    const problem = symbolProblem(parsed.symbol);
    if (problem) {
      this.badInput.report('SNAPSHOT_INPUT_INVALID_SYMBOL', subject, `symbol ${JSON.stringify(parsed.symbol.slice(0, 80))}: ${problem}`);
      return undefined;
    }
    const state = this.table.add(parsed.symbol, subject);
    if (!state) this.badInput.report('SNAPSHOT_INPUT_SYMBOL_LIMIT', subject, `${this.table.size} symbols held (MAX_SYMBOLS)`);
    return state;
  }
}
