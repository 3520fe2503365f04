import { connectionLabel } from './connection-label';

describe('connectionLabel', () => {
  it('names each status', () => {
    expect(connectionLabel('idle', {}, undefined, 0)).toBe('Not connected');
    expect(connectionLabel('connecting', {}, undefined, 0)).toBe('Connecting\u2026');
    expect(connectionLabel('open', {}, undefined, 0)).toBe('Connected');
    expect(connectionLabel('closed', { code: 4101, reason: 'invalid token' }, undefined, 0)).toBe('Disconnected: invalid token');
    expect(connectionLabel('closed', { code: 1006 }, undefined, 0)).toBe('Disconnected: code 1006');
  });

  it('counts down to the next attempt', () => {
    const detail = { code: 4300, reason: 'server draining', retryInMs: 2_500, attempt: 2 };
    expect(connectionLabel('reconnecting', detail, 10_000, 7_500)).toBe('Reconnecting in 3 s (attempt 2): server draining');
    expect(connectionLabel('reconnecting', detail, 10_000, 9_100)).toBe('Reconnecting in 1 s (attempt 2): server draining');
    expect(connectionLabel('reconnecting', detail, 10_000, 12_000)).toBe('Reconnecting in 0 s (attempt 2): server draining');
    expect(connectionLabel('reconnecting', {}, undefined, 0)).toBe('Reconnecting');
  });
});
