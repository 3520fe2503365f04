import { MessageType, SIDE_BUY } from '@tickwire/itch';
import type { ItchMessageView } from '@tickwire/itch';
import { Change, MARKET_CHANGE, NO_CHANGE } from './change';
import { ExecutionJournal, JOURNAL_BROKEN, JOURNAL_COUNTED } from './execution-journal';
import { CrossState, Instrument, OperationalHaltMarket, TradingStatus, UnknownRefKind } from './instrument';
import type { CrossStateCode, TradingStatusCode } from './instrument';
import { Market } from './market';
import { MinuteCandles } from './minute-candles';
import { parseBookSetOptions } from './options';
import type { BookSetOptions, ResolvedBookSetOptions } from './options';
import { OrderTable } from './order-table';
import { LevelArena } from './price-ladder';
import { TradeKind } from './trade-ring';

const LOCATES = 65536;
const TWO_24 = 16_777_216;
/** 4,096 books' worth of 16-level sides (1.5 MB); doubles as needed. */
const INITIAL_ARENA_LEVELS = 131_072;
const BID = 1;
const ASK = 0;
const PRINTABLE_YES = 0x59; // 'Y'
const QUOTE_OR_DEPTH = Change.QUOTE | Change.DEPTH;
const PRINT_BITS = Change.TRADES | Change.VOLUME | Change.VWAP;

const CROSS_OPEN = 0x4f; // 'O'
const CROSS_CLOSE = 0x43; // 'C'
const CROSS_HALT = 0x48; // 'H'

const STATE_HALTED = 0x48; // 'H'
const STATE_PAUSED = 0x50; // 'P'
const STATE_QUOTATION_ONLY = 0x51; // 'Q'
const STATE_TRADING = 0x54; // 'T'

const MARKET_NASDAQ = 0x51; // 'Q'
const MARKET_BX = 0x42; // 'B'
const MARKET_PSX = 0x58; // 'X'
const HALT_ACTION_HALTED = 0x48; // 'H'

/** Feed-wide counters (the per-instrument ones are on `Instrument`). */
export class BookSetStats {
  /** Messages applied, by type char code. */
  readonly messagesByType = new Float64Array(256);
  messages = 0;
  /** Views whose `wrap` failed (type 0). */
  invalidMessages = 0;
  /** Order messages with Stock Locate 0 (ignored). */
  invalidLocates = 0;
  /** Instruments created by a message other than 'R' (the feed joined after the directory). */
  implicitInstruments = 0;
  /** Messages naming an unknown order reference, by `UnknownRefKind` (also counted per instrument when it exists). */
  readonly unknownRefs = new Float64Array(5);
  /** Over-executions + over-cancels + duplicate refs + locate mismatches. */
  anomalies = 0;
  /** Transitions of any book into locked / crossed. */
  locked = 0;
  crossed = 0;
  nonPrintableExecutions = 0;
  brokenTrades = 0;
  unmatchedBrokenTrades = 0;

  get unknownRefTotal(): number {
    const u = this.unknownRefs;
    return u[0] + u[1] + u[2] + u[3] + u[4];
  }
}

/**
 * The state of every instrument of one ITCH feed, indexed by Stock Locate, plus the `Market`. Feed it
 * every message in order with `apply(view)`: the return value says whose client-visible state changed,
 * `takeChanges(locate)` says what (bits of `Change`) and clears it. No allocation per message: order
 * state lives in an `OrderTable`, levels in `PriceLadder`s, prints in rings (tables grow by doubling,
 * amortised; instruments are created on 'R').
 *
 * Order references are day-unique across the feed, so one order table serves all instruments; an order
 * stays in the book of the locate that added it.
 */
export class BookSet {
  readonly options: ResolvedBookSetOptions;
  readonly market = new Market();
  readonly stats = new BookSetStats();
  readonly orders: OrderTable;
  private readonly journal: ExecutionJournal;
  /** Every book's price levels, in one array (see `LevelArena`). */
  private readonly levels = new LevelArena(INITIAL_ARENA_LEVELS, 2 * 4096);
  /**
   * Per Stock Locate, the arena id of the instrument's ask ladder (its bid ladder is the next id), so a
   * message reaches its levels from its locate without touching the instrument object (see `LevelArena`).
   */
  private readonly askLadder = new Int32Array(LOCATES);
  /** Where `findOrder`'s early reads go, so the compiler keeps them. */
  private readonly touchSink = new Float64Array(1);
  private readonly instruments: (Instrument | undefined)[] = new Array<Instrument | undefined>(LOCATES).fill(undefined);
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly created: Instrument[] = [];
  private readonly dirty = new Uint16Array(LOCATES);
  private dirtyLength = 0;
  private readonly depthLevels: number;
  private readonly candlesOn: boolean;

  constructor(options?: BookSetOptions) {
    this.options = parseBookSetOptions(options);
    this.depthLevels = this.options.depthLevels;
    this.candlesOn = this.options.candles;
    this.orders = new OrderTable(this.options.initialOrderCapacity);
    this.journal = new ExecutionJournal(this.options.executionJournalCapacity);
  }

  /** The instrument at a Stock Locate, or undefined. */
  instrument(locate: number): Instrument | undefined {
    return this.instruments[locate];
  }

  /** The instrument with this symbol, or undefined (a Map lookup: not for the hot path). */
  instrumentBySymbol(symbol: string): Instrument | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Every instrument in creation order (tools, snapshots). */
  allInstruments(): readonly Instrument[] {
    return this.created;
  }

  /** Returns the locate's `Change` bits and clears them (also marks its trades as published). */
  takeChanges(locate: number): number {
    const inst = this.instruments[locate];
    if (inst === undefined) return 0;
    const bits = inst.changes;
    inst.changes = 0;
    inst.publishedTrades = inst.trades.total;
    return bits;
  }

  /** Instruments changed since the last `resetDirty` (each listed once): `dirtyLocate(0 .. dirtyCount - 1)`. */
  get dirtyCount(): number {
    return this.dirtyLength;
  }
  dirtyLocate(i: number): number {
    return this.dirty[i];
  }
  /** Empties the dirty list (change bits are kept until `takeChanges`). */
  resetDirty(): void {
    for (let i = 0; i < this.dirtyLength; i++) this.instruments[this.dirty[i]]!.inDirtyList = false;
    this.dirtyLength = 0;
  }

  /**
   * Applies one message. Returns the Stock Locate whose client-visible state changed (its `changes` bits
   * were set), `MARKET_CHANGE` (0) for market-wide state, or `NO_CHANGE` (-1).
   */
  apply(view: ItchMessageView): number {
    const type = view.type;
    const stats = this.stats;
    stats.messages++;
    stats.messagesByType[type]++;
    switch (type) {
      case MessageType.AddOrder:
      case MessageType.AddOrderMpid:
        return this.onAdd(view);
      case MessageType.OrderExecuted:
        return this.onExecuted(view, false);
      case MessageType.OrderExecutedWithPrice:
        return this.onExecuted(view, true);
      case MessageType.OrderCancel:
        return this.onCancel(view);
      case MessageType.OrderDelete:
        return this.onDelete(view);
      case MessageType.OrderReplace:
        return this.onReplace(view);
      case MessageType.Trade:
        return this.onTrade(view, TradeKind.CONTINUOUS);
      case MessageType.CrossTrade:
        return this.onTrade(view, crossKind(view.crossType));
      case MessageType.BrokenTrade:
        return this.onBroken(view);
      case MessageType.StockDirectory:
        return this.onDirectory(view);
      case MessageType.StockTradingAction:
        return this.onTradingAction(view);
      case MessageType.OperationalHalt:
        return this.onOperationalHalt(view);
      case MessageType.SystemEvent:
        this.market.systemEvent(view.eventCode, view.timestampNs);
        return MARKET_CHANGE;
      case MessageType.MwcbDeclineLevel:
        this.market.mwcbLevel1 = view.level1;
        this.market.mwcbLevel2 = view.level2;
        this.market.mwcbLevel3 = view.level3;
        return MARKET_CHANGE;
      case MessageType.MwcbStatus:
        this.market.mwcbBreachedLevel = view.breachedLevel;
        return MARKET_CHANGE;
      case MessageType.RegShoRestriction: {
        const inst = this.instrumentFor(view);
        if (inst !== undefined) inst.regShoAction = view.regShoAction;
        return NO_CHANGE;
      }
      case MessageType.LuldAuctionCollar: {
        const inst = this.instrumentFor(view);
        if (inst !== undefined) {
          inst.luldReferencePrice = view.auctionCollarReferencePrice;
          inst.luldUpperPrice = view.upperAuctionCollarPrice;
          inst.luldLowerPrice = view.lowerAuctionCollarPrice;
          inst.luldExtension = view.auctionCollarExtension;
        }
        return NO_CHANGE;
      }
      case MessageType.Noii: {
        const inst = this.instrumentFor(view);
        if (inst !== undefined) {
          inst.noiiPairedShares = view.pairedShares;
          inst.noiiImbalanceShares = view.imbalanceShares;
          inst.noiiDirection = view.imbalanceDirection;
          inst.noiiFarPrice = view.farPrice;
          inst.noiiNearPrice = view.nearPrice;
          inst.noiiReferencePrice = view.currentReferencePrice;
          inst.noiiCrossType = view.crossType;
        }
        return NO_CHANGE;
      }
      case 0:
        stats.invalidMessages++;
        return NO_CHANGE;
      default:
        // 'L' market participant position, 'K' IPO quoting period, 'N' RPII, 'O' DLCR: counted, not kept.
        return NO_CHANGE;
    }
  }

  // ---------------------------------------------------------------- order events

  private onAdd(view: ItchMessageView): number {
    const inst = this.instrumentFor(view);
    if (inst === undefined) return NO_CHANGE;
    const side = view.side === SIDE_BUY ? BID : ASK;
    return this.commit(inst, this.addOrder(inst, view.orderRef, side, view.price, view.shares), view);
  }

  /** Adds a live order to the table and its level; a duplicate ref replaces the old order. */
  private addOrder(inst: Instrument, ref: number, side: number, price: number, shares: number): number {
    const orders = this.orders;
    let bits = 0;
    if (orders.insert(ref, inst.locate, side, price, shares) < 0) {
      inst.duplicateRefs++;
      this.stats.anomalies++;
      const old = orders.find(ref);
      const owner = this.instruments[orders.locateAt(old)]!;
      const removed = this.removeOrder(owner, old);
      if (owner === inst) bits = removed;
      else this.commit(owner, removed, undefined);
      orders.insert(ref, inst.locate, side, price, shares);
    }
    inst.orderCount++;
    return bits | this.levelBits(this.askLadder[inst.locate] + side, price, shares, 1);
  }

  /** Removes the whole remaining order at `slot` from its level and the table. */
  private removeOrder(inst: Instrument, slot: number): number {
    const orders = this.orders;
    const bits = this.levelBits(this.askLadder[inst.locate] + orders.sideAt(slot), orders.priceAt(slot), -orders.sharesAt(slot), -1);
    orders.remove(slot);
    inst.orderCount--;
    return bits;
  }

  /**
   * Takes `amount` shares off the order at `slot` (clamped to what remains; the excess is an anomaly)
   * and removes the order when nothing remains.
   */
  private reduceOrder(inst: Instrument, slot: number, amount: number, isExecution: boolean): number {
    const orders = this.orders;
    const remaining = orders.sharesAt(slot);
    if (amount >= remaining) {
      if (amount > remaining) {
        if (isExecution) inst.overExecutions++;
        else inst.overCancels++;
        this.stats.anomalies++;
      }
      return this.removeOrder(inst, slot);
    }
    orders.setShares(slot, remaining - amount);
    return this.levelBits(this.askLadder[inst.locate] + orders.sideAt(slot), orders.priceAt(slot), -amount, 0);
  }

  /** Applies a level change and turns the rank it touched into QUOTE / DEPTH bits. */
  private levelBits(ladder: number, price: number, dShares: number, dOrders: number): number {
    const rank = this.levels.adjust(ladder, price, dShares, dOrders);
    if (rank === 0) return QUOTE_OR_DEPTH;
    return rank > 0 && rank < this.depthLevels ? Change.DEPTH : 0;
  }

  /** The live order a message names, or -1 after counting the unknown reference. */
  private findOrder(view: ItchMessageView, ref: number, kind: number): number {
    // Both touches of the message's book, read before the order-table lookup so their cache misses overlap
    // its miss: the level change that follows scans from one of them and the crossed-book check reads both.
    const asks = this.askLadder[view.stockLocate];
    this.touchSink[0] = this.levels.touchKey(asks) + this.levels.touchKey(asks + BID);
    const slot = this.orders.find(ref);
    if (slot < 0) {
      this.stats.unknownRefs[kind]++;
      const inst = this.instruments[view.stockLocate];
      if (inst !== undefined) inst.unknownRefs[kind]++;
    }
    return slot;
  }

  /**
   * The book an order lives in (the locate that added it); counts a message naming another locate.
   * `named` is the instrument of the message's own locate, read by the caller *before* the order-table
   * lookup: when it is the owner (always, on a consistent feed) the instrument's cache miss overlaps the
   * table's instead of waiting for the locate stored in the order (a data dependency becomes a branch).
   */
  private ownerOf(slot: number, named: Instrument | undefined): Instrument {
    const locate = this.orders.locateAt(slot);
    if (named !== undefined && named.locate === locate) return named;
    const inst = this.instruments[locate]!;
    inst.locateMismatches++;
    this.stats.anomalies++;
    return inst;
  }

  private onExecuted(view: ItchMessageView, withPrice: boolean): number {
    const named = this.instruments[view.stockLocate];
    const slot = this.findOrder(view, view.orderRef, withPrice ? UnknownRefKind.EXECUTED_WITH_PRICE : UnknownRefKind.EXECUTED);
    if (slot < 0) return NO_CHANGE;
    const inst = this.ownerOf(slot, named);
    const restingPrice = this.orders.priceAt(slot);
    const executed = view.executedShares;
    let bits = this.reduceOrder(inst, slot, executed, true);
    if (!withPrice) {
      bits |= this.print(inst, restingPrice, executed, view.matchNumber, view.timestampNs, TradeKind.CONTINUOUS);
    } else if (view.printable === PRINTABLE_YES) {
      bits |= this.print(inst, view.executionPrice, executed, view.matchNumber, view.timestampNs, TradeKind.CONTINUOUS);
    } else {
      // Non-printable: not in volume (the shares print later in a cross); journaled so a break finds it.
      inst.nonPrintableExecutions++;
      this.stats.nonPrintableExecutions++;
      this.journal.record(view.matchNumber, inst.locate, view.executionPrice, executed, MinuteCandles.minuteOf(view.timestampNs), 0);
    }
    return this.commit(inst, bits, view);
  }

  private onCancel(view: ItchMessageView): number {
    const named = this.instruments[view.stockLocate];
    const slot = this.findOrder(view, view.orderRef, UnknownRefKind.CANCEL);
    if (slot < 0) return NO_CHANGE;
    const inst = this.ownerOf(slot, named);
    return this.commit(inst, this.reduceOrder(inst, slot, view.canceledShares, false), view);
  }

  private onDelete(view: ItchMessageView): number {
    const named = this.instruments[view.stockLocate];
    const slot = this.findOrder(view, view.orderRef, UnknownRefKind.DELETE);
    if (slot < 0) return NO_CHANGE;
    const inst = this.ownerOf(slot, named);
    return this.commit(inst, this.removeOrder(inst, slot), view);
  }

  /** 'U' = delete the original + add the new ref with new shares/price, same side and book. */
  private onReplace(view: ItchMessageView): number {
    const orders = this.orders;
    const named = this.instruments[view.stockLocate];
    const slot = this.findOrder(view, view.orderRef, UnknownRefKind.REPLACE);
    if (slot < 0) return NO_CHANGE;
    const inst = this.ownerOf(slot, named);
    const side = orders.sideAt(slot);
    const oldPrice = orders.priceAt(slot);
    const oldShares = orders.sharesAt(slot);
    const newRef = view.newOrderRef;
    const newPrice = view.price;
    const newShares = view.shares;
    const ladder = this.askLadder[inst.locate] + side;
    let bits: number;
    if (newPrice === oldPrice && orders.find(newRef) < 0) {
      // Same level: one net adjustment, so a like-for-like replace changes nothing visible.
      orders.remove(slot);
      orders.insert(newRef, inst.locate, side, newPrice, newShares);
      bits = this.levelBits(ladder, newPrice, newShares - oldShares, 0);
    } else {
      bits = this.removeOrder(inst, slot);
      bits |= this.addOrder(inst, newRef, side, newPrice, newShares);
    }
    return this.commit(inst, bits, view);
  }

  // ---------------------------------------------------------------- trades

  private onTrade(view: ItchMessageView, kind: number): number {
    const inst = this.instrumentFor(view);
    if (inst === undefined) return NO_CHANGE;
    return this.commit(inst, this.print(inst, view.price, view.shares, view.matchNumber, view.timestampNs, kind), view);
  }

  /** Folds one counted print into the instrument's statistics. Prints of 0 shares are ignored. */
  private print(inst: Instrument, price: number, size: number, matchNumber: number, timestampNs: number, kind: number): number {
    if (size <= 0) return 0;
    let bits = PRINT_BITS;
    if (price !== inst.ltp || size !== inst.lastSize) bits |= Change.LTP;
    inst.ltp = price;
    inst.lastSize = size;
    inst.lastTradeNs = timestampNs;
    inst.volume += size;
    inst.tradeCount++;
    inst.notional.add(price, size);
    if (this.market.isRegularSession) {
      if (!inst.hasOhlc) {
        inst.hasOhlc = true;
        inst.open = price;
        inst.high = price;
        inst.low = price;
        inst.close = price;
        bits |= Change.OHLC;
      } else {
        if (price > inst.high) {
          inst.high = price;
          bits |= Change.OHLC;
        }
        if (price < inst.low) {
          inst.low = price;
          bits |= Change.OHLC;
        }
        if (price !== inst.close) {
          inst.close = price;
          bits |= Change.OHLC;
        }
      }
    }
    inst.trades.push(price, size, matchNumber, timestampNs, kind);
    const minute = MinuteCandles.minuteOf(timestampNs);
    if (this.candlesOn) inst.candles.record(minute, price, size);
    this.journal.record(matchNumber, inst.locate, price, size, minute, JOURNAL_COUNTED);
    return bits;
  }

  /**
   * 'B': the execution with this match number is taken back out of volume, VWAP, trade count and its
   * candle's volume (when still in the journal). LTP, OHLC and candle prices are not revised.
   */
  private onBroken(view: ItchMessageView): number {
    const journal = this.journal;
    const slot = journal.find(view.matchNumber);
    if (slot < 0 || (journal.flagsAt(slot) & JOURNAL_BROKEN) !== 0) {
      this.stats.unmatchedBrokenTrades++;
      const inst = this.instruments[view.stockLocate];
      if (inst !== undefined) {
        inst.unmatchedBrokenTrades++;
        inst.statsAdjusted = true;
      }
      return NO_CHANGE;
    }
    journal.markBroken(slot);
    const inst = this.instruments[journal.locateAt(slot)]!;
    inst.brokenTrades++;
    inst.statsAdjusted = true;
    this.stats.brokenTrades++;
    if ((journal.flagsAt(slot) & JOURNAL_COUNTED) === 0) return NO_CHANGE;
    const shares = journal.sharesAt(slot);
    inst.volume -= shares;
    inst.tradeCount--;
    inst.notional.subtract(journal.priceAt(slot), shares);
    if (this.candlesOn) inst.candles.removeVolume(journal.minuteAt(slot), shares);
    return this.commit(inst, Change.VOLUME | Change.VWAP, view);
  }

  // ---------------------------------------------------------------- directory and trading state

  private onDirectory(view: ItchMessageView): number {
    const locate = view.stockLocate;
    if (locate === 0) {
      this.stats.invalidLocates++;
      return NO_CHANGE;
    }
    let inst = this.instruments[locate];
    const symbol = view.readStock(); // one string per 'R'
    if (inst === undefined) inst = this.create(locate, symbol);
    else if (inst.symbol !== symbol) {
      if (this.bySymbol.get(inst.symbol) === inst) this.bySymbol.delete(inst.symbol);
      inst.symbol = symbol;
      this.bySymbol.set(symbol, inst);
    }
    inst.listed = true;
    inst.marketCategory = view.marketCategory;
    inst.financialStatus = view.financialStatusIndicator;
    inst.roundLotSize = view.roundLotSize;
    inst.roundLotsOnly = view.roundLotsOnly;
    inst.issueClassification = view.issueClassification;
    inst.issueSubType = view.issueSubType;
    inst.etpFlag = view.etpFlag;
    inst.etpLeverageFactor = view.etpLeverageFactor;
    inst.inverseIndicator = view.inverseIndicator;
    return this.commit(inst, Change.SYMBOL, view);
  }

  private onTradingAction(view: ItchMessageView): number {
    const inst = this.instrumentFor(view);
    if (inst === undefined) return NO_CHANGE;
    const reasonChanged = inst.tradingReason !== view.reason;
    inst.tradingState = view.tradingState;
    inst.tradingReason = view.reason;
    return this.commit(inst, this.updateStatus(inst) || reasonChanged ? Change.STATUS : 0, view);
  }

  private onOperationalHalt(view: ItchMessageView): number {
    const inst = this.instrumentFor(view);
    if (inst === undefined) return NO_CHANGE;
    const code = view.marketCode;
    const bit = code === MARKET_NASDAQ ? OperationalHaltMarket.NASDAQ : code === MARKET_BX ? OperationalHaltMarket.BX : code === MARKET_PSX ? OperationalHaltMarket.PSX : 0;
    if (view.operationalHaltAction === HALT_ACTION_HALTED) inst.operationalHalts |= bit;
    else inst.operationalHalts &= ~bit;
    return this.commit(inst, this.updateStatus(inst) ? Change.STATUS : 0, view);
  }

  /** Recomputes the effective status; returns whether it changed. */
  private updateStatus(inst: Instrument): boolean {
    let status: TradingStatusCode = stateToStatus(inst.tradingState);
    if ((inst.operationalHalts & OperationalHaltMarket.NASDAQ) !== 0) status = TradingStatus.HALTED;
    if (status === inst.status) return false;
    inst.status = status;
    return true;
  }

  // ---------------------------------------------------------------- plumbing

  /** The instrument a stock-specific message names, created if no 'R' came; undefined for locate 0. */
  private instrumentFor(view: ItchMessageView): Instrument | undefined {
    const locate = view.stockLocate;
    const inst = this.instruments[locate];
    if (inst !== undefined) return inst;
    if (locate === 0) {
      this.stats.invalidLocates++;
      return undefined;
    }
    this.stats.implicitInstruments++;
    return this.create(locate, view.readStock());
  }

  private create(locate: number, symbol: string): Instrument {
    const inst = new Instrument(locate, symbol, this.options.tradeRingCapacity, this.options.initialLevelCapacity, this.levels);
    this.instruments[locate] = inst;
    this.askLadder[locate] = inst.asks.id; // and inst.bids.id === inst.asks.id + 1
    this.created.push(inst);
    if (symbol !== '' && !this.bySymbol.has(symbol)) this.bySymbol.set(symbol, inst);
    return inst;
  }

  /** Records `bits` on the instrument (and the crossed-book check when the quote moved). */
  private commit(inst: Instrument, bits: number, view: ItchMessageView | undefined): number {
    if (bits === 0) return NO_CHANGE;
    if ((bits & Change.QUOTE) !== 0) this.checkCross(inst);
    if (view !== undefined) {
      const ns = view.timestampNs; // < 2^48
      const high = Math.floor(ns / TWO_24);
      inst.changeNsHigh = high;
      inst.changeNsLow = ns - high * TWO_24;
    }
    if (!inst.inDirtyList) {
      inst.inDirtyList = true;
      this.dirty[this.dirtyLength++] = inst.locate;
    }
    inst.changes |= bits;
    return inst.locate;
  }

  /** Flags (never fixes) a locked or crossed book: counts each transition into either state. */
  private checkCross(inst: Instrument): void {
    let state: CrossStateCode = CrossState.NONE;
    const levels = this.levels;
    const asks = this.askLadder[inst.locate];
    if (levels.length(asks + BID) !== 0 && levels.length(asks) !== 0) {
      const bid = levels.bestPrice(asks + BID);
      const ask = levels.bestPrice(asks);
      if (bid > ask) state = CrossState.CROSSED;
      else if (bid === ask) state = CrossState.LOCKED;
    }
    if (state === inst.crossState) return;
    inst.crossState = state;
    if (state === CrossState.CROSSED) {
      inst.crossedCount++;
      this.stats.crossed++;
    } else if (state === CrossState.LOCKED) {
      inst.lockedCount++;
      this.stats.locked++;
    }
  }
}

function crossKind(crossType: number): number {
  switch (crossType) {
    case CROSS_OPEN:
      return TradeKind.CROSS_OPEN;
    case CROSS_CLOSE:
      return TradeKind.CROSS_CLOSE;
    case CROSS_HALT:
      return TradeKind.CROSS_HALT;
    default:
      return TradeKind.CROSS_INTRADAY;
  }
}

function stateToStatus(state: number): TradingStatusCode {
  switch (state) {
    case STATE_TRADING:
      return TradingStatus.TRADING;
    case STATE_HALTED:
      return TradingStatus.HALTED;
    case STATE_PAUSED:
      return TradingStatus.PAUSED;
    case STATE_QUOTATION_ONLY:
      return TradingStatus.QUOTATION_ONLY;
    default:
      return TradingStatus.UNSPECIFIED;
  }
}
