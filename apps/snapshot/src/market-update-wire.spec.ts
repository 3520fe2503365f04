import fc from 'fast-check';
import { MarketUpdate, TradeKind } from '@tickwire/protocol';
import { compareUint64, MarketUpdateReader, storedSnapshotBytes, uint64, type TradeFields } from './market-update-wire';

const UINT64_MAX = (1n << 64n) - 1n;

function update(overrides: Partial<MarketUpdate> = {}): MarketUpdate {
  return MarketUpdate.fromPartial({
    symbol: 'AAPL',
    seq: 42n,
    epoch: 1_700_000_000_000n,
    exchangeTsNs: 34_200_123_456_789n,
    ingestTsNs: 1_700_000_000_000_000_001n,
    publishTsNs: 1_700_000_000_123_456_789n,
    ltp: 1_234_500,
    quote: { bidPrice: 1, bidSize: 2n, askPrice: 3, askSize: 4n },
    volume: 1_000n,
    vwap: 1234.5,
    depth: { bids: [{ price: 1, size: 2n, orders: 3 }], asks: [] },
    trades: [
      { price: 1_234_500, size: 100n, matchNumber: 77n, exchangeTsNs: 34_200_000_000_001n, kind: TradeKind.CONTINUOUS },
      { price: 1_234_600, size: 5n, matchNumber: 78n, exchangeTsNs: 34_260_000_000_000n, kind: TradeKind.CROSS_OPEN },
    ],
    status: 1,
    changed: 0x41,
    ...overrides,
  });
}

describe('MarketUpdateReader', () => {
  const reader = new MarketUpdateReader();
  const trade: TradeFields = { price: 0, size: 0, matchNumber: 0, exchangeTsNs: 0 };

  it('reads symbol, seq, epoch, publish time and every trade print of a generated update', () => {
    const bytes = MarketUpdate.encode(update()).finish();
    expect(reader.read(bytes, bytes.length)).toBe(true);
    expect(Buffer.from(bytes.subarray(reader.symbolStart, reader.symbolEnd)).toString()).toBe('AAPL');
    expect(uint64(reader.seqHi, reader.seqLo)).toBe(42n);
    expect(uint64(reader.epochHi, reader.epochLo)).toBe(1_700_000_000_000n);
    expect(reader.publishTsMs).toBeCloseTo(1_700_000_000_123.457, 2);
    expect(reader.tradeCount).toBe(2);
    expect(reader.readTrade(bytes, 1, trade)).toBe(true);
    expect(trade).toEqual({ price: 1_234_600, size: 5, matchNumber: 78, exchangeTsNs: 34_260_000_000_000 });
  });

  it('reads any uint64 seq and epoch exactly (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: UINT64_MAX }), fc.bigInt({ min: 0n, max: UINT64_MAX }), (seq, epoch) => {
        const bytes = MarketUpdate.encode(update({ seq, epoch, trades: [] })).finish();
        expect(reader.read(bytes, bytes.length)).toBe(true);
        expect(uint64(reader.seqHi, reader.seqLo)).toBe(seq);
        expect(uint64(reader.epochHi, reader.epochLo)).toBe(epoch);
      }),
    );
  });

  it('orders (hi, lo) pairs as the uint64s they are', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: UINT64_MAX }), fc.bigInt({ min: 0n, max: UINT64_MAX }), (a, b) => {
        const order = compareUint64(Number(a >> 32n), Number(a & 0xffffffffn), Number(b >> 32n), Number(b & 0xffffffffn));
        expect(Math.sign(order)).toBe(a === b ? 0 : a < b ? -1 : 1);
      }),
    );
  });

  it('never throws on truncated or mutated bytes, and refuses an update without a symbol', () => {
    const bytes = MarketUpdate.encode(update()).finish();
    for (let end = 0; end < bytes.length; end += 1) expect(() => reader.read(bytes, end)).not.toThrow();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (garbage) => {
        if (reader.read(garbage, garbage.length)) for (let i = 0; i < reader.tradeCount; i += 1) reader.readTrade(garbage, i, trade);
      }),
    );
    const noSymbol = MarketUpdate.encode(update({ symbol: '' })).finish();
    expect(reader.read(noSymbol, noSymbol.length)).toBe(false);
    expect(reader.read(Uint8Array.of(0x0a, 0x05, 0x41), 3)).toBe(false);
  });
});

describe('storedSnapshotBytes', () => {
  it('is the same update with snapshot = true and no trade prints, every other field intact', () => {
    const original = update({ snapshot: false });
    const bytes = MarketUpdate.encode(original).finish();
    new MarketUpdateReader().read(bytes, bytes.length);
    expect(MarketUpdate.decode(storedSnapshotBytes(bytes, bytes.length))).toEqual({ ...original, trades: [], snapshot: true });
  });

  it('keeps a single snapshot flag when the input already had one', () => {
    const bytes = MarketUpdate.encode(update({ snapshot: true, trades: [] })).finish();
    const stored = storedSnapshotBytes(bytes, bytes.length);
    expect(stored.length).toBe(bytes.length);
    expect(MarketUpdate.decode(stored).snapshot).toBe(true);
  });
});
