/**
 * What changed on an instrument, as bits of `Instrument.changes` (set by `BookSet.apply`, read and cleared
 * by the publisher with `BookSet.takeChanges`). Each bit names the `MarketUpdate` field(s) to send.
 */
export const Change = {
  /** `ltp` / `last_size`: last trade price or size differs from before. */
  LTP: 1 << 0,
  /** `quote`: best bid or ask price or size. */
  QUOTE: 1 << 1,
  /** `ohlc`: session open, high, low or close. */
  OHLC: 1 << 2,
  /** `volume`. */
  VOLUME: 1 << 3,
  /** `vwap` (set whenever its inputs changed). */
  VWAP: 1 << 4,
  /** `depth`: a level inside the top `depthLevels` of either side (price, size or order count). */
  DEPTH: 1 << 5,
  /** `trades`: new prints in `Instrument.trades` since the last publish. */
  TRADES: 1 << 6,
  /** `status`: trading status or its reason. */
  STATUS: 1 << 7,
  /** Directory: the instrument was created or its symbol/attributes changed ('R'). */
  SYMBOL: 1 << 8,
} as const;

/** Every bit of `Change`. */
export const CHANGE_ALL = 0x1ff;

/** `BookSet.apply` result: the message changed nothing a client sees. */
export const NO_CHANGE = -1;
/** `BookSet.apply` result: market-wide state changed (`BookSet.market`); Stock Locate 0 = not stock-specific. */
export const MARKET_CHANGE = 0;
