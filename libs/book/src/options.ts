import { BookError } from './errors';

/** Levels per side that make up the published depth: a change inside them sets `Change.DEPTH`. */
export const DEFAULT_DEPTH_LEVELS = 10;
/** Upper bound for `depthLevels`. */
export const MAX_DEPTH_LEVELS = 1000;
/** Recent trade prints kept per instrument (power of two). */
export const DEFAULT_TRADE_RING_CAPACITY = 64;
/**
 * Executions remembered (whole feed, power of two) so that a Broken Trade ('B') can take its execution
 * back out of volume and VWAP. 262,144 entries take about 6.5 MB.
 */
export const DEFAULT_EXECUTION_JOURNAL_CAPACITY = 262_144;
/** Initial slots of the order table (rounded up to a power of two; it doubles at half load). */
export const DEFAULT_INITIAL_ORDER_CAPACITY = 65_536;
/** Initial price levels per book side (doubles when full). */
export const DEFAULT_INITIAL_LEVEL_CAPACITY = 16;
/** Whether 1-minute OHLCV candles are kept. */
export const DEFAULT_CANDLES = true;

export interface BookSetOptions {
  depthLevels?: number;
  tradeRingCapacity?: number;
  executionJournalCapacity?: number;
  initialOrderCapacity?: number;
  initialLevelCapacity?: number;
  candles?: boolean;
}

export type ResolvedBookSetOptions = Readonly<Required<BookSetOptions>>;

export function defaultBookSetOptions(): ResolvedBookSetOptions {
  return Object.freeze({
    depthLevels: DEFAULT_DEPTH_LEVELS,
    tradeRingCapacity: DEFAULT_TRADE_RING_CAPACITY,
    executionJournalCapacity: DEFAULT_EXECUTION_JOURNAL_CAPACITY,
    initialOrderCapacity: DEFAULT_INITIAL_ORDER_CAPACITY,
    initialLevelCapacity: DEFAULT_INITIAL_LEVEL_CAPACITY,
    candles: DEFAULT_CANDLES,
  });
}

function integer(name: string, value: unknown, min: number, max: number, powerOfTwo = false): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BookError('BOOK_ERR_INVALID_OPTION', `${name}: expected an integer in ${min}..${max}, got ${String(value)}`);
  }
  if (powerOfTwo && (value & (value - 1)) !== 0) throw new BookError('BOOK_ERR_INVALID_OPTION', `${name}: expected a power of two, got ${value}`);
  return value;
}

/** Validates once (errors name the field) and freezes. */
export function parseBookSetOptions(options: BookSetOptions = {}): ResolvedBookSetOptions {
  const d = defaultBookSetOptions();
  const candles = options.candles ?? d.candles;
  if (typeof candles !== 'boolean') throw new BookError('BOOK_ERR_INVALID_OPTION', `candles: expected a boolean, got ${String(candles)}`);
  return Object.freeze({
    depthLevels: integer('depthLevels', options.depthLevels ?? d.depthLevels, 1, MAX_DEPTH_LEVELS),
    tradeRingCapacity: integer('tradeRingCapacity', options.tradeRingCapacity ?? d.tradeRingCapacity, 1, 1 << 20, true),
    executionJournalCapacity: integer('executionJournalCapacity', options.executionJournalCapacity ?? d.executionJournalCapacity, 1, 1 << 26, true),
    initialOrderCapacity: integer('initialOrderCapacity', options.initialOrderCapacity ?? d.initialOrderCapacity, 1, 1 << 30),
    initialLevelCapacity: integer('initialLevelCapacity', options.initialLevelCapacity ?? d.initialLevelCapacity, 1, 1 << 20),
    candles,
  });
}
