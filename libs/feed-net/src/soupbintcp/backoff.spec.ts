import { DEFAULT_SOUPBINTCP_RECONNECT_BASE_MS, DEFAULT_SOUPBINTCP_RECONNECT_MAX_MS, ReconnectBackoff } from './backoff';

describe('ReconnectBackoff', () => {
  it('doubles the ceiling per attempt up to the cap, and reset() starts over', () => {
    const b = new ReconnectBackoff(100, 5_000, () => 0.999_999);
    const delays = Array.from({ length: 10 }, () => b.next());
    expect(delays).toEqual([99, 199, 399, 799, 1599, 3199, 4999, 4999, 4999, 4999]);
    expect(b.attempts).toBe(10);
    b.reset();
    expect(b.next()).toBe(99);
  });

  it('uses full jitter: the delay is random * ceiling, from 0', () => {
    const values = [0, 0.5, 0.25];
    const b = new ReconnectBackoff(100, 5_000, () => values.shift()!);
    expect([b.next(), b.next(), b.next()]).toEqual([0, 100, 100]);
  });

  it('never exceeds the cap, even after very many attempts', () => {
    const b = new ReconnectBackoff(DEFAULT_SOUPBINTCP_RECONNECT_BASE_MS, DEFAULT_SOUPBINTCP_RECONNECT_MAX_MS, () => 0.999);
    for (let i = 0; i < 5_000; i++) expect(b.next()).toBeLessThan(DEFAULT_SOUPBINTCP_RECONNECT_MAX_MS);
    expect(b.ceilingMs()).toBe(DEFAULT_SOUPBINTCP_RECONNECT_MAX_MS);
  });

  it('rejects invalid bounds, naming the option', () => {
    expect(() => new ReconnectBackoff(0, 10)).toThrow(/reconnectBaseMs/);
    expect(() => new ReconnectBackoff(100, 50)).toThrow(/reconnectMaxMs/);
    expect(() => new ReconnectBackoff(Number.NaN, 50)).toThrow(/reconnectBaseMs/);
  });
});
