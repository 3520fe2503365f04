import fc from 'fast-check';
import { ITCH_ERRORS } from '../errors';
import { CHECK_EMPTY_MESSAGE, CHECK_ERROR_CODES, CHECK_LENGTH_MISMATCH, CHECK_OK, CHECK_OUT_OF_BOUNDS, CHECK_UNKNOWN_TYPE, checkErrorCode, checkMessage } from './check';
import { MESSAGE_LENGTHS } from './layout';

function message(type: string, length: number): Uint8Array {
  const b = new Uint8Array(length);
  b[0] = type.charCodeAt(0);
  return b;
}

describe('checkMessage', () => {
  it('accepts a known type at its exact length, anywhere in the buffer', () => {
    expect(checkMessage(message('D', 19), 0, 19)).toBe(CHECK_OK);
    const big = new Uint8Array(100);
    big.set(message('A', 36), 10);
    expect(checkMessage(big, 10, 36)).toBe(CHECK_OK);
  });

  it('reports each problem with its code', () => {
    expect(checkMessage(new Uint8Array(4), 0, 0)).toBe(CHECK_EMPTY_MESSAGE);
    expect(checkMessage(message('Z', 19), 0, 19)).toBe(CHECK_UNKNOWN_TYPE);
    expect(checkMessage(message('D', 20), 0, 20)).toBe(CHECK_LENGTH_MISMATCH);
    expect(checkMessage(message('D', 19), 0, 18)).toBe(CHECK_LENGTH_MISMATCH);
    expect(checkMessage(message('D', 19), 1, 19)).toBe(CHECK_OUT_OF_BOUNDS);
    expect(checkMessage(message('D', 19), -1, 19)).toBe(CHECK_OUT_OF_BOUNDS);
    expect(checkMessage(message('D', 19), 0.5, 18)).toBe(CHECK_OUT_OF_BOUNDS);
    expect(checkMessage(message('D', 19), 0, Number.NaN)).toBe(CHECK_OUT_OF_BOUNDS);
  });

  it('maps every non-zero result to a declared ITCH_ERRORS code', () => {
    expect(checkErrorCode(CHECK_OK)).toBeUndefined();
    for (let r = 1; r < CHECK_ERROR_CODES.length; r++) expect(ITCH_ERRORS[checkErrorCode(r)!]).toBeDefined();
    expect(checkErrorCode(CHECK_LENGTH_MISMATCH)).toBe('ITCH_ERR_LENGTH_MISMATCH');
  });

  it('never throws and is 0 exactly when type and length agree', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(90), fc.nat(90), (bytes, offset, length) => {
        const r = checkMessage(bytes, offset, length);
        const ok = offset + length <= bytes.length && length > 0 && MESSAGE_LENGTHS[bytes[offset]!] === length;
        expect(r === CHECK_OK).toBe(ok);
      }),
    );
  });
});
