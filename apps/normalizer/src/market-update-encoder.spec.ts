import fc from 'fast-check';
import { BookSet, DepthSnapshot, type Instrument } from '@tickwire/book';
import { encodeMessage, ItchMessageView, type ItchMessage } from '@tickwire/itch';
import { MarketUpdate } from '@tickwire/protocol';
import { MarketUpdateEncoder } from './market-update-encoder';
import { instrumentFingerprint, visibleStateFingerprint } from './visible-state';

/** The update as the generated code's object model states it: the reference the encoder must match byte for byte. */
function referenceUpdate(inst: Instrument, depthLevels: number, tradesFrom: number, stamp: { changed: number; seq: number; epoch: bigint; ingest: bigint; publish: bigint; stale: boolean }): MarketUpdate {
  const hasTrades = inst.tradeCount > 0;
  const side = (ladder: Instrument['bids']) =>
    Array.from({ length: Math.min(depthLevels, ladder.length) }, (_, r) => ({ price: ladder.priceAt(r), size: BigInt(ladder.sizeAt(r)), orders: ladder.ordersAt(r) }));
  const trades = [];
  for (let n = tradesFrom; n < inst.trades.total; n++) {
    const t = inst.trades;
    trades.push({ price: t.price(n), size: BigInt(t.size(n)), matchNumber: BigInt(t.matchNumber(n)), exchangeTsNs: BigInt(t.timestampNs(n)), kind: t.kind(n) });
  }
  return {
    symbol: inst.symbol,
    seq: BigInt(stamp.seq),
    epoch: stamp.epoch,
    exchangeTsNs: BigInt(inst.lastChangeNs),
    ingestTsNs: stamp.ingest,
    publishTsNs: stamp.publish,
    ltp: hasTrades ? inst.ltp : undefined,
    lastSize: hasTrades ? BigInt(inst.lastSize) : undefined,
    quote: {
      bidPrice: inst.bids.length > 0 ? inst.bids.bestPrice : 0,
      bidSize: BigInt(inst.bids.length > 0 ? inst.bids.bestSize : 0),
      askPrice: inst.asks.length > 0 ? inst.asks.bestPrice : 0,
      askSize: BigInt(inst.asks.length > 0 ? inst.asks.bestSize : 0),
    },
    ohlc: inst.hasOhlc ? { open: inst.open, high: inst.high, low: inst.low, close: inst.close } : undefined,
    volume: BigInt(inst.volume),
    vwap: inst.volume > 0 ? inst.vwap : undefined,
    depth: { bids: side(inst.bids), asks: side(inst.asks) },
    trades,
    status: inst.status,
    stale: stamp.stale,
    snapshot: false,
    changed: stamp.changed,
    prevSeq: undefined,
  };
}

type Body = Omit<ItchMessage, 'stockLocate' | 'trackingNumber' | 'timestampNs'>;

const u32 = fc.integer({ min: 1, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const order = fc.record({ side: fc.constantFrom('B', 'S'), shares: u32, price: u32 });
const print = fc.record({ shares: u32, price: u32, match: fc.integer({ min: 1, max: 2 ** 48 }) });

describe('MarketUpdateEncoder', () => {
  it('writes exactly the bytes MarketUpdate.encode writes for the same state, and the fingerprint a standby computes from them', () => {
    const encoder = new MarketUpdateEncoder();
    // Every update handed out stays intact while later ones are written (across slabs).
    const taken: [Uint8Array, Uint8Array][] = [];
    fc.assert(
      fc.property(
        fc.record({
          symbol: fc.stringMatching(/^[A-Z]{1,8}$/),
          orders: fc.array(order, { maxLength: 40 }),
          prints: fc.array(print, { maxLength: 12 }),
          regularSession: fc.boolean(),
          halted: fc.boolean(),
          depthLevels: fc.integer({ min: 1, max: 12 }),
          published: fc.nat(),
          changed: fc.integer({ min: 0, max: 0xff }),
          seq: fc.integer({ min: 0, max: 2 ** 40 }),
          epoch: u64,
          ingest: u64,
          publish: u64,
          stale: fc.boolean(),
        }),
        (c) => {
          const books = new BookSet({ depthLevels: c.depthLevels, tradeRingCapacity: 8 });
          const view = new ItchMessageView();
          let ts = 1;
          const send = (body: Body): void => {
            const bytes = encodeMessage({ trackingNumber: 0, stockLocate: body.type === 'S' ? 0 : 1, timestampNs: ts++, ...body } as ItchMessage);
            view.wrap(bytes, 0, bytes.length);
            books.apply(view);
          };
          send({ type: 'R', stock: c.symbol, marketCategory: 'Q', financialStatusIndicator: 'N', roundLotSize: 100, roundLotsOnly: 'N', issueClassification: 'C', issueSubType: 'Z', authenticity: 'P', shortSaleThresholdIndicator: 'N', ipoFlag: ' ', luldReferencePriceTier: '1', etpFlag: 'N', etpLeverageFactor: 0, inverseIndicator: 'N' } as Body);
          if (!c.regularSession) send({ type: 'S', eventCode: 'S' } as Body);
          if (c.halted) send({ type: 'H', stock: c.symbol, tradingState: 'H', reserved: ' ', reason: 'LUDP' } as Body);
          c.orders.forEach((o, i) => send({ type: 'A', orderRef: i + 1, side: o.side, shares: o.shares, stock: c.symbol, price: o.price } as Body));
          for (const p of c.prints) send({ type: 'P', orderRef: 0, side: 'B', shares: p.shares, stock: c.symbol, price: p.price, matchNumber: p.match } as Body);
          const inst = books.instrument(1)!;
          const tradesFrom = Math.max(inst.trades.oldest, inst.trades.total - (c.published % (inst.trades.total + 1)));

          const depth = new DepthSnapshot(c.depthLevels);
          inst.fillDepth(depth);
          encoder.setEpoch(c.epoch);
          const split = (v: bigint): [number, number] => [Number(v >> 32n), Number(v & 0xffffffffn)];
          const length = encoder.encode(inst, depth, tradesFrom, c.changed, c.seq, ...split(c.ingest), ...split(c.publish), c.stale);
          const expected = MarketUpdate.encode(referenceUpdate(inst, c.depthLevels, tradesFrom, c)).finish();
          const bytes = encoder.take();
          expect([length, bytes.length]).toEqual([expected.length, expected.length]);
          expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
          expect(instrumentFingerprint(inst, depth, c.stale)).toBe(visibleStateFingerprint(MarketUpdate.decode(bytes)));
          taken.push([bytes, expected]);
        },
      ),
      { numRuns: 300 },
    );
    expect(taken.every(([bytes, expected]) => Buffer.from(bytes).equals(Buffer.from(expected)))).toBe(true);
  });

  it('takes an update larger than a slab (many prints, deep depth)', () => {
    const books = new BookSet({ depthLevels: 50, tradeRingCapacity: 2048 });
    const view = new ItchMessageView();
    const send = (message: ItchMessage): void => {
      const bytes = encodeMessage(message);
      view.wrap(bytes, 0, bytes.length);
      books.apply(view);
    };
    for (let i = 0; i < 2000; i++) {
      if (i < 200) send({ type: 'A', stockLocate: 1, trackingNumber: 0, timestampNs: i + 1, orderRef: i + 1, side: i % 2 ? 'B' : 'S', shares: 4e9, stock: 'BIG', price: i % 2 ? 1e6 - i : 2e6 + i });
      send({ type: 'P', stockLocate: 1, trackingNumber: 0, timestampNs: i + 1, orderRef: 0, side: 'B', shares: 4e9, stock: 'BIG', price: 4e9, matchNumber: 2 ** 48 + i });
    }
    const inst = books.instrument(1)!;
    const depth = new DepthSnapshot(50);
    inst.fillDepth(depth);
    const encoder = new MarketUpdateEncoder();
    encoder.setEpoch(1n);
    const length = encoder.encode(inst, depth, 0, 0xff, 1, 1, 2, 3, 4, false);
    // Its bound (every print and level at its largest) is above a slab's 64 KiB: it gets a slab of its own.
    expect(length).toBeGreaterThan(50_000);
    const big = encoder.take();
    encoder.encode(inst, depth, 1999, 0, 2, 1, 2, 3, 4, false);
    expect(MarketUpdate.decode(encoder.take()).trades.length).toBe(1);
    const decoded = MarketUpdate.decode(big);
    expect([decoded.trades.length, decoded.depth?.bids.length, decoded.depth?.asks.length]).toEqual([2000, 50, 50]);
  });
});
