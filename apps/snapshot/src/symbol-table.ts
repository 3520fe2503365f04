import { CandleSeries, type CandleCounters } from './candle-series';

/**
 * The newest update of one symbol, kept as the bytes that arrived (copied into a buffer the symbol
 * owns and reuses, so absorbing an update allocates nothing), with its `(epoch, seq)` as uint32 halves.
 */
export class SymbolState {
  bytes: Uint8Array = new Uint8Array(0);
  length = 0;
  epochHi = 0;
  epochLo = 0;
  seqHi = 0;
  seqLo = 0;
  /** No update absorbed yet. */
  empty = true;
  /** Holds an update not yet written to the store. */
  dirty = false;
  readonly symbolBytes: Uint8Array;
  readonly candles: CandleSeries;

  constructor(
    readonly symbol: string,
    maxCandleBacklog: number,
    candleCounters: CandleCounters,
  ) {
    // Storable symbols are ASCII (the store's rule), so one byte per character.
    this.symbolBytes = Uint8Array.from(symbol, (c) => c.charCodeAt(0));
    this.candles = new CandleSeries(symbol, maxCandleBacklog, candleCounters);
  }

  /** Keeps `data[0, length)` as the newest update. */
  keep(data: Uint8Array, length: number): void {
    if (this.bytes.length < length) this.bytes = new Uint8Array(Math.max(length, this.bytes.length * 2, 256));
    this.bytes.set(data.length === length ? data : data.subarray(0, length));
    this.length = length;
    this.empty = false;
  }

  /** True if the payload's symbol bytes equal this symbol's. */
  symbolEquals(buf: Uint8Array, start: number, end: number): boolean {
    const own = this.symbolBytes;
    if (end - start !== own.length) return false;
    for (let i = 0; i < own.length; i += 1) if (buf[start + i] !== own[i]) return false;
    return true;
  }
}

/** Every symbol seen, by symbol and by tick subject (the subject is the hot-path key: NATS already made the string). */
export class SymbolTable {
  readonly bySymbol = new Map<string, SymbolState>();
  private readonly bySubject = new Map<string, SymbolState>();

  constructor(
    readonly maxSymbols: number,
    private readonly maxCandleBacklog: number,
    readonly candleCounters: CandleCounters,
  ) {}

  forSubject(subject: string): SymbolState | undefined {
    return this.bySubject.get(subject);
  }

  /** The state of `symbol`, created if new; `undefined` when `maxSymbols` is reached. Remembers `subject` for it. */
  add(symbol: string, subject: string): SymbolState | undefined {
    let state = this.bySymbol.get(symbol);
    if (!state) {
      if (this.bySymbol.size >= this.maxSymbols) return undefined;
      state = new SymbolState(symbol, this.maxCandleBacklog, this.candleCounters);
      this.bySymbol.set(symbol, state);
    }
    // Subjects are bounded too: a misconfigured publisher could use many shard numbers for one symbol.
    if (this.bySubject.size < 2 * this.maxSymbols) this.bySubject.set(subject, state);
    return state;
  }

  get size(): number {
    return this.bySymbol.size;
  }
}
