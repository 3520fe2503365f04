export { fillBinaryFile, estimateBinaryFileLength, MAX_RECORD_LENGTH, writeBinaryFile } from './binary-file';
export type { WriteBinaryFileOptions } from './binary-file';
export { MARKET_SIM_ERRORS, MarketSimError } from './errors';
export type { MarketSimErrorCode } from './errors';
export { MarketDayGenerator, MAX_GENERATED_MESSAGE_LENGTH } from './market-day';
export type { MarketDayStats, SymbolInfo } from './market-day';
export {
  DEFAULT_DURATION_NS,
  DEFAULT_EVENT_MIX,
  DEFAULT_HALT_DURATION_NS,
  DEFAULT_HALT_PROBABILITY,
  DEFAULT_MAX_ORDERS_PER_SIDE,
  DEFAULT_MESSAGES,
  DEFAULT_MESSAGES_PER_SECOND,
  DEFAULT_OPEN_BURST,
  DEFAULT_SEED,
  DEFAULT_START_PRICE,
  DEFAULT_SYMBOLS,
  DEFAULT_ZIPF_EXPONENT,
  defaultMarketDayOptions,
  END_OF_MESSAGES_DELAY_NS,
  END_OF_SYSTEM_HOURS_NS,
  MARKET_CLOSE_NS,
  MARKET_OPEN_NS,
  MAX_DURATION_NS,
  parseMarketDayOptions,
  START_OF_MESSAGES_NS,
  START_OF_SYSTEM_HOURS_NS,
  TICK_PRICE4,
} from './options';
export type { EventMix, MarketDayOptions, OpenBurst, ResolvedMarketDayOptions, StartPriceRange } from './options';
export { Sfc32 } from './prng';
export { MAX_SYMBOLS, TICKER_PATTERN } from './symbols';
