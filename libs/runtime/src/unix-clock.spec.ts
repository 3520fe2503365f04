import { createUnixNanoClock } from './unix-clock';

describe('createUnixNanoClock', () => {
  it('reads Unix time in nanoseconds, close to the wall clock and never going backwards', () => {
    const now = createUnixNanoClock();
    const first = now();
    const wall = BigInt(Date.now()) * 1_000_000n;
    expect(first > wall - 1_000_000_000n && first < wall + 1_000_000_000n).toBe(true);
    let previous = first;
    for (let i = 0; i < 1_000; i++) {
      const next = now();
      expect(next >= previous).toBe(true);
      previous = next;
    }
  });
});
