import fc from 'fast-check';
import { LevelArena, PriceLadder } from './price-ladder';

function rows(l: PriceLadder): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let r = 0; r < l.length; r++) out.push([l.priceAt(r), l.sizeAt(r), l.ordersAt(r)]);
  return out;
}

describe('PriceLadder', () => {
  it('orders bids best (highest) first and asks best (lowest) first', () => {
    const bids = new PriceLadder(true, 2);
    const asks = new PriceLadder(false, 2);
    for (const p of [100, 300, 200, 50]) {
      bids.adjust(p, 10, 1);
      asks.adjust(p, 10, 1);
    }
    expect(rows(bids).map((r) => r[0])).toEqual([300, 200, 100, 50]);
    expect(rows(asks).map((r) => r[0])).toEqual([50, 100, 200, 300]);
    expect([bids.bestPrice, asks.bestPrice, bids.bestSize, asks.bestOrders]).toEqual([300, 50, 10, 1]);
  });

  it('returns the rank touched: after insertion, before removal; -1 when nothing changed', () => {
    const bids = new PriceLadder(true);
    expect(bids.adjust(100, 10, 1)).toBe(0);
    expect(bids.adjust(90, 10, 1)).toBe(1);
    expect(bids.adjust(110, 10, 1)).toBe(0);
    expect(bids.adjust(90, 5, 1)).toBe(2);
    expect(bids.adjust(90, -15, -2)).toBe(2);
    expect(bids.adjust(100, 0, 0)).toBe(-1);
    expect(bids.adjust(95, -1, -1)).toBe(-1); // no such level
    expect(bids.rankOf(100)).toBe(1);
    expect(bids.rankOf(95)).toBe(-1);
    expect(rows(bids)).toEqual([[110, 10, 1], [100, 10, 1]]);
  });

  it('empty side: price and size 0', () => {
    const asks = new PriceLadder(false);
    expect([asks.length, asks.bestPrice, asks.bestSize, asks.bestOrders]).toEqual([0, 0, 0, 0]);
    asks.adjust(0xffffffff, 1, 1);
    expect(asks.bestPrice).toBe(0xffffffff);
    asks.clear();
    expect(asks.length).toBe(0);
  });

  it('matches a naive sorted map under random level changes, deep books included', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 1000 }), fc.boolean()), { maxLength: 300 }), (isBid, ops) => {
        const ladder = new PriceLadder(isBid, 1);
        const naive = new Map<number, [number, number]>();
        for (const [tick, shares, add] of ops) {
          const price = tick * 100;
          const level = naive.get(price);
          const sorted = () => [...naive.keys()].sort((a, b) => (isBid ? b - a : a - b));
          if (add) {
            naive.set(price, level ? [level[0] + shares, level[1] + 1] : [shares, 1]);
            expect(ladder.adjust(price, shares, 1)).toBe(sorted().indexOf(price));
          } else if (level) {
            const rank = sorted().indexOf(price);
            const removeOrder = level[1] === 1 || shares % 2 === 0 ? -1 : 0;
            const take = removeOrder === -1 && level[1] === 1 ? level[0] : Math.min(shares, level[0]);
            if (level[1] + removeOrder === 0) naive.delete(price);
            else naive.set(price, [level[0] - take, level[1] + removeOrder]);
            expect(ladder.adjust(price, -take, removeOrder)).toBe(take === 0 && removeOrder === 0 ? -1 : rank);
          }
        }
        const expected = [...naive.entries()].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0])).map(([p, [s, c]]) => [p, s, c]);
        expect(rows(ladder)).toEqual(expected);
      }),
    );
  });

  it('keeps ladders sharing one arena independent while they grow, move and the arena itself grows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1000 }), fc.boolean()), { maxLength: 400 }),
        (sides, ops) => {
          const arena = new LevelArena(2);
          const ladders = sides.map((isBid) => new PriceLadder(isBid, 1, arena));
          const naive = sides.map(() => new Map<number, [number, number]>());
          for (const [which, tick, shares, add] of ops) {
            const i = which % ladders.length;
            const price = tick * 100;
            const level = naive[i]!.get(price);
            if (add) {
              naive[i]!.set(price, level ? [level[0] + shares, level[1] + 1] : [shares, 1]);
              ladders[i]!.adjust(price, shares, 1);
            } else if (level) {
              if (level[1] === 1) naive[i]!.delete(price);
              else naive[i]!.set(price, [level[0] - Math.min(shares, level[0]), level[1] - 1]);
              ladders[i]!.adjust(price, level[1] === 1 ? -level[0] : -Math.min(shares, level[0]), -1);
            }
          }
          ladders.forEach((ladder, i) => {
            const expected = [...naive[i]!.entries()].sort((a, b) => (sides[i] ? b[0] - a[0] : a[0] - b[0])).map(([p, [s, c]]) => [p, s, c]);
            expect(rows(ladder)).toEqual(expected);
          });
        },
      ),
    );
  });

  it('uses arena space for the deepest a book got (its regions double as it grows), not for the number of level changes', () => {
    const arena = new LevelArena(4);
    const ladder = new PriceLadder(true, 2, arena);
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 16; i++) ladder.adjust(1000 + i, 1, 1);
      for (let i = 0; i < 16; i++) ladder.adjust(1000 + i, -1, -1);
    }
    expect(ladder.length).toBe(0);
    expect(arena.levelsInUse).toBeLessThanOrEqual(2 + 4 + 8 + 16);
  });

  it("numbers ladders 0, 1, 2, ... and keeps each one's levels and top N apart while the header table grows", () => {
    const arena = new LevelArena(1, 1);
    const ids = Array.from({ length: 100 }, (_, i) => arena.createLadder(i % 2 === 1, 1));
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(arena.ladderCount).toBe(100);
    // Ladder i gets levels at prices i*1000 + k for k < 3 + (i % 5), added interleaved across ladders.
    for (let k = 0; k < 8; k++) for (const id of ids) if (k < 3 + (id % 5)) arena.adjust(id, id * 1000 + k, 10 * k + 1, 1);
    for (const id of ids) {
      const depth = 3 + (id % 5);
      const prices = Array.from({ length: depth }, (_, k) => id * 1000 + k);
      if (arena.isBid(id)) prices.reverse();
      expect(arena.length(id)).toBe(depth);
      expect(Array.from({ length: 3 }, (_, r) => arena.priceAt(id, r))).toEqual(prices.slice(0, 3));
      expect(arena.bestPrice(id)).toBe(prices[0]);
      expect(arena.bestSize(id)).toBe(10 * (prices[0]! - id * 1000) + 1);
    }
    // Removing the best level of one ladder leaves its neighbours (same arena, adjacent ids) untouched.
    expect(arena.adjust(41, 41_000 + 3 + (41 % 5) - 1, -1, -1)).toBe(0);
    expect([arena.length(40), arena.length(41), arena.length(42)]).toEqual([3, 3, 5]);
    arena.clear(41);
    expect([arena.length(41), arena.bestPrice(41), arena.length(42)]).toEqual([0, 0, 5]);
  });
});
