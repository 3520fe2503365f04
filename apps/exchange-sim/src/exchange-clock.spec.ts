import { ExchangeClock } from './exchange-clock';

const MS = 1_000_000;

describe('ExchangeClock', () => {
  it('starts at the first message and advances with real time times the speed', () => {
    const clock = new ExchangeClock({ speed: 2, maxIdleNs: 500 * MS });
    expect(clock.horizon(0, 34_200_000 * MS)).toBe(34_200_000 * MS);
    expect(clock.horizon(10 * MS, 34_200_001 * MS)).toBe(34_200_000 * MS + 20 * MS);
  });

  it('compresses a quiet gap longer than maxIdle down to maxIdle', () => {
    const clock = new ExchangeClock({ speed: 1, maxIdleNs: 100 * MS });
    clock.horizon(0, 3 * 3600e9); // first message at 03:00
    // The next message is an hour later: the clock jumps to 100 ms before it...
    const next = 4 * 3600e9;
    expect(clock.horizon(1 * MS, next)).toBe(next - 100 * MS);
    // ...and from there runs at real speed again: 100 ms later the message is due.
    expect(clock.horizon(101 * MS, next)).toBe(next);
  });

  it('never goes backwards when real time stands still or the next message is behind', () => {
    const clock = new ExchangeClock({ speed: 1, maxIdleNs: 100 * MS });
    const a = clock.horizon(5 * MS, 1_000 * MS);
    const b = clock.horizon(5 * MS, 900 * MS);
    expect(b).toBeGreaterThanOrEqual(a);
  });

  it('with speed 0 lets everything through at once (as fast as possible)', () => {
    const clock = new ExchangeClock({ speed: 0, maxIdleNs: 100 * MS });
    expect(clock.horizon(0, 1)).toBe(Number.POSITIVE_INFINITY);
  });
});
