import fc from 'fast-check';
import { SequenceRanges } from './sequence-ranges';

describe('SequenceRanges', () => {
  it('merges overlapping and adjacent ranges', () => {
    const r = new SequenceRanges();
    r.add(10, 12);
    r.add(20, 25);
    r.add(12, 14);
    expect(r.toArray()).toEqual([
      [10, 14],
      [20, 25],
    ]);
    r.add(5, 21);
    expect(r.toArray()).toEqual([[5, 25]]);
    r.removeBelow(7);
    expect([r.first, r.firstEnd, r.size]).toEqual([7, 25, 1]);
    r.removeBelow(30);
    expect(r.isEmpty).toBe(true);
    expect(r.first).toBe(Infinity);
  });

  it('behaves like a set of integers (model-based)', () => {
    const op = fc.oneof(
      fc.tuple(fc.constant('add' as const), fc.nat(60), fc.nat(8)),
      fc.tuple(fc.constant('below' as const), fc.nat(70), fc.constant(0)),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const r = new SequenceRanges();
        const model = new Set<number>();
        for (const [kind, a, n] of ops) {
          if (kind === 'add') {
            r.add(a, a + n);
            for (let s = a; s < a + n; s++) model.add(s);
          } else {
            r.removeBelow(a);
            for (const s of [...model]) if (s < a) model.delete(s);
          }
          for (let s = 0; s < 80; s++) expect(r.has(s)).toBe(model.has(s));
          const pairs = r.toArray();
          for (let i = 0; i < pairs.length; i++) {
            expect(pairs[i]![0]).toBeLessThan(pairs[i]![1]);
            if (i > 0) expect(pairs[i]![0]).toBeGreaterThan(pairs[i - 1]![1]);
          }
          expect(r.first).toBe(model.size === 0 ? Infinity : Math.min(...model));
        }
      }),
      { numRuns: 300 },
    );
  });
});
