import fc from 'fast-check';
import { OrderTable } from './order-table';

describe('OrderTable', () => {
  it('inserts, finds, updates and removes orders by ref', () => {
    const t = new OrderTable(4);
    const slot = t.insert(42, 7, 1, 100_000, 300);
    expect(t.find(42)).toBe(slot);
    expect([t.refAt(slot), t.locateAt(slot), t.sideAt(slot), t.priceAt(slot), t.sharesAt(slot)]).toEqual([42, 7, 1, 100_000, 300]);
    t.setShares(slot, 200);
    expect(t.sharesAt(t.find(42))).toBe(200);
    expect(t.insert(42, 1, 0, 1, 1)).toBe(-1); // duplicate: unchanged
    expect(t.sharesAt(t.find(42))).toBe(200);
    t.remove(t.find(42));
    expect([t.find(42), t.size]).toEqual([-1, 0]);
  });

  it('keeps refs above 2^32 exact and distinct from their low halves', () => {
    const t = new OrderTable(4);
    const refs = [5, 2 ** 32 + 5, 2 ** 33 + 5, 2 ** 52 + 5, 2 ** 53 - 1, 0];
    refs.forEach((r, i) => t.insert(r, i, 0, i, i));
    for (const [i, r] of refs.entries()) expect(t.locateAt(t.find(r))).toBe(i);
    t.remove(t.find(2 ** 32 + 5));
    expect(t.find(2 ** 32 + 5)).toBe(-1);
    expect(t.locateAt(t.find(5))).toBe(0);
    expect(t.locateAt(t.find(2 ** 33 + 5))).toBe(2);
  });

  it('frees slots on removal: capacity follows live orders, not history', () => {
    const t = new OrderTable(1024);
    const capacity = t.capacity;
    for (let ref = 1; ref <= 1_000_000; ref++) {
      t.insert(ref, 1, 0, 1, 1);
      if (ref > 500) t.remove(t.find(ref - 500));
    }
    expect(t.size).toBe(500);
    expect(t.capacity).toBe(capacity);
  });

  it('keeps probe runs short for sequential refs (as Nasdaq assigns them), so deletes stay cheap', () => {
    const t = new OrderTable(1 << 17);
    for (let ref = 1; ref <= 100_000; ref++) t.insert(2 ** 32 + ref, 1, 0, 1, 1);
    // An identity hash would put all 100,000 in one run, and every delete would shift through it.
    expect(t.longestRun()).toBeLessThan(200);
  });

  it('behaves like a Map under random inserts and removals (backward-shift deletion, growth)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.oneof(fc.integer({ min: 0, max: 300 }), fc.maxSafeNat())), { maxLength: 400 }),
        (ops) => {
          const t = new OrderTable(1);
          const m = new Map<number, number>();
          for (const [insert, ref] of ops) {
            if (insert) {
              const slot = t.insert(ref, 0, 0, 0, ref % 1000);
              expect(slot < 0).toBe(m.has(ref));
              if (!m.has(ref)) m.set(ref, ref % 1000);
            } else {
              const slot = t.find(ref);
              expect(slot >= 0).toBe(m.has(ref));
              if (slot >= 0) t.remove(slot);
              m.delete(ref);
            }
          }
          expect(t.size).toBe(m.size);
          for (const [ref, shares] of m) expect(t.sharesAt(t.find(ref))).toBe(shares);
          const seen: number[] = [];
          t.forEach((slot) => seen.push(t.refAt(slot)));
          expect(seen.sort((a, b) => a - b)).toEqual([...m.keys()].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('clear() empties the table', () => {
    const t = new OrderTable(4);
    t.insert(1, 0, 0, 0, 0);
    t.clear();
    expect([t.size, t.find(1)]).toEqual([0, -1]);
  });
});
