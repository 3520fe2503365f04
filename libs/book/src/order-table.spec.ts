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

  it('holds an order in 16 bytes, and refs from 2^46 (or a price or locate the record cannot hold) exactly beside it', () => {
    const t = new OrderTable(64);
    expect(t.byteLength).toBe(t.capacity * 16);
    // Same low 32 bits, different high bits: compact, compact at the limit, and wide ones.
    const refs = [7, 2 ** 32 + 7, 2 ** 46 - 2 ** 32 + 7, 2 ** 46 + 7, 2 ** 52 + 7, 2 ** 53 - 1];
    refs.forEach((ref, i) => expect(t.insert(ref, 100 + i, i % 2, 1_000 + i, 10 + i)).toBeGreaterThanOrEqual(0));
    const wideSlot = t.insert(99, 200_000, 1, 2 ** 32 + 5, 2 ** 40); // locate, price and shares beyond the record's fields
    expect(wideSlot).toBeGreaterThanOrEqual(0);
    expect(t.wideCount).toBe(3 + 1);
    expect(t.size).toBe(refs.length + 1);
    for (const [i, ref] of refs.entries()) {
      const slot = t.find(ref);
      expect([t.refAt(slot), t.locateAt(slot), t.sideAt(slot), t.priceAt(slot), t.sharesAt(slot)]).toEqual([ref, 100 + i, i % 2, 1_000 + i, 10 + i]);
      expect(t.insert(ref, 1, 0, 1, 1)).toBe(-1); // duplicate, compact or wide
    }
    const w = t.find(99);
    expect([t.refAt(w), t.locateAt(w), t.sideAt(w), t.priceAt(w), t.sharesAt(w)]).toEqual([99, 200_000, 1, 2 ** 32 + 5, 2 ** 40]);
    t.setShares(t.find(2 ** 52 + 7), 3);
    expect(t.sharesAt(t.find(2 ** 52 + 7))).toBe(3);
    t.remove(t.find(2 ** 46 + 7));
    t.remove(t.find(2 ** 32 + 7));
    expect([t.find(2 ** 46 + 7), t.find(2 ** 32 + 7), t.size, t.wideCount]).toEqual([-1, -1, refs.length - 1, 3]);
    expect(t.refAt(t.find(2 ** 53 - 1))).toBe(2 ** 53 - 1);
    expect(t.refAt(t.find(7))).toBe(7);
    const seen: number[] = [];
    t.forEach((slot) => seen.push(t.refAt(slot)));
    expect(seen.sort((a, b) => a - b)).toEqual([7, 99, 2 ** 46 - 2 ** 32 + 7, 2 ** 52 + 7, 2 ** 53 - 1]);
    t.clear();
    expect([t.size, t.wideCount, t.find(2 ** 53 - 1), t.find(7)]).toEqual([0, 0, -1, -1]);
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
        fc.array(fc.tuple(fc.boolean(), fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 2 ** 46 - 40, max: 2 ** 46 + 40 }), fc.maxSafeNat())), { maxLength: 400 }),
        (ops) => {
          const t = new OrderTable(1);
          const m = new Map<number, number>();
          for (const [insert, ref] of ops) {
            if (insert) {
              const slot = t.insert(ref, ref % 65_536, ref % 2, ref % 4_294_967_296, ref % 1000);
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
          for (const [ref, shares] of m) {
            const slot = t.find(ref);
            expect([t.refAt(slot), t.locateAt(slot), t.sideAt(slot), t.priceAt(slot), t.sharesAt(slot)]).toEqual([ref, ref % 65_536, ref % 2, ref % 4_294_967_296, shares]);
          }
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
