import fc from 'fast-check';
import { ExactNotional } from './notional';

describe('ExactNotional', () => {
  it('stays exact beyond 2^53, where a plain double sum drifts', () => {
    const n = new ExactNotional();
    let naive = 0;
    let exact = 0n;
    // A hot symbol's day: prints of odd sizes at odd prices, notional far above 2^53.
    for (let i = 0; i < 20_000; i++) {
      const price = 1_999_999_999 - i * 7;
      const shares = 4_000_000_001 + i * 13;
      n.add(price, shares);
      naive += price * shares;
      exact += BigInt(price) * BigInt(shares);
    }
    expect(exact > 2n ** 53n).toBe(true);
    expect(n.toBigInt()).toBe(exact);
    expect(BigInt(naive)).not.toBe(exact); // the naive sum is wrong: the test can fail
    expect(n.value).toBe(Number(exact));
  });

  it('adds and subtracts exactly for any u32 price and shares up to 2^45 (vs BigInt; totals stay below the 2^85 bound)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 2 ** 45 })), fc.boolean()), { maxLength: 40 }), (ops) => {
        const n = new ExactNotional();
        let exact = 0n;
        const added: [number, number][] = [];
        for (const [price, shares, undo] of ops) {
          n.add(price, shares);
          exact += BigInt(price) * BigInt(shares);
          added.push([price, shares]);
          if (undo && added.length > 1) {
            const [p, s] = added.shift()!;
            n.subtract(p, s);
            exact -= BigInt(p) * BigInt(s);
          }
          expect(n.lo >= 0 && n.lo < 2 ** 32 && Number.isInteger(n.lo)).toBe(true);
        }
        expect(n.toBigInt()).toBe(exact);
      }),
    );
  });

  it('takes one print of shares close to 2^53 at the highest u32 price exactly', () => {
    const n = new ExactNotional();
    n.add(0xffffffff, 2 ** 53 - 1); // just below the 2^85 bound
    expect(n.toBigInt()).toBe(0xffffffffn * (2n ** 53n - 1n));
    n.subtract(0xfffffffe, 2 ** 53 - 3);
    expect(n.toBigInt()).toBe(0xffffffffn * (2n ** 53n - 1n) - 0xfffffffen * (2n ** 53n - 3n));
  });

  it('resets to zero', () => {
    const n = new ExactNotional();
    n.add(5, 7);
    n.reset();
    expect([n.hi, n.lo, n.value]).toEqual([0, 0, 0]);
  });
});
