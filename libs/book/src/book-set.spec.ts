import { encodeMessage, ItchMessageView, packAlpha } from '@tickwire/itch';
import { Feed, levels, NINE_THIRTY_NS } from '../test/feed';
import { BookSet } from './book-set';
import { Change, MARKET_CHANGE, NO_CHANGE } from './change';
import { CrossState, TradingStatus, UnknownRefKind } from './instrument';
import { MarketPhase } from './market';
import { TradeKind } from './trade-ring';

const { LTP, QUOTE, OHLC, VOLUME, VWAP, DEPTH, TRADES, STATUS, SYMBOL } = Change;
const PRINT = LTP | VOLUME | VWAP | TRADES;

function listed(options?: ConstructorParameters<typeof Feed>[0]): Feed {
  const feed = new Feed(options);
  feed.directory(1, 'ALC');
  return feed;
}

describe('BookSet: directory', () => {
  it("creates the instrument on 'R' with its symbol and reports it", () => {
    const feed = new Feed();
    expect(feed.directory(7, 'MSFT')).toEqual({ locate: 7, changes: SYMBOL });
    const inst = feed.set.instrument(7)!;
    expect([inst.symbol, inst.listed, inst.roundLotSize, inst.marketCategory]).toEqual(['MSFT', true, 100, 0x51]);
    // Every other 'R' attribute is kept too (the normalizer publishes them as reference data).
    expect([inst.financialStatus, inst.roundLotsOnly, inst.issueClassification, inst.issueSubType, inst.etpFlag, inst.etpLeverageFactor, inst.inverseIndicator]).toEqual([
      0x4e, 0x4e, 0x43, 0x5a20, 0x4e, 0, 0x4e,
    ]);
    expect(feed.set.instrumentBySymbol('MSFT')).toBe(inst);
    expect(feed.set.instrument(8)).toBeUndefined();
  });

  it('creates an instrument implicitly (symbol from the message) when orders come without a directory', () => {
    const feed = new Feed();
    feed.locate = 3;
    expect(feed.add(1, 'B', 100, 10_000).locate).toBe(3);
    expect(feed.set.instrument(3)!.symbol).toBe('TEST');
    expect(feed.set.instrument(3)!.listed).toBe(false);
    expect(feed.set.stats.implicitInstruments).toBe(1);
  });
});

describe('BookSet: adds', () => {
  it('A and F add to the right side; best bid/ask and L2 aggregate shares and orders', () => {
    const feed = listed();
    expect(feed.add(1, 'B', 100, 100_000)).toEqual({ locate: 1, changes: QUOTE | DEPTH });
    expect(feed.addMpid(2, 'B', 200, 100_000).changes).toBe(QUOTE | DEPTH);
    expect(feed.add(3, 'B', 50, 99_900).changes).toBe(DEPTH);
    expect(feed.add(4, 'S', 300, 100_100).changes).toBe(QUOTE | DEPTH);
    const inst = feed.inst;
    expect(levels(inst, 'B')).toEqual([[100_000, 300, 2], [99_900, 50, 1]]);
    expect(levels(inst, 'S')).toEqual([[100_100, 300, 1]]);
    expect([inst.bids.bestPrice, inst.bids.bestSize, inst.asks.bestPrice, inst.asks.bestSize]).toEqual([100_000, 300, 100_100, 300]);
    expect(inst.orderCount).toBe(4);
    expect(feed.set.orders.size).toBe(4);
  });

  it('a duplicate live ref is an anomaly; the newer order replaces the older', () => {
    const feed = listed();
    feed.add(1, 'B', 100, 100_000);
    feed.add(1, 'S', 70, 101_000);
    expect(levels(feed.inst, 'B')).toEqual([]);
    expect(levels(feed.inst, 'S')).toEqual([[101_000, 70, 1]]);
    expect([feed.inst.duplicateRefs, feed.set.stats.anomalies, feed.inst.orderCount]).toEqual([1, 1, 1]);
  });
});

describe('BookSet: executions', () => {
  it('E reduces the order and prints at the resting price; a partial leaves the order', () => {
    const feed = listed();
    feed.add(1, 'S', 500, 100_100);
    feed.add(2, 'S', 100, 100_200);
    const r = feed.execute(1, 200, 77);
    expect(r.changes).toBe(QUOTE | DEPTH | PRINT | OHLC);
    const inst = feed.inst;
    expect(levels(inst, 'S')).toEqual([[100_100, 300, 1], [100_200, 100, 1]]);
    expect([inst.ltp, inst.lastSize, inst.volume, inst.vwap, inst.tradeCount]).toEqual([100_100, 200, 200, 100_100, 1]);
    expect([inst.trades.total, inst.trades.price(0), inst.trades.size(0), inst.trades.matchNumber(0), inst.trades.kind(0)]).toEqual([1, 100_100, 200, 77, TradeKind.CONTINUOUS]);
  });

  it('an execution of the last order of the best level removes the level; the next becomes best', () => {
    const feed = listed();
    feed.add(1, 'B', 100, 100_000);
    feed.add(2, 'B', 100, 99_900);
    feed.execute(1, 100);
    expect(levels(feed.inst, 'B')).toEqual([[99_900, 100, 1]]);
    expect(feed.set.orders.find(1)).toBe(-1);
    expect(feed.inst.orderCount).toBe(1);
    expect(feed.delete(1).locate).toBe(NO_CHANGE); // gone: a later reference is unknown
    expect(feed.inst.unknownRefs[UnknownRefKind.DELETE]).toBe(1);
  });

  it("C with Printable 'Y' prints at the execution price", () => {
    const feed = listed();
    feed.add(1, 'B', 500, 100_000);
    expect(feed.executeWithPrice(1, 100, 100_050, 'Y').changes).toBe(QUOTE | DEPTH | PRINT | OHLC);
    expect([feed.inst.ltp, feed.inst.volume, feed.inst.bids.bestSize]).toEqual([100_050, 100, 400]);
  });

  it("C with Printable 'N' reduces the book but is excluded from volume, VWAP and last price", () => {
    const feed = listed();
    feed.add(1, 'B', 500, 100_000);
    feed.trade(10, 99_000);
    expect(feed.executeWithPrice(1, 100, 100_050, 'N').changes).toBe(QUOTE | DEPTH);
    const inst = feed.inst;
    expect([inst.ltp, inst.volume, inst.vwap, inst.tradeCount, inst.trades.total]).toEqual([99_000, 10, 99_000, 1, 1]);
    expect(inst.bids.bestSize).toBe(400);
    expect([inst.nonPrintableExecutions, feed.set.stats.nonPrintableExecutions]).toEqual([1, 1]);
  });

  it('executing more than remains clamps at 0, counts an anomaly and prints what the exchange reported', () => {
    const feed = listed();
    feed.add(1, 'S', 100, 100_100);
    feed.execute(1, 150);
    const inst = feed.inst;
    expect(levels(inst, 'S')).toEqual([]);
    expect([inst.overExecutions, inst.anomalies, feed.set.stats.anomalies, inst.orderCount]).toEqual([1, 1, 1, 0]);
    expect(inst.volume).toBe(150);
  });
});

describe('BookSet: cancels, deletes, replaces', () => {
  it('X cancels part of an order; cancelling more than remains clamps at 0 and is an anomaly', () => {
    const feed = listed();
    feed.add(1, 'B', 300, 100_000);
    expect(feed.cancel(1, 100).changes).toBe(QUOTE | DEPTH);
    expect(levels(feed.inst, 'B')).toEqual([[100_000, 200, 1]]);
    feed.cancel(1, 500);
    expect(levels(feed.inst, 'B')).toEqual([]);
    expect([feed.inst.overCancels, feed.set.orders.size, feed.inst.volume]).toEqual([1, 0, 0]);
  });

  it('D removes the whole remaining order', () => {
    const feed = listed();
    feed.add(1, 'B', 300, 100_000);
    feed.add(2, 'B', 100, 100_000);
    feed.cancel(1, 100);
    feed.delete(1);
    expect(levels(feed.inst, 'B')).toEqual([[100_000, 100, 1]]);
  });

  it('U replaces: the new ref keeps the side and book, takes the new shares and price; the old ref is gone', () => {
    const feed = listed();
    feed.add(10, 'S', 300, 100_500);
    feed.add(11, 'S', 100, 100_600);
    expect(feed.replace(10, 20, 250, 100_700).changes).toBe(QUOTE | DEPTH);
    const inst = feed.inst;
    expect(levels(inst, 'S')).toEqual([[100_600, 100, 1], [100_700, 250, 1]]);
    expect(levels(inst, 'B')).toEqual([]);
    const slot = feed.set.orders.find(20);
    expect([feed.set.orders.sideAt(slot), feed.set.orders.locateAt(slot), feed.set.orders.sharesAt(slot)]).toEqual([0, 1, 250]);
    expect(feed.set.orders.find(10)).toBe(-1);
    feed.execute(20, 50);
    expect(inst.ltp).toBe(100_700);
    expect(inst.orderCount).toBe(2);
  });

  it('U at the same price and size changes nothing visible; at the same price, a new size changes the level', () => {
    const feed = listed();
    feed.add(1, 'B', 300, 100_000);
    expect(feed.replace(1, 2, 300, 100_000)).toEqual({ locate: NO_CHANGE, changes: 0 });
    expect(feed.replace(2, 3, 100, 100_000).changes).toBe(QUOTE | DEPTH);
    expect(levels(feed.inst, 'B')).toEqual([[100_000, 100, 1]]);
    expect([feed.set.orders.find(2), feed.inst.orderCount]).toEqual([-1, 1]);
  });
});

describe('BookSet: unknown order references', () => {
  it('are counted per book and per type, never crash, never go negative', () => {
    const feed = listed();
    feed.add(1, 'B', 100, 100_000);
    expect(feed.execute(99, 10).locate).toBe(NO_CHANGE);
    expect(feed.executeWithPrice(99, 10, 1, 'Y').locate).toBe(NO_CHANGE);
    feed.cancel(99, 10);
    feed.cancel(98, 10);
    feed.delete(99);
    feed.replace(99, 100, 10, 10);
    const inst = feed.inst;
    expect(Array.from(inst.unknownRefs)).toEqual([1, 1, 2, 1, 1]);
    expect(inst.unknownRefTotal).toBe(6);
    expect(feed.set.stats.unknownRefTotal).toBe(6);
    expect(feed.set.orders.find(100)).toBe(-1); // the replacement of an unknown order cannot be placed
    expect(levels(inst, 'B')).toEqual([[100_000, 100, 1]]);
    expect([inst.volume, inst.anomalies]).toEqual([0, 0]);
  });

  it('on a locate never seen are counted feed-wide only', () => {
    const feed = new Feed();
    feed.locate = 42;
    feed.delete(5);
    expect(feed.set.stats.unknownRefs[UnknownRefKind.DELETE]).toBe(1);
    expect(feed.set.instrument(42)).toBeUndefined();
  });

  it("an E/X/D naming another locate than the order's updates the order's book and counts a mismatch", () => {
    const feed = listed();
    feed.directory(2, 'BOB');
    feed.add(1, 'B', 100, 100_000, 1);
    feed.locate = 2;
    expect(feed.cancel(1, 40).locate).toBe(1);
    expect(levels(feed.set.instrument(1)!, 'B')).toEqual([[100_000, 60, 1]]);
    expect(feed.set.instrument(1)!.locateMismatches).toBe(1);
  });
});

describe('BookSet: order references above 2^32', () => {
  it('are exact: refs differing only in the high half are distinct orders', () => {
    const feed = listed();
    const big = 2 ** 32 + 5;
    const huge = 2 ** 52 + 12_345;
    feed.add(5, 'B', 100, 100_000);
    feed.add(big, 'B', 200, 100_000);
    feed.add(huge, 'S', 300, 100_100);
    expect(feed.set.orders.size).toBe(3);
    feed.execute(big, 50);
    expect(levels(feed.inst, 'B')).toEqual([[100_000, 250, 2]]);
    feed.replace(huge, huge + 2 ** 33, 10, 100_200);
    feed.delete(5);
    expect(levels(feed.inst, 'B')).toEqual([[100_000, 150, 1]]);
    expect(levels(feed.inst, 'S')).toEqual([[100_200, 10, 1]]);
    expect(feed.set.orders.refAt(feed.set.orders.find(huge + 2 ** 33))).toBe(huge + 2 ** 33);
    expect(feed.inst.unknownRefTotal).toBe(0);
  });
});

describe('BookSet: crossed and locked books', () => {
  it('are flagged and counted, never corrected', () => {
    const feed = listed();
    feed.add(1, 'B', 100, 100_000);
    feed.add(2, 'S', 100, 100_000);
    expect([feed.inst.crossState, feed.inst.lockedCount]).toEqual([CrossState.LOCKED, 1]);
    feed.add(3, 'B', 100, 100_100);
    expect([feed.inst.crossState, feed.inst.crossedCount, feed.set.stats.crossed]).toEqual([CrossState.CROSSED, 1, 1]);
    expect(levels(feed.inst, 'B')).toEqual([[100_100, 100, 1], [100_000, 100, 1]]);
    expect(levels(feed.inst, 'S')).toEqual([[100_000, 100, 1]]);
    feed.delete(3);
    feed.delete(1);
    expect(feed.inst.crossState).toBe(CrossState.NONE);
    expect([feed.inst.lockedCount, feed.inst.crossedCount]).toEqual([2, 1]);
  });
});

describe('BookSet: depth change detection', () => {
  it('sets DEPTH only when a level inside the top N changes', () => {
    const feed = listed({ depthLevels: 3 });
    for (let i = 0; i < 5; i++) feed.add(i + 1, 'B', 100, 100_000 - i * 100); // ranks 0..4
    expect(feed.add(10, 'B', 50, 99_600).changes).toBe(0); // rank 4: outside
    expect(feed.cancel(5, 10).locate).toBe(NO_CHANGE); // rank 4
    expect(feed.delete(4).changes).toBe(0); // rank 3 removed: outside
    expect(feed.cancel(3, 10).changes).toBe(DEPTH); // rank 2: inside
    expect(feed.add(11, 'B', 10, 99_850).changes).toBe(DEPTH); // inserted at rank 2
    expect(feed.add(12, 'B', 10, 99_750).changes).toBe(0); // inserted at rank 3
    expect(feed.delete(11).changes).toBe(DEPTH); // rank 2 removed: rank 3 moves in
    expect(feed.add(13, 'B', 10, 100_000).changes).toBe(QUOTE | DEPTH); // joins the best level
    expect(feed.add(14, 'S', 10, 110_000).changes).toBe(QUOTE | DEPTH);
  });
});

describe('BookSet: trades, crosses and broken trades', () => {
  it('P prints without touching the book; Q prints u64 shares with its cross kind', () => {
    const feed = listed();
    feed.add(1, 'B', 100, 100_000);
    expect(feed.trade(300, 100_050).changes).toBe(PRINT | OHLC);
    expect(levels(feed.inst, 'B')).toEqual([[100_000, 100, 1]]);
    const big = 2 ** 40 + 3;
    feed.cross(big, 100_000, 'C');
    const inst = feed.inst;
    expect(inst.volume).toBe(300 + big);
    expect(inst.notional.toBigInt()).toBe(300n * 100_050n + BigInt(big) * 100_000n);
    expect([inst.trades.kind(1), inst.trades.size(1)]).toEqual([TradeKind.CROSS_CLOSE, big]);
    expect(feed.cross(0, 100_000, 'O').locate).toBe(NO_CHANGE); // no shares crossed: no print
  });

  it('sets LTP only when the last price or size changes', () => {
    const feed = listed();
    feed.trade(100, 100_000);
    expect(feed.trade(100, 100_000).changes).toBe(VOLUME | VWAP | TRADES);
    expect(feed.trade(200, 100_000).changes).toBe(PRINT);
  });

  it('B takes the broken execution back out of volume, VWAP, trade count and its candle; prices stay', () => {
    const feed = listed();
    feed.add(1, 'S', 1000, 100_000);
    feed.execute(1, 100, 500);
    feed.trade(300, 200_000, 501);
    feed.executeWithPrice(1, 100, 100_100, 'N', 502);
    const inst = feed.inst;
    expect([inst.volume, inst.vwap]).toEqual([400, (100 * 100_000 + 300 * 200_000) / 400]);
    expect(feed.broken(501)).toEqual({ locate: 1, changes: VOLUME | VWAP });
    expect([inst.volume, inst.vwap, inst.tradeCount, inst.brokenTrades, inst.statsAdjusted]).toEqual([100, 100_000, 1, 1, true]);
    expect([inst.ltp, inst.high]).toEqual([200_000, 200_000]); // not revised
    expect(inst.candles.volumeAt(inst.candles.length - 1)).toBe(100);
    expect(feed.broken(501).locate).toBe(NO_CHANGE); // already broken
    expect(feed.broken(502).locate).toBe(NO_CHANGE); // non-printable: nothing to take back
    expect(feed.broken(999).locate).toBe(NO_CHANGE); // never seen
    expect([inst.brokenTrades, inst.unmatchedBrokenTrades, feed.set.stats.unmatchedBrokenTrades, inst.volume]).toEqual([2, 2, 2, 100]);
  });

  it('a break older than the journal window is counted as unmatched', () => {
    const feed = listed({ executionJournalCapacity: 2 });
    feed.trade(100, 100_000, 1);
    feed.trade(100, 100_000, 2);
    feed.trade(100, 100_000, 3);
    expect(feed.broken(1).locate).toBe(NO_CHANGE);
    expect(feed.broken(2).locate).toBe(1);
    expect([feed.inst.volume, feed.inst.unmatchedBrokenTrades, feed.inst.brokenTrades]).toEqual([200, 1, 1]);
  });
});

describe('BookSet: session OHLC and candles', () => {
  it('OHLC takes regular-session prints only; volume and VWAP take every print', () => {
    const feed = listed();
    feed.system('O');
    feed.system('S');
    expect(feed.set.market.phase).toBe(MarketPhase.PRE_MARKET);
    expect(feed.trade(100, 90_000).changes).toBe(PRINT); // pre-market: no OHLC
    expect(feed.system('Q')).toEqual({ locate: MARKET_CHANGE, changes: 0 });
    expect(feed.cross(1000, 100_000, 'O').changes).toBe(PRINT | OHLC);
    feed.trade(100, 101_000);
    feed.trade(100, 99_000);
    feed.cross(500, 100_500, 'C');
    feed.system('M');
    feed.trade(100, 120_000); // post-market
    const inst = feed.inst;
    expect([inst.open, inst.high, inst.low, inst.close]).toEqual([100_000, 101_000, 99_000, 100_500]);
    expect([inst.ltp, inst.volume]).toEqual([120_000, 1900]);
  });

  it('builds 1-minute OHLCV candles by minute since midnight', () => {
    const feed = listed();
    feed.timestampNs = NINE_THIRTY_NS + 10e9;
    feed.trade(100, 100_000);
    feed.timestampNs = NINE_THIRTY_NS + 50e9;
    feed.trade(200, 101_000);
    feed.trade(300, 99_500);
    feed.timestampNs = NINE_THIRTY_NS + 65e9;
    feed.trade(400, 100_200);
    const c = feed.inst.candles;
    const rows = [];
    for (let i = 0; i < c.length; i++) rows.push([c.minuteAt(i), c.openAt(i), c.highAt(i), c.lowAt(i), c.closeAt(i), c.volumeAt(i), c.tradesAt(i)]);
    expect(rows).toEqual([
      [570, 100_000, 101_000, 99_500, 99_500, 600, 3],
      [571, 100_200, 100_200, 100_200, 100_200, 400, 1],
    ]);
  });

  it('keeps no candles when disabled', () => {
    const feed = listed({ candles: false });
    feed.trade(100, 100_000);
    expect(feed.inst.candles.length).toBe(0);
  });
});

describe('BookSet: trading state and market', () => {
  it("'H' sets status and reason; 'h' Nasdaq operational halt overrides to HALTED until resumed", () => {
    const feed = listed();
    expect(feed.tradingAction('T').changes).toBe(STATUS);
    expect(feed.inst.status).toBe(TradingStatus.TRADING);
    feed.tradingAction('P', 'LUDP');
    expect([feed.inst.status, feed.inst.tradingReason]).toEqual([TradingStatus.PAUSED, packAlpha('LUDP', 4)]);
    feed.tradingAction('T');
    expect(feed.operationalHalt('B', 'H').locate).toBe(NO_CHANGE); // BX only: Nasdaq status unchanged
    expect(feed.operationalHalt('Q', 'H').changes).toBe(STATUS);
    expect([feed.inst.status, feed.inst.operationalHalts]).toEqual([TradingStatus.HALTED, 3]);
    feed.operationalHalt('Q', 'T');
    expect(feed.inst.status).toBe(TradingStatus.TRADING);
    feed.tradingAction('Q', 'IPOQ');
    expect(feed.inst.status).toBe(TradingStatus.QUOTATION_ONLY);
  });

  it('stores Reg SHO, LULD collars and NOII without reporting a change', () => {
    const feed = listed();
    expect(feed.send({ type: 'Y', stock: 'ALC', regShoAction: '1' }).locate).toBe(NO_CHANGE);
    feed.send({ type: 'J', stock: 'ALC', auctionCollarReferencePrice: 100_000, upperAuctionCollarPrice: 110_000, lowerAuctionCollarPrice: 90_000, auctionCollarExtension: 1 });
    feed.send({ type: 'I', pairedShares: 500, imbalanceShares: 2 ** 40, imbalanceDirection: 'B', stock: 'ALC', farPrice: 1, nearPrice: 2, currentReferencePrice: 3, crossType: 'O', priceVariationIndicator: 'L' });
    const inst = feed.inst;
    expect([inst.regShoAction, inst.luldReferencePrice, inst.luldUpperPrice, inst.luldLowerPrice, inst.luldExtension]).toEqual([0x31, 100_000, 110_000, 90_000, 1]);
    expect([inst.noiiPairedShares, inst.noiiImbalanceShares, inst.noiiDirection, inst.noiiReferencePrice]).toEqual([500, 2 ** 40, 0x42, 3]);
  });

  it('market-wide messages return MARKET_CHANGE; ignored types and invalid views change nothing', () => {
    const feed = listed();
    expect(feed.send({ type: 'V', level1: 1, level2: 2, level3: 3 }).locate).toBe(MARKET_CHANGE);
    expect(feed.send({ type: 'W', breachedLevel: '1' }).locate).toBe(MARKET_CHANGE);
    expect([feed.set.market.mwcbLevel3, feed.set.market.mwcbBreachedLevel]).toEqual([3, 0x31]);
    expect(feed.send({ type: 'N', stock: 'ALC', interestFlag: 'B' }).locate).toBe(NO_CHANGE);
    const view = new ItchMessageView();
    expect(view.wrap(new Uint8Array([0x41, 0, 1]), 0, 3)).not.toBe(0);
    expect(feed.set.apply(view)).toBe(NO_CHANGE);
    expect(feed.set.stats.invalidMessages).toBe(1);
    expect(feed.set.stats.messagesByType[0x4e]).toBe(1);
  });
});

describe('BookSet: change bookkeeping for the publisher', () => {
  it('accumulates bits until takeChanges and lists each changed instrument once until resetDirty', () => {
    const set = new BookSet();
    const view = new ItchMessageView();
    const apply = (m: Parameters<typeof encodeMessage>[0]): number => {
      const bytes = encodeMessage(m);
      view.wrap(bytes, 0, bytes.length);
      return set.apply(view);
    };
    const h = { trackingNumber: 0, timestampNs: NINE_THIRTY_NS };
    apply({ type: 'A', ...h, stockLocate: 4, orderRef: 1, side: 'B', shares: 100, stock: 'X', price: 100 });
    apply({ type: 'A', ...h, stockLocate: 4, orderRef: 2, side: 'S', shares: 100, stock: 'X', price: 200 });
    apply({ type: 'P', ...h, stockLocate: 9, orderRef: 0, side: 'B', shares: 100, stock: 'Y', price: 150, matchNumber: 1 });
    expect([set.dirtyCount, set.dirtyLocate(0), set.dirtyLocate(1)]).toEqual([2, 4, 9]);
    expect(set.instrument(4)!.changes).toBe(QUOTE | DEPTH);
    expect(set.takeChanges(4)).toBe(QUOTE | DEPTH);
    expect(set.takeChanges(4)).toBe(0);
    expect(set.instrument(9)!.publishedTrades).toBe(0);
    set.takeChanges(9);
    expect(set.instrument(9)!.publishedTrades).toBe(1);
    set.resetDirty();
    expect(set.dirtyCount).toBe(0);
    apply({ type: 'D', ...h, stockLocate: 4, orderRef: 1 });
    expect([set.dirtyCount, set.dirtyLocate(0)]).toEqual([1, 4]);
  });
});
