import { MarketSimError } from './errors';
import { MAX_SYMBOLS, TICKER_PATTERN } from './symbols';

/** A rate multiplier applied right after the open (09:30:00), as on a real trading day. */
export interface OpenBurst {
  /** Rate multiplier (>= 1; 1 disables the burst). */
  readonly multiplier: number;
  /** How long the burst lasts after the open, in ns (0 disables it). */
  readonly durationNs: number;
}

/** Range of the symbols' start prices, in dollars; each symbol's start is log-uniform in it, on the 0.01 tick. */
export interface StartPriceRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Relative weights of the continuous-trading events for a symbol that is trading (they need not sum to 1).
 * Halts are drawn separately (`haltProbability`).
 */
export interface EventMix {
  /** `A`: add order, no MPID. */
  readonly add: number;
  /** `F`: add order with MPID attribution. */
  readonly addMpid: number;
  /** `E`: execution of the best resting order on one side (the other side is the aggressor). */
  readonly execute: number;
  /** `C`: execution with price (printable `Y` mostly, `N` sometimes). */
  readonly executeWithPrice: number;
  /** `X`: partial cancel. */
  readonly cancel: number;
  /** `D`: delete. */
  readonly delete: number;
  /** `U`: replace (new ref, new price and size, same side). */
  readonly replace: number;
  /** `P`: non-displayed (hidden) trade. */
  readonly trade: number;
}

/** Options of `MarketDayGenerator`; every field is optional and has a `DEFAULT_*`. */
export interface MarketDayOptions {
  seed?: number;
  symbols?: number;
  symbolNames?: readonly string[];
  messages?: number;
  durationNs?: number;
  messagesPerSecond?: number;
  openBurst?: Partial<OpenBurst>;
  zipfExponent?: number;
  haltProbability?: number;
  haltDurationNs?: number;
  startPrice?: Partial<StartPriceRange>;
  maxOrdersPerSide?: number;
  eventMix?: Partial<EventMix>;
}

/** Options after `parseMarketDayOptions`: complete, validated, frozen. */
export interface ResolvedMarketDayOptions {
  readonly seed: number;
  readonly symbols: number;
  readonly symbolNames: readonly string[];
  readonly messages: number;
  readonly durationNs: number;
  readonly messagesPerSecond: number;
  readonly openBurst: OpenBurst;
  readonly zipfExponent: number;
  readonly haltProbability: number;
  readonly haltDurationNs: number;
  readonly startPrice: StartPriceRange;
  readonly maxOrdersPerSide: number;
  readonly eventMix: EventMix;
}

/** Start of messages (`S` O), 03:00:00. */
export const START_OF_MESSAGES_NS = 3 * 3600e9;
/** Start of system hours (`S` S), 04:00:00. */
export const START_OF_SYSTEM_HOURS_NS = 4 * 3600e9;
/** Start of market hours (`S` Q) and the opening cross, 09:30:00. */
export const MARKET_OPEN_NS = 9.5 * 3600e9;
/** Earliest closing cross and end of market hours (`S` M), 16:00:00 (later if continuous trading runs longer). */
export const MARKET_CLOSE_NS = 16 * 3600e9;
/** Earliest end of system hours (`S` E), 20:00:00. */
export const END_OF_SYSTEM_HOURS_NS = 20 * 3600e9;
/** End of messages (`S` C) comes this long after `S` E. */
export const END_OF_MESSAGES_DELAY_NS = 5 * 60e9;
/** Longest continuous session: 13.5 h, so the day (ending 5 min after `S` E) stays before midnight. */
export const MAX_DURATION_NS = 13.5 * 3600e9;
/** Tick size: 0.01 dollars, i.e. 100 in Price(4) units. */
export const TICK_PRICE4 = 100;

/** Seed of the PRNG: same seed (and options), same day, byte for byte. Any u32. */
export const DEFAULT_SEED = 1;
/** Number of symbols (Stock Locates 1..N); a real Nasdaq day has about 11,000. */
export const DEFAULT_SYMBOLS = 1000;
/** Messages of continuous trading (after the opening crosses); the day closes after them. `Infinity`: only `durationNs` ends it. */
export const DEFAULT_MESSAGES = 1_000_000;
/** Longest continuous session after the open, in ns: 6.5 h (09:30 to 16:00). */
export const DEFAULT_DURATION_NS = 6.5 * 3600e9;
/** Baseline message rate of continuous trading; exchange timestamps are spaced 1e9/rate ns on average (exponential jitter). */
export const DEFAULT_MESSAGES_PER_SECOND = 50_000;
/** After the open the rate is multiplied by 20 for 5 s. */
export const DEFAULT_OPEN_BURST: OpenBurst = Object.freeze({ multiplier: 20, durationNs: 5e9 });
/** Activity skew across symbols: the symbol of rank k is drawn with weight 1/k^s. */
export const DEFAULT_ZIPF_EXPONENT = 1.1;
/** Chance, per event drawn for a trading symbol, that it is halted instead (`H` H, reason `LUDP`). */
export const DEFAULT_HALT_PROBABILITY = 1e-6;
/** How long a halt lasts (a LULD pause is 5 min); halts still open at the close resume just before the closing cross. */
export const DEFAULT_HALT_DURATION_NS = 300e9;
/** Start prices 5.00-500.00 dollars. */
export const DEFAULT_START_PRICE: StartPriceRange = Object.freeze({ min: 5, max: 500 });
/** Live orders kept per symbol and side; a full side deletes its oldest order first, so memory stays bounded. */
export const DEFAULT_MAX_ORDERS_PER_SIDE = 64;
/** A mix shaped like a real ITCH day: adds and deletes dominate, executions are a few percent. */
export const DEFAULT_EVENT_MIX: EventMix = Object.freeze({
  add: 0.42,
  addMpid: 0.03,
  execute: 0.05,
  executeWithPrice: 0.005,
  cancel: 0.03,
  delete: 0.36,
  replace: 0.09,
  trade: 0.015,
});

/** The defaults as resolved options. */
export function defaultMarketDayOptions(): ResolvedMarketDayOptions {
  return parseMarketDayOptions({});
}

function invalid(field: string, expected: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? `[${value.length} items]` : String(value);
  throw new MarketSimError('MARKET_SIM_ERR_INVALID_OPTION', `${field}: expected ${expected}, got ${shown}`);
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) invalid(field, `an integer in ${min}..${max}`, value);
  return value;
}

function real(field: string, value: unknown, min: number, max: number, minExclusive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value > max || (minExclusive ? value <= min : value < min)) {
    invalid(field, `a number in ${minExclusive ? '(' : '['}${min}, ${max}]`, value);
  }
  return value;
}

/**
 * Validates `options` once and returns them complete and frozen. Throws `MarketSimError`
 * (`MARKET_SIM_ERR_INVALID_OPTION`) whose message names the field, e.g. `symbols: expected an integer in 1..65535, got 0`.
 */
export function parseMarketDayOptions(options: MarketDayOptions = {}): ResolvedMarketDayOptions {
  const seed = integer('seed', options.seed ?? DEFAULT_SEED, 0, 0xffffffff);

  const names = options.symbolNames ?? [];
  if (!Array.isArray(names)) invalid('symbolNames', 'an array of tickers', names);
  const seen = new Set<string>();
  names.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !TICKER_PATTERN.test(name)) invalid(`symbolNames[${i}]`, '1-8 printable ASCII characters without spaces', name);
    if (seen.has(name)) invalid(`symbolNames[${i}]`, 'a ticker not listed before', name);
    seen.add(name);
  });
  const symbols = integer('symbols', options.symbols ?? Math.max(DEFAULT_SYMBOLS, names.length), Math.max(1, names.length), MAX_SYMBOLS);

  const messages = options.messages ?? DEFAULT_MESSAGES;
  if (messages !== Number.POSITIVE_INFINITY) integer('messages', messages, 0, Number.MAX_SAFE_INTEGER);
  const durationNs = integer('durationNs', options.durationNs ?? DEFAULT_DURATION_NS, 1, MAX_DURATION_NS);
  const messagesPerSecond = real('messagesPerSecond', options.messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND, 0, 1e9, true);

  const burst = options.openBurst ?? {};
  const openBurst: OpenBurst = Object.freeze({
    multiplier: real('openBurst.multiplier', burst.multiplier ?? DEFAULT_OPEN_BURST.multiplier, 1, 1e6),
    durationNs: integer('openBurst.durationNs', burst.durationNs ?? DEFAULT_OPEN_BURST.durationNs, 0, MAX_DURATION_NS),
  });
  if (messagesPerSecond * openBurst.multiplier > 1e9) invalid('openBurst.multiplier', 'messagesPerSecond * multiplier <= 1e9 (one message per ns)', openBurst.multiplier);

  const zipfExponent = real('zipfExponent', options.zipfExponent ?? DEFAULT_ZIPF_EXPONENT, 0, 10);
  const haltProbability = real('haltProbability', options.haltProbability ?? DEFAULT_HALT_PROBABILITY, 0, 1);
  const haltDurationNs = integer('haltDurationNs', options.haltDurationNs ?? DEFAULT_HALT_DURATION_NS, 0, MAX_DURATION_NS);

  const price = options.startPrice ?? {};
  const min = real('startPrice.min', price.min ?? DEFAULT_START_PRICE.min, 1, 10_000);
  const max = real('startPrice.max', price.max ?? Math.max(min, DEFAULT_START_PRICE.max), min, 10_000);
  const startPrice: StartPriceRange = Object.freeze({ min, max });

  const maxOrdersPerSide = integer('maxOrdersPerSide', options.maxOrdersPerSide ?? DEFAULT_MAX_ORDERS_PER_SIDE, 1, 4096);

  const mix = options.eventMix ?? {};
  const eventMix = {} as Record<keyof EventMix, number>;
  let total = 0;
  for (const key of Object.keys(DEFAULT_EVENT_MIX) as (keyof EventMix)[]) {
    eventMix[key] = real(`eventMix.${key}`, mix[key] ?? DEFAULT_EVENT_MIX[key], 0, 1e9);
    total += eventMix[key];
  }
  for (const key of Object.keys(mix)) if (!(key in DEFAULT_EVENT_MIX)) invalid(`eventMix.${key}`, `one of ${Object.keys(DEFAULT_EVENT_MIX).join(', ')}`, key);
  if (!(total > 0)) invalid('eventMix', 'at least one positive weight', total);

  return Object.freeze({
    seed,
    symbols,
    symbolNames: Object.freeze(names.slice()),
    messages,
    durationNs,
    messagesPerSecond,
    openBurst,
    zipfExponent,
    haltProbability,
    haltDurationNs,
    startPrice,
    maxOrdersPerSide,
    eventMix: Object.freeze(eventMix),
  });
}
