/**
 * The `SnapshotStore` port: the latest state per symbol, the instrument list and recent candles, as
 * opaque protobuf bytes. Adapters: Redis (production) and in-memory (embedded mode, unit tests). Both
 * pass `describeSnapshotStoreContract`.
 *
 * Consistency rule: a symbol's latest state only moves forward. A write is applied only if its
 * `(epoch, seq)` is greater than the stored one (epoch first, then seq); an equal or older write is
 * skipped and counted as stale. So a newer epoch wins even with a lower seq, and a replayed or
 * reordered batch can never roll a symbol back.
 *
 * `seq`, `epoch` and timestamps are `bigint` like the generated protocol types (`uint64`; nanosecond
 * timestamps do not fit in a `number`). The store copies the bytes it is given and hands out bytes the
 * caller owns.
 */

/** Bars kept per symbol unless configured otherwise: one trading day of one-minute bars. */
export const DEFAULT_MAX_CANDLES_PER_SYMBOL = 1_440;

/** Candles are upserted by minute: two candles whose `startNs` fall in the same minute are the same bar. */
export const CANDLE_BUCKET_NS = 60_000_000_000n;

export interface SnapshotEntry {
  readonly symbol: string;
  readonly epoch: bigint;
  readonly seq: bigint;
  /** Encoded `MarketUpdate` (snapshot = true). */
  readonly data: Uint8Array;
}

export type StoredSnapshot = SnapshotEntry;

export interface PutResult {
  /** Entries written. */
  readonly applied: number;
  /** Entries skipped because the store already held an equal or newer `(epoch, seq)`. */
  readonly stale: number;
}

export interface InstrumentEntry {
  readonly symbol: string;
  /** Encoded `Instrument`. */
  readonly data: Uint8Array;
}

export interface CandleEntry {
  /** Start of the bar, Unix epoch nanoseconds. */
  readonly startNs: bigint;
  /** Encoded `Candle`. */
  readonly data: Uint8Array;
}

export interface StoreLimits {
  /** Candles kept per symbol; the oldest (by `startNs`) are dropped first. */
  readonly maxCandlesPerSymbol: number;
}

export interface SnapshotStore {
  /**
   * Writes the entries in order, each one only if newer than what is stored (see the consistency rule).
   * Rejects with `StoreError` (`STORE_ERR_INVALID_SYMBOL`, `STORE_ERR_INVALID_ARGUMENT` before anything is
   * written; `STORE_ERR_UNAVAILABLE`, `STORE_ERR_CLOSED`).
   */
  putLatest(entries: readonly SnapshotEntry[]): Promise<PutResult>;
  /** One result per symbol, in request order; `undefined` for a symbol the store does not know. */
  getLatest(symbols: readonly string[]): Promise<(StoredSnapshot | undefined)[]>;
  /** Inserts or replaces instruments by symbol. */
  putInstruments(list: readonly InstrumentEntry[]): Promise<void>;
  /** Instruments whose symbol starts with `prefix` ('' for all), sorted by symbol, at most `limit` (>= 1). */
  listInstruments(prefix: string, limit: number): Promise<InstrumentEntry[]>;
  /** Upserts candles by minute (last one wins) and keeps the newest `maxCandlesPerSymbol`. */
  appendCandles(symbol: string, candles: readonly CandleEntry[]): Promise<void>;
  /** Candles with `fromNs <= startNs < toNs`, oldest first. */
  getCandles(symbol: string, fromNs: bigint, toNs: bigint): Promise<CandleEntry[]>;
}

export interface Closable {
  /** Idempotent. Operations afterwards reject with `STORE_ERR_CLOSED`. */
  close(): Promise<void>;
}

/** Health check for `/readyz`: resolves if the backend answers, rejects with `StoreError` otherwise. */
export interface Pingable {
  ping(): Promise<void>;
}

/** What services hold. */
export type ManagedSnapshotStore = SnapshotStore & Closable & Pingable;
