import { CLOSE_CODES } from '@tickwire/protocol';
import { backoffDelay, closeDisposition } from './reconnect-policy';

describe('backoffDelay (full jitter)', () => {
  it('is random() * min(max, initial * 2^attempt)', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, 250, 30_000, () => 1))).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000]);
    expect(backoffDelay(7, 250, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(3, 250, 30_000, () => 0.5)).toBe(1_000);
    expect(backoffDelay(2, 250, 30_000, () => 0)).toBe(0);
  });

  it('stays at the cap for any attempt count', () => {
    expect(backoffDelay(5_000, 250, 30_000, () => 0.5)).toBe(15_000);
    expect(backoffDelay(Number.MAX_SAFE_INTEGER, 1, 10, () => 1)).toBe(10);
  });
});

describe('closeDisposition', () => {
  it('follows the retryable flag of every protocol close code', () => {
    for (const definition of Object.values(CLOSE_CODES)) {
      expect(closeDisposition(definition.code)).toEqual({ retryable: definition.retryable, name: definition.name, description: definition.description });
    }
  });

  it('retries standard codes, unknown codes and connections the client gave up on', () => {
    expect(closeDisposition(1000)).toMatchObject({ retryable: true, name: 'NORMAL_CLOSURE' });
    expect(closeDisposition(1006)).toMatchObject({ retryable: true, name: 'ABNORMAL_CLOSURE' });
    expect(closeDisposition(1011)).toMatchObject({ retryable: true, name: 'INTERNAL_ERROR' });
    expect(closeDisposition(4999)).toMatchObject({ retryable: true, name: 'CLOSE_4999' });
    expect(closeDisposition(undefined)).toMatchObject({ retryable: true, name: 'CONNECTION_LOST' });
  });
});
