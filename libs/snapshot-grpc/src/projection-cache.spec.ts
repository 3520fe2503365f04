import { MarketUpdate, MODE_FIELDS, projectUpdate, SubscriptionMode } from '@tickwire/protocol';
import { ProjectionCache } from './projection-cache';

function stored(symbol: string, epoch: bigint, seq: bigint, ltp: number): { symbol: string; epoch: bigint; seq: bigint; data: Uint8Array } {
  const update = MarketUpdate.fromPartial({ symbol, epoch, seq, ltp, lastSize: 10n, quote: { bidPrice: ltp - 1, bidSize: 5n, askPrice: ltp + 1, askSize: 6n }, depth: { bids: [{ price: ltp - 1, size: 5n, orders: 1 }], asks: [] }, volume: 100n, snapshot: true, changed: 0xff });
  return { symbol, epoch, seq, data: MarketUpdate.encode(update).finish() };
}

function expected(entry: { data: Uint8Array }, mode: SubscriptionMode): Uint8Array {
  return MarketUpdate.encode(projectUpdate(MarketUpdate.decode(entry.data), MODE_FIELDS[mode])).finish();
}

describe('ProjectionCache', () => {
  it('projects exactly as decode + projectUpdate + encode, per mode', () => {
    const cache = new ProjectionCache(10);
    const entry = stored('AAPL', 1n, 5n, 1_000);
    for (const mode of [SubscriptionMode.LTP, SubscriptionMode.QUOTE]) expect(cache.project(entry, mode)).toEqual(expected(entry, mode));
  });

  it('reuses the bytes while the (epoch, seq) is the same, and projects again when either changes', () => {
    const cache = new ProjectionCache(10);
    const first = cache.project(stored('AAPL', 1n, 5n, 1_000), SubscriptionMode.QUOTE);
    expect(cache.project(stored('AAPL', 1n, 5n, 1_000), SubscriptionMode.QUOTE)).toBe(first);
    const newerSeq = stored('AAPL', 1n, 6n, 2_000);
    expect(cache.project(newerSeq, SubscriptionMode.QUOTE)).toEqual(expected(newerSeq, SubscriptionMode.QUOTE));
    const newEpoch = stored('AAPL', 2n, 6n, 3_000);
    expect(cache.project(newEpoch, SubscriptionMode.QUOTE)).toEqual(expected(newEpoch, SubscriptionMode.QUOTE));
  });

  it('keeps the modes apart', () => {
    const cache = new ProjectionCache(10);
    const entry = stored('AAPL', 1n, 5n, 1_000);
    const quote = cache.project(entry, SubscriptionMode.QUOTE);
    const ltp = cache.project(entry, SubscriptionMode.LTP);
    expect(ltp).toEqual(expected(entry, SubscriptionMode.LTP));
    expect(ltp).not.toEqual(quote);
    expect(cache.project(entry, SubscriptionMode.QUOTE)).toBe(quote);
  });

  it('holds at most maxEntries symbols per mode, evicting the oldest first', () => {
    const cache = new ProjectionCache(2);
    const a = cache.project(stored('A', 1n, 1n, 1), SubscriptionMode.LTP);
    cache.project(stored('B', 1n, 1n, 2), SubscriptionMode.LTP);
    cache.project(stored('C', 1n, 1n, 3), SubscriptionMode.LTP);
    expect(cache.size(SubscriptionMode.LTP)).toBe(2);
    expect(cache.project(stored('A', 1n, 1n, 1), SubscriptionMode.LTP)).not.toBe(a);
  });

  it('refuses a size below 1', () => {
    expect(() => new ProjectionCache(0)).toThrow(/maxEntries/);
  });
});
