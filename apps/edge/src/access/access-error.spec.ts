import { CLOSE_CODES } from '@tickwire/protocol';
import { AccessError, MAX_CLOSE_REASON_BYTES, fitCloseReason, quoteClientValue } from './access-error';

describe('AccessError', () => {
  it('carries the close code definition and a message that fits a close reason', () => {
    const error = new AccessError(CLOSE_CODES.TOKEN_EXPIRED, 'token expired', { cause: new Error('inner') });
    expect(error.closeCode.code).toBe(4102);
    expect(error.closeCode.retryable).toBe(true);
    expect(error.message).toBe('token expired');
    expect(error.name).toBe('AccessError');
    expect(error.cause).toBeInstanceOf(Error);
    expect(Buffer.byteLength(new AccessError(CLOSE_CODES.AUTH_FAILED, 'x'.repeat(500)).message)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
  });

  it('fitCloseReason keeps short text and cuts long text on a character boundary', () => {
    expect(fitCloseReason('short')).toBe('short');
    const ascii = fitCloseReason('a'.repeat(200));
    expect(ascii).toBe(`${'a'.repeat(120)}...`);
    for (const filler of ['é', '😀', 'a😀']) {
      const cut = fitCloseReason(filler.repeat(100));
      expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
      expect(cut.endsWith('...')).toBe(true);
      expect(Buffer.from(cut).toString()).toBe(cut); // no lone surrogate
    }
  });

  it('quoteClientValue shortens and neutralizes control characters', () => {
    expect(quoteClientValue('k2')).toBe("'k2'");
    expect(quoteClientValue('a\nb\u0000')).toBe("'a?b?'");
    expect(quoteClientValue('x'.repeat(40))).toBe(`'${'x'.repeat(24)}...'`);
  });
});
