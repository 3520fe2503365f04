import { TradeKind, TradeRing } from './trade-ring';

describe('TradeRing', () => {
  it('numbers prints and keeps the last `capacity` of them', () => {
    const ring = new TradeRing(4);
    for (let i = 0; i < 6; i++) ring.push(100 + i, 10 + i, 1000 + i, 5e12 + i, TradeKind.CONTINUOUS);
    expect([ring.total, ring.oldest]).toEqual([6, 2]);
    const held = [];
    for (let n = ring.oldest; n < ring.total; n++) held.push([ring.price(n), ring.size(n), ring.matchNumber(n), ring.timestampNs(n), ring.kind(n)]);
    expect(held).toEqual([2, 3, 4, 5].map((i) => [100 + i, 10 + i, 1000 + i, 5e12 + i, 1]));
  });

  it('holds u64-sized shares and match numbers exactly (below 2^53)', () => {
    const ring = new TradeRing(1);
    ring.push(1, 2 ** 40 + 1, 2 ** 52 + 3, 0, TradeKind.CROSS_OPEN);
    expect([ring.size(0), ring.matchNumber(0), ring.kind(0), ring.oldest]).toEqual([2 ** 40 + 1, 2 ** 52 + 3, 2, 0]);
  });
});
