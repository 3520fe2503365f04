import { barPercents, depthLadder } from './depth-ladder';

const level = (price: number, size: number, orders = 1) => ({ price, size, orders });

describe('barPercents', () => {
  it('scales sizes to the largest, one decimal, never an invisible bar for a non-zero size', () => {
    expect(barPercents([100, 50, 1, 0], 100)).toEqual([100, 50, 1, 0]);
    expect(barPercents([1, 3], 3)).toEqual([33.3, 100]);
    expect(barPercents([1], 100_000)).toEqual([1]);
    expect(barPercents([5], 0)).toEqual([0]);
  });
});

describe('depthLadder', () => {
  const bids = [level(100.0, 300, 3), level(99.99, 600, 2), level(99.98, 100)];
  const asks = [level(100.02, 200), level(100.03, 1_200, 4)];

  it('puts asks highest first (best just above the spread) and bids best first, scaled together', () => {
    const view = depthLadder(bids, asks);
    expect(view.asks.map((r) => [r.price, r.size, r.orders, r.barPercent])).toEqual([
      ['100.03', '1,200', '4', 100],
      ['100.02', '200', '1', 16.7],
    ]);
    expect(view.bids.map((r) => [r.price, r.size, r.barPercent])).toEqual([
      ['100.00', '300', 25],
      ['99.99', '600', 50],
      ['99.98', '100', 8.3],
    ]);
    expect(view.spread).toBe('0.02');
  });

  it('shows at most `levels` per side, and the scale only counts what is shown', () => {
    const view = depthLadder(bids, asks, 1);
    expect(view.bids.map((r) => r.price)).toEqual(['100.00']);
    expect(view.asks.map((r) => r.price)).toEqual(['100.02']);
    expect(view.bids[0]!.barPercent).toBe(100);
    expect(view.asks[0]!.barPercent).toBe(66.7);
  });

  it('has no spread with an empty side', () => {
    expect(depthLadder(bids, []).spread).toBeUndefined();
    expect(depthLadder([], []).bids).toEqual([]);
  });
});
