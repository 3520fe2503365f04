import { UpdateField } from '@tickwire/protocol';

/**
 * What changed on an instrument, as bits of `Instrument.changes` (set by `BookSet.apply`, read and cleared
 * by the publisher with `BookSet.takeChanges`). Each bit names the `MarketUpdate` field(s) to send.
 */
export const Change = {
  /** `ltp`, `last_size`, `quote`, `ohlc`, `volume`, `vwap`, `depth` (a level inside the top `depthLevels`), `trades`, `status`: the wire's `UpdateField` bits, so a publisher passes them through. */
  ...UpdateField,
  /** Directory: the instrument was created or its symbol/attributes changed ('R'); not a wire field. */
  SYMBOL: 1 << 8,
} as const;

/** Every bit of `Change`. */
export const CHANGE_ALL = 0x1ff;

/** `BookSet.apply` result: the message changed nothing a client sees. */
export const NO_CHANGE = -1;
/** `BookSet.apply` result: market-wide state changed (`BookSet.market`); Stock Locate 0 = not stock-specific. */
export const MARKET_CHANGE = 0;
