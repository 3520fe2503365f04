import { CANDLE_BUCKET_NS, type CandleEntry, type InstrumentEntry, type SnapshotEntry } from './snapshot-store';
import { StoreError } from './errors';

/** Symbols longer than this are refused (ITCH symbols are 8 characters). */
export const MAX_SYMBOL_LENGTH = 64;
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Symbols are printable ASCII without spaces and without `{` `}` (those delimit Redis Cluster hash
 * tags). Being ASCII, JavaScript string order equals byte order, so both adapters sort alike. Returns what
 * is wrong with `value`, or `undefined` for a valid symbol (or an empty prefix with `allowEmpty`). Services
 * in front of the store check requests with it too, so a bad symbol is refused where it comes in.
 */
export function symbolProblem(value: unknown, allowEmpty = false): string | undefined {
  if (typeof value !== 'string') return 'not a string';
  if (value.length === 0) return allowEmpty ? undefined : 'empty';
  if (value.length > MAX_SYMBOL_LENGTH) return `longer than ${MAX_SYMBOL_LENGTH} characters`;
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x7b || c === 0x7d) return `character ${JSON.stringify(value[i])} at ${i} is not allowed`;
  }
  return undefined;
}

export function assertSymbol(symbol: unknown): asserts symbol is string {
  const problem = symbolProblem(symbol, false);
  if (problem) throw new StoreError('STORE_ERR_INVALID_SYMBOL', `${JSON.stringify(symbol)}: ${problem}`);
}

export function assertSymbolPrefix(prefix: unknown): asserts prefix is string {
  const problem = symbolProblem(prefix, true);
  if (problem) throw new StoreError('STORE_ERR_INVALID_SYMBOL', `prefix ${JSON.stringify(prefix)}: ${problem}`);
}

export function assertUint64(value: unknown, what: string): asserts value is bigint {
  if (typeof value !== 'bigint' || value < 0n || value > UINT64_MAX) throw new StoreError('STORE_ERR_INVALID_ARGUMENT', `${what} must be a uint64 bigint, got ${String(value)}`);
}

function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new StoreError('STORE_ERR_INVALID_ARGUMENT', `${what} must be a Uint8Array`);
}

export function assertSnapshotEntries(entries: readonly SnapshotEntry[]): void {
  for (const [i, entry] of entries.entries()) {
    assertSymbol(entry.symbol);
    assertUint64(entry.epoch, `entries[${i}].epoch`);
    assertUint64(entry.seq, `entries[${i}].seq`);
    assertBytes(entry.data, `entries[${i}].data`);
  }
}

export function assertInstruments(list: readonly InstrumentEntry[]): void {
  for (const [i, entry] of list.entries()) {
    assertSymbol(entry.symbol);
    assertBytes(entry.data, `list[${i}].data`);
  }
}

export function assertCandles(candles: readonly CandleEntry[]): void {
  for (const [i, candle] of candles.entries()) {
    assertUint64(candle.startNs, `candles[${i}].startNs`);
    assertBytes(candle.data, `candles[${i}].data`);
  }
}

export function assertLimit(limit: unknown): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) throw new StoreError('STORE_ERR_INVALID_ARGUMENT', `limit must be an integer >= 1, got ${String(limit)}`);
}

export function assertMaxCandles(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new StoreError('STORE_ERR_INVALID_OPTION', `${name} must be an integer >= 1, got ${String(value)}`);
}

/** The minute a candle belongs to (the upsert key). */
export function candleMinute(startNs: bigint): bigint {
  return startNs / CANDLE_BUCKET_NS;
}
