import { MinuteCandles } from './minute-candles';
import { ExactNotional } from './notional';
import { type LevelArena, PriceLadder } from './price-ladder';
import { TradeRing } from './trade-ring';

/** Numbers of `tickwire.v1.TradingStatus` (proto/tickwire/v1/market.proto). */
export const TradingStatus = {
  UNSPECIFIED: 0,
  TRADING: 1,
  HALTED: 2,
  PAUSED: 3,
  QUOTATION_ONLY: 4,
} as const;
export type TradingStatusCode = (typeof TradingStatus)[keyof typeof TradingStatus];

/** `Instrument.crossState`. */
export const CrossState = {
  NONE: 0,
  /** best bid == best ask */
  LOCKED: 1,
  /** best bid > best ask */
  CROSSED: 2,
} as const;
export type CrossStateCode = (typeof CrossState)[keyof typeof CrossState];

/** Index into `Instrument.unknownRefs` (messages naming an order reference that is not live). */
export const UnknownRefKind = {
  EXECUTED: 0, // 'E'
  EXECUTED_WITH_PRICE: 1, // 'C'
  CANCEL: 2, // 'X'
  DELETE: 3, // 'D'
  REPLACE: 4, // 'U'
} as const;

/** Operational Halt ('h') market codes as bits of `Instrument.operationalHalts`. */
export const OperationalHaltMarket = {
  NASDAQ: 1, // 'Q'
  BX: 2, // 'B'
  PSX: 4, // 'X'
} as const;

/** A top-N depth snapshot filled in place by `Instrument.fillDepth` (allocate one per publisher, reuse it). */
export class DepthSnapshot {
  readonly levels: number;
  bidCount = 0;
  askCount = 0;
  readonly bidPrices: Uint32Array;
  readonly bidSizes: Float64Array;
  readonly bidOrders: Uint32Array;
  readonly askPrices: Uint32Array;
  readonly askSizes: Float64Array;
  readonly askOrders: Uint32Array;

  constructor(levels: number) {
    this.levels = levels;
    this.bidPrices = new Uint32Array(levels);
    this.bidSizes = new Float64Array(levels);
    this.bidOrders = new Uint32Array(levels);
    this.askPrices = new Uint32Array(levels);
    this.askSizes = new Float64Array(levels);
    this.askOrders = new Uint32Array(levels);
  }
}

/**
 * Everything known about one instrument (one Stock Locate): its order book (L2), trade statistics,
 * candles and trading state. Fields are public for zero-cost reads by the publisher; only `BookSet`
 * writes them.
 *
 * Prices are Price(4) raw integers; 0 means "none yet" for ltp/open/high/low/close.
 */
export class Instrument {
  readonly locate: number;
  // Hot fields first (V8 lays fields out in declaration order): what every order event touches shares
  // the object's first cache lines.
  /** `Change` bits accumulated since the last `BookSet.takeChanges`. */
  changes = 0;
  /**
   * Internal (written by `BookSet`): `lastChangeNs` split at 2^24, two small integers. A timestamp does not
   * fit a small integer, and a field holding a double is a separate heap box: one more cache line per event.
   */
  changeNsHigh = 0;
  changeNsLow = 0;
  /** Internal: already on the BookSet's dirty list. */
  inDirtyList = false;
  readonly bids: PriceLadder;
  readonly asks: PriceLadder;
  /** Live orders in this book. */
  orderCount = 0;
  /** Whether the book is locked or crossed now (flagged, never corrected). */
  crossState: CrossStateCode = CrossState.NONE;
  /** Trimmed symbol from 'R' (or from the first message carrying a Stock field, when no 'R' came). */
  symbol: string;
  /** True once an 'R' named the instrument. */
  listed = false;
  /** 'R' attributes as the view gives them: char codes, `issueSubType` 2 bytes packed, numbers. */
  marketCategory = 0;
  financialStatus = 0;
  roundLotSize = 0;
  roundLotsOnly = 0;
  issueClassification = 0;
  issueSubType = 0;
  etpFlag = 0;
  etpLeverageFactor = 0;
  inverseIndicator = 0;

  // --- trades (prints counted in volume: E, printable C, P, Q) ---
  ltp = 0;
  lastSize = 0;
  lastTradeNs = 0;
  /** Volume in shares (exact below 2^53). */
  volume = 0;
  /** Counted prints (minus those broken). */
  tradeCount = 0;
  /** Exact sum of price * shares over counted prints (Price(4) units). */
  readonly notional = new ExactNotional();
  /** Session OHLC from regular-session prints (see README); `hasOhlc` false until the first one. */
  hasOhlc = false;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  readonly trades: TradeRing;
  /** `trades.total` when the publisher last took TRADES: prints `publishedTrades .. trades.total - 1` are new. */
  publishedTrades = 0;
  readonly candles: MinuteCandles;
  /** 'C' executions with Printable = 'N' (excluded from volume). */
  nonPrintableExecutions = 0;
  /** Broken trades taken back out of volume / VWAP. */
  brokenTrades = 0;
  /** Broken trades whose execution was unknown or out of the journal window (stats could not be adjusted). */
  unmatchedBrokenTrades = 0;
  /** True once a broken trade touched this instrument: LTP/OHLC/candle prices are not revised by breaks. */
  statsAdjusted = false;

  // --- trading state ---
  /** Effective status for clients: 'H' state, overridden to HALTED while Nasdaq ('h' market Q) is operationally halted. */
  status: TradingStatusCode = TradingStatus.UNSPECIFIED;
  /** Last 'H' Trading State char code ('H', 'P', 'Q', 'T'), 0 before any. */
  tradingState = 0;
  /** Last 'H' reason, 4 bytes packed (compare with `packAlpha('LUDP', 4)`). */
  tradingReason = 0;
  /** Bits of `OperationalHaltMarket` currently halted ('h'). */
  operationalHalts = 0;
  /** Reg SHO action char code ('Y'), 0 before any. */
  regShoAction = 0;
  /** LULD Auction Collar ('J'), Price(4). */
  luldReferencePrice = 0;
  luldUpperPrice = 0;
  luldLowerPrice = 0;
  luldExtension = 0;
  /** NOII ('I'), last seen. */
  noiiPairedShares = 0;
  noiiImbalanceShares = 0;
  noiiDirection = 0;
  noiiFarPrice = 0;
  noiiNearPrice = 0;
  noiiReferencePrice = 0;
  noiiCrossType = 0;

  // --- feed consistency ---
  /** Messages naming an unknown order reference, by `UnknownRefKind`. */
  readonly unknownRefs = new Uint32Array(5);
  /** Executions / cancels of more shares than remained (clamped at 0). */
  overExecutions = 0;
  overCancels = 0;
  /** Adds ('A', 'F', 'U' new ref) of an order reference that was already live (the old one is replaced). */
  duplicateRefs = 0;
  /** E/C/X/D/U whose Stock Locate differs from the order's (the order's book is used). */
  locateMismatches = 0;
  /** Transitions into a locked / crossed book. */
  lockedCount = 0;
  crossedCount = 0;

  /** `levels`: the arena the book set's ladders share (default: the ladders' own). */
  constructor(locate: number, symbol: string, tradeRingCapacity: number, levelCapacity: number, levels?: LevelArena) {
    this.locate = locate;
    this.symbol = symbol;
    // Asks first: in a shared arena the bid ladder's id is then the ask ladder's + 1 (`BookSet` relies on it).
    this.asks = new PriceLadder(false, levelCapacity, levels);
    this.bids = new PriceLadder(true, levelCapacity, levels);
    this.trades = new TradeRing(tradeRingCapacity);
    this.candles = new MinuteCandles();
  }

  /** Timestamp of the last message that changed client-visible state (ns since midnight), 0 before any. */
  get lastChangeNs(): number {
    return this.changeNsHigh * 16_777_216 + this.changeNsLow;
  }

  /** Volume-weighted average price in Price(4) units (a double), 0 before any print. */
  get vwap(): number {
    return this.volume > 0 ? this.notional.value / this.volume : 0;
  }

  /** Anomalies: over-executions, over-cancels, duplicate refs and locate mismatches. */
  get anomalies(): number {
    return this.overExecutions + this.overCancels + this.duplicateRefs + this.locateMismatches;
  }

  /** Sum of `unknownRefs`. */
  get unknownRefTotal(): number {
    const u = this.unknownRefs;
    return u[0] + u[1] + u[2] + u[3] + u[4];
  }

  /** Copies the top `snapshot.levels` levels of each side, best first (O(levels)). */
  fillDepth(snapshot: DepthSnapshot): void {
    const n = snapshot.levels;
    const bids = this.bids;
    const asks = this.asks;
    snapshot.bidCount = bids.arena.copyTop(bids.id, n, snapshot.bidPrices, snapshot.bidSizes, snapshot.bidOrders);
    snapshot.askCount = asks.arena.copyTop(asks.id, n, snapshot.askPrices, snapshot.askSizes, snapshot.askOrders);
  }

}
