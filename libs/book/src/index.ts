export { BookSet, BookSetStats } from './book-set';
export { Change, CHANGE_ALL, MARKET_CHANGE, NO_CHANGE } from './change';
export { BOOK_ERRORS, BookError } from './errors';
export type { BookErrorCode } from './errors';
export { ExecutionJournal, JOURNAL_BROKEN, JOURNAL_COUNTED } from './execution-journal';
export { CrossState, DepthSnapshot, Instrument, OperationalHaltMarket, TradingStatus, UnknownRefKind } from './instrument';
export type { CrossStateCode, TradingStatusCode } from './instrument';
export { Market, MarketPhase, SystemEventCode } from './market';
export type { MarketPhaseCode } from './market';
export { MINUTES_PER_DAY, MinuteCandles } from './minute-candles';
export { ExactNotional } from './notional';
export {
  DEFAULT_CANDLES,
  DEFAULT_DEPTH_LEVELS,
  DEFAULT_EXECUTION_JOURNAL_CAPACITY,
  DEFAULT_INITIAL_LEVEL_CAPACITY,
  DEFAULT_INITIAL_ORDER_CAPACITY,
  DEFAULT_TRADE_RING_CAPACITY,
  defaultBookSetOptions,
  MAX_DEPTH_LEVELS,
  parseBookSetOptions,
} from './options';
export type { BookSetOptions, ResolvedBookSetOptions } from './options';
export { OrderTable } from './order-table';
export { LevelArena, PriceLadder } from './price-ladder';
export { TradeKind, TradeRing } from './trade-ring';
export type { TradeKindCode } from './trade-ring';
