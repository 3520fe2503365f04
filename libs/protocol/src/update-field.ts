/**
 * Bits of `MarketUpdate.changed`: which client-visible fields an update changed. Consumers use them to
 * skip updates that change nothing in a subscription's mode.
 */
export const UpdateField = {
  /** `ltp`, `last_size` */
  LTP: 1 << 0,
  /** `quote` (best bid/ask price or size) */
  QUOTE: 1 << 1,
  /** `ohlc` */
  OHLC: 1 << 2,
  /** `volume` */
  VOLUME: 1 << 3,
  /** `vwap` */
  VWAP: 1 << 4,
  /** `depth` (a level inside the published top N) */
  DEPTH: 1 << 5,
  /** `trades` (new prints) */
  TRADES: 1 << 6,
  /** `status` (trading status) */
  STATUS: 1 << 7,
} as const;

export type UpdateFieldBit = (typeof UpdateField)[keyof typeof UpdateField];

/** Every field bit. */
export const UPDATE_FIELDS_ALL = 0xff;
