import { DEFAULT_MAX_CANDLES_PER_SYMBOL, type CandleEntry, type Closable, type InstrumentEntry, type Pingable, type PutResult, type SnapshotEntry, type SnapshotStore, type StoredSnapshot } from '../snapshot-store';
import { StoreError } from '../errors';
import { assertCandles, assertInstruments, assertLimit, assertMaxCandles, assertSnapshotEntries, assertSymbol, assertSymbolPrefix, assertUint64, candleMinute } from '../store-arguments';
import { ownedCopies } from '../owned-copies';

export interface MemoryStoreOptions {
  /** Default `DEFAULT_MAX_CANDLES_PER_SYMBOL`. */
  readonly maxCandlesPerSymbol?: number;
}

interface StoredCandle {
  readonly minute: bigint;
  readonly startNs: bigint;
  readonly data: Uint8Array;
}

function isNewer(entry: SnapshotEntry, stored: StoredSnapshot | undefined): boolean {
  if (stored === undefined) return true;
  return entry.epoch !== stored.epoch ? entry.epoch > stored.epoch : entry.seq > stored.seq;
}

/**
 * The embedded-mode `SnapshotStore`: plain maps in this process, same semantics as Redis. Operations
 * complete synchronously but return promises, so callers cannot tell the adapters apart.
 */
export class MemorySnapshotStore implements SnapshotStore, Closable, Pingable {
  private readonly latest = new Map<string, StoredSnapshot>();
  private readonly instruments = new Map<string, Uint8Array>();
  private sortedSymbols: string[] | undefined = [];
  /** Per symbol, ordered by minute ascending; one entry per minute. */
  private readonly candles = new Map<string, StoredCandle[]>();
  private readonly maxCandles: number;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    const maxCandles = options.maxCandlesPerSymbol ?? DEFAULT_MAX_CANDLES_PER_SYMBOL;
    assertMaxCandles(maxCandles, 'maxCandlesPerSymbol');
    this.maxCandles = maxCandles;
  }

  async putLatest(entries: readonly SnapshotEntry[]): Promise<PutResult> {
    this.assertOpen();
    assertSnapshotEntries(entries);
    let applied = 0;
    for (const entry of entries) {
      if (!isNewer(entry, this.latest.get(entry.symbol))) continue;
      this.latest.set(entry.symbol, { symbol: entry.symbol, epoch: entry.epoch, seq: entry.seq, data: new Uint8Array(entry.data) });
      applied += 1;
    }
    return { applied, stale: entries.length - applied };
  }

  async getLatest(symbols: readonly string[]): Promise<(StoredSnapshot | undefined)[]> {
    this.assertOpen();
    for (const symbol of symbols) assertSymbol(symbol);
    const found = symbols.map((symbol) => this.latest.get(symbol));
    const data = ownedCopies(found.map((stored) => stored?.data));
    return found.map((stored, i) => stored && { ...stored, data: data[i]! });
  }

  async putInstruments(list: readonly InstrumentEntry[]): Promise<void> {
    this.assertOpen();
    assertInstruments(list);
    for (const { symbol, data } of list) {
      if (!this.instruments.has(symbol)) this.sortedSymbols = undefined;
      this.instruments.set(symbol, new Uint8Array(data));
    }
  }

  async listInstruments(prefix: string, limit: number): Promise<InstrumentEntry[]> {
    this.assertOpen();
    assertSymbolPrefix(prefix);
    assertLimit(limit);
    this.sortedSymbols ??= [...this.instruments.keys()].sort();
    const found: string[] = [];
    for (const symbol of this.sortedSymbols) {
      if (found.length === limit) break;
      if (symbol.startsWith(prefix)) found.push(symbol);
    }
    const data = ownedCopies(found.map((symbol) => this.instruments.get(symbol)!));
    return found.map((symbol, i) => ({ symbol, data: data[i]! }));
  }

  async appendCandles(symbol: string, candles: readonly CandleEntry[]): Promise<void> {
    this.assertOpen();
    assertSymbol(symbol);
    assertCandles(candles);
    let bars = this.candles.get(symbol);
    if (!bars) this.candles.set(symbol, (bars = []));
    for (const { startNs, data } of candles) {
      const bar: StoredCandle = { minute: candleMinute(startNs), startNs, data: new Uint8Array(data) };
      const at = bars.findIndex((b) => b.minute >= bar.minute);
      if (at === -1) bars.push(bar);
      else if (bars[at]!.minute === bar.minute) bars[at] = bar;
      else bars.splice(at, 0, bar);
    }
    if (bars.length > this.maxCandles) bars.splice(0, bars.length - this.maxCandles);
  }

  async getCandles(symbol: string, fromNs: bigint, toNs: bigint): Promise<CandleEntry[]> {
    this.assertOpen();
    assertSymbol(symbol);
    assertUint64(fromNs, 'fromNs');
    assertUint64(toNs, 'toNs');
    const bars = (this.candles.get(symbol) ?? []).filter((b) => b.startNs >= fromNs && b.startNs < toNs);
    const data = ownedCopies(bars.map((b) => b.data));
    return bars.map((b, i) => ({ startNs: b.startNs, data: data[i]! }));
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('STORE_ERR_CLOSED');
  }
}
