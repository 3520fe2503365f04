import fc from 'fast-check';
import { EdgeError } from './errors';
import { MessageRateLimiter } from './message-rate-limiter';

function takeAll(limiter: MessageRateLimiter, nowMs: number): number {
  let n = 0;
  while (limiter.tryTake(nowMs)) n++;
  return n;
}

describe('MessageRateLimiter', () => {
  it('allows a burst, then refills at the rate', () => {
    const limiter = new MessageRateLimiter({ ratePerSec: 10, burst: 5 }, 0);
    expect(takeAll(limiter, 0)).toBe(5);
    expect(limiter.tryTake(99)).toBe(false);
    expect(limiter.tryTake(100)).toBe(true); // 10/s = one per 100 ms
    expect(limiter.tryTake(100)).toBe(false);
    expect(takeAll(limiter, 350)).toBe(2); // 250 ms: 2.5 tokens
    expect(limiter.available(400)).toBeCloseTo(1);
  });

  it('never holds more than burst, however long the quiet', () => {
    const limiter = new MessageRateLimiter({ ratePerSec: 1000, burst: 3 }, 0);
    expect(takeAll(limiter, 1e9)).toBe(3);
  });

  it('starts full at the first call when no start time is given', () => {
    const limiter = new MessageRateLimiter({ ratePerSec: 1, burst: 2 });
    expect(takeAll(limiter, 123_456)).toBe(2);
    expect(limiter.tryTake(124_456)).toBe(true);
  });

  it('a clock going backwards adds nothing and re-anchors', () => {
    const limiter = new MessageRateLimiter({ ratePerSec: 10, burst: 2 }, 1000);
    expect(takeAll(limiter, 1000)).toBe(2);
    expect(limiter.tryTake(500)).toBe(false);
    expect(limiter.tryTake(599)).toBe(false);
    expect(limiter.tryTake(600)).toBe(true); // 100 ms after the re-anchor point
  });

  it('takes a cost of several tokens at once or nothing', () => {
    const limiter = new MessageRateLimiter({ ratePerSec: 1, burst: 10 }, 0);
    expect(limiter.tryTake(0, 8)).toBe(true);
    expect(limiter.tryTake(0, 3)).toBe(false);
    expect(limiter.available(0)).toBe(2);
  });

  it.each([
    [{ ratePerSec: 0, burst: 1 }, 'ratePerSec must be a number > 0, got 0'],
    [{ ratePerSec: Infinity, burst: 1 }, 'ratePerSec must be a number > 0, got Infinity'],
    [{ ratePerSec: 1, burst: 0 }, 'burst must be a whole number >= 1, got 0'],
    [{ ratePerSec: 1, burst: 2.5 }, 'burst must be a whole number >= 1, got 2.5'],
  ])('rejects %j', (options, detail) => {
    expect(() => new MessageRateLimiter(options)).toThrow(new EdgeError('EDGE_ERR_LIMIT_OPTION', detail));
  });

  it('property: over any window of a monotonic clock, takes <= burst + rate * elapsed, and a patient client is never refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 300 }), (ratePerSec, burst, steps) => {
        const limiter = new MessageRateLimiter({ ratePerSec, burst }, 0);
        let now = 0;
        let taken = 0;
        for (const step of steps) {
          now += step;
          if (limiter.tryTake(now)) taken++;
          expect(taken).toBeLessThanOrEqual(burst + (ratePerSec * now) / 1000 + 1e-9);
          expect(limiter.available(now)).toBeGreaterThanOrEqual(0);
          expect(limiter.available(now)).toBeLessThanOrEqual(burst);
        }
        // After a full refill period everything is available again.
        expect(takeAll(limiter, now + Math.ceil((burst * 1000) / ratePerSec))).toBe(burst);
      }),
    );
  });

  it('property: a clock that jumps around never lets the bucket exceed burst or go negative', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { maxLength: 200 }), (times) => {
        const limiter = new MessageRateLimiter({ ratePerSec: 50, burst: 5 }, 0);
        for (const t of times) {
          limiter.tryTake(t);
          const available = limiter.available(t);
          expect(available).toBeGreaterThanOrEqual(0);
          expect(available).toBeLessThanOrEqual(5);
        }
      }),
    );
  });
});
