import { MarketUpdate, TradingStatus } from '@tickwire/protocol';
import { symbolStateFromUpdate, SymbolStates } from './symbol-states';

function update(fields: Partial<MarketUpdate> & { seq: bigint }): MarketUpdate {
  return MarketUpdate.fromPartial({ symbol: 'AAPL', epoch: 1n, ...fields });
}

describe('SymbolStates (the merge rules of docs/protocol.md, Subscribe flow)', () => {
  it('holds nothing before a snapshot: deltas are ignored', () => {
    const states = new SymbolStates();
    expect(states.apply(update({ seq: 5n, ltp: 1 }), 'ltp', 0)).toBe('awaiting');
    expect(states.get('AAPL')).toBeUndefined();
  });

  it('applies a delta when prevSeq <= held < seq (prevSeq absent = seq - 1); seq <= held is a duplicate; prevSeq > held is a gap', () => {
    const states = new SymbolStates();
    expect(states.apply(update({ seq: 10n, snapshot: true, ltp: 1_000_000 }), 'ltp', 1)).toMatchObject({ seq: 10, ltp: 100 });
    expect(states.apply(update({ seq: 10n, ltp: 2 }), 'ltp', 2)).toBe('duplicate');
    expect(states.apply(update({ seq: 9n, ltp: 2 }), 'ltp', 2)).toBe('duplicate');
    expect(states.apply(update({ seq: 11n, ltp: 1_000_100 }), 'ltp', 3)).toMatchObject({ seq: 11, ltp: 100.01, updatedAtMs: 3 });
    // prevSeq below held: the delta carries everything since prevSeq, so it applies.
    expect(states.apply(update({ seq: 14n, prevSeq: 9n, ltp: 1_000_400 }), 'ltp', 4)).toMatchObject({ seq: 14, ltp: 100.04 });
    expect(states.apply(update({ seq: 17n, prevSeq: 14n, ltp: 1_000_700 }), 'ltp', 5)).toMatchObject({ seq: 17 });
    expect(states.apply(update({ seq: 20n, prevSeq: 18n, ltp: 1 }), 'ltp', 6)).toBe('gap');
    expect(states.get('AAPL')).toBeUndefined();
    expect(states.apply(update({ seq: 21n, ltp: 1 }), 'ltp', 7)).toBe('awaiting');
  });

  it('compares the exact 64-bit values, also beyond 2^53', () => {
    const states = new SymbolStates();
    const base = 1n << 60n; // Number(base + 1n) === Number(base): a number comparison would see a duplicate
    states.apply(update({ seq: base, epoch: base, snapshot: true, ltp: 1 }), 'ltp', 0);
    expect(states.apply(update({ seq: base + 1n, epoch: base, ltp: 2 }), 'ltp', 0)).toMatchObject({ ltp: 0.0002 });
    expect(states.apply(update({ seq: base + 1n, epoch: base, ltp: 3 }), 'ltp', 0)).toBe('duplicate');
    expect(states.apply(update({ seq: base + 3n, epoch: base, ltp: 3 }), 'ltp', 0)).toBe('gap');
    states.apply(update({ seq: base + 3n, epoch: base, snapshot: true, ltp: 3 }), 'ltp', 0);
    expect(states.apply(update({ seq: base + 4n, epoch: base + 1n, ltp: 4 }), 'ltp', 0)).toBe('epoch');
  });

  it('a snapshot replaces when not older (same epoch, seq >= held) or of another epoch; an older one is dropped', () => {
    const states = new SymbolStates();
    states.apply(update({ seq: 10n, snapshot: true, ltp: 1_000_000, volume: 5n }), 'quote', 0);
    expect(states.apply(update({ seq: 9n, snapshot: true, ltp: 2 }), 'quote', 1)).toBe('older');
    expect(states.apply(update({ seq: 10n, snapshot: true, ltp: 2_000_000 }), 'quote', 2)).toEqual({ symbol: 'AAPL', mode: 'quote', seq: 10, epoch: 1, ltp: 200, bids: [], asks: [], stale: false, updatedAtMs: 2 });
    expect(states.apply(update({ seq: 1n, epoch: 2n, snapshot: true, ltp: 3_000_000 }), 'quote', 3)).toMatchObject({ seq: 1, epoch: 2, ltp: 300 });
    // Epochs are not ordered: any other epoch replaces.
    expect(states.apply(update({ seq: 1n, epoch: 1n, snapshot: true, ltp: 4_000_000 }), 'quote', 4)).toMatchObject({ epoch: 1, ltp: 400 });
  });

  it('a delta of another epoch discards the state', () => {
    const states = new SymbolStates();
    states.apply(update({ seq: 10n, snapshot: true }), 'ltp', 0);
    expect(states.apply(update({ seq: 11n, epoch: 2n }), 'ltp', 0)).toBe('epoch');
    expect(states.get('AAPL')).toBeUndefined();
  });

  it('absent fields are unchanged; depth replaces both sides; an empty quote side (0 / 0) is undefined; every update makes a new object', () => {
    const states = new SymbolStates();
    const first = states.apply(
      update({ seq: 1n, snapshot: true, quote: { bidPrice: 1_000_000, bidSize: 5n, askPrice: 1_000_100, askSize: 6n }, depth: { bids: [{ price: 1_000_000, size: 5n, orders: 1 }], asks: [{ price: 1_000_100, size: 6n, orders: 2 }] }, status: TradingStatus.TRADING, stale: true }),
      'full',
      0,
    );
    if (typeof first === 'string') throw new Error(first);
    const bids = first.bids;
    const second = states.apply(update({ seq: 2n, quote: { bidPrice: 0, bidSize: 0n, askPrice: 1_000_200, askSize: 1n }, status: TradingStatus.HALTED }), 'full', 1);
    if (typeof second === 'string') throw new Error(second);
    expect(second).not.toBe(first);
    expect(first).toMatchObject({ seq: 1, bid: 100, status: 'trading', stale: true }); // the old object is untouched
    expect(second).toMatchObject({ seq: 2, bid: undefined, bidSize: undefined, ask: 100.02, askSize: 1, status: 'halted', stale: false });
    expect(second.bids).toBe(bids); // unchanged depth is shared, never mutated
    const third = states.apply(update({ seq: 3n, depth: { bids: [], asks: [{ price: 1_000_300, size: 9n, orders: 3 }] } }), 'full', 2);
    expect(third).toMatchObject({ bids: [], asks: [{ price: 100.03, size: 9, orders: 3 }], ask: 100.02 });
  });

  it('symbolStateFromUpdate converts units: prices / 10000, sizes and timestamps to numbers', () => {
    const state = symbolStateFromUpdate(
      update({ seq: 7n, snapshot: true, ltp: 4_294_967_295, lastSize: 100n, ohlc: { open: 1, high: 2, low: 0, close: 1 }, volume: 123n, vwap: 1_234_567.5, exchangeTsNs: 86_399_999_999_999n, publishTsNs: 1_732_400_000_123_456_789n, status: TradingStatus.QUOTATION_ONLY }),
      'quote',
      42,
    );
    expect(state).toEqual({
      symbol: 'AAPL',
      mode: 'quote',
      seq: 7,
      epoch: 1,
      ltp: 429_496.7295,
      lastSize: 100,
      open: 0.0001,
      high: 0.0002,
      low: 0,
      close: 0.0001,
      volume: 123,
      vwap: 123.45675,
      bids: [],
      asks: [],
      status: 'quotation_only',
      stale: false,
      exchangeTsNs: 86_399_999_999_999,
      publishTsMs: 1_732_400_000_123.456, // microsecond resolution
      updatedAtMs: 42,
    });
  });
});
