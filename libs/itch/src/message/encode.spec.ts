import fc from 'fast-check';
import { ItchError } from '../errors';
import type { ItchErrorCode } from '../errors';
import { GOLDEN } from '../../test/golden-vectors';
import { hex, messageArbitrary } from '../../test/message-arbitraries';
import { decodeMessage } from './decode';
import { encodeMessage, encodeMessageInto } from './encode';
import { MESSAGE_LAYOUTS } from './layout';
import type { AddOrderMessage, ItchMessage } from './types';

const ADD: AddOrderMessage = { type: 'A', stockLocate: 1, trackingNumber: 0, timestampNs: 1, orderRef: 1, side: 'S', shares: 1, stock: 'X', price: 1 };

function codeOf(fn: () => unknown): ItchErrorCode | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ItchError) return e.code;
    throw e;
  }
  return undefined;
}

function bad(patch: Record<string, unknown>, base: ItchMessage = ADD): ItchErrorCode | undefined {
  return codeOf(() => encodeMessage({ ...base, ...patch } as unknown as ItchMessage));
}

describe('encodeMessage', () => {
  it.each(MESSAGE_LAYOUTS.map((l) => [l.type, l] as const))('round-trips type %s: encode -> decode -> equal', (_type, layout) => {
    const target = new Uint8Array(layout.length + 7);
    fc.assert(
      fc.property(messageArbitrary(layout), (msg) => {
        const bytes = encodeMessage(msg);
        expect(bytes).toHaveLength(layout.length);
        expect(decodeMessage(bytes, 0, bytes.length)).toEqual(msg);
        expect(encodeMessageInto(msg, target, 5)).toBe(layout.length);
        expect(target.subarray(5, 5 + layout.length)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it.each(GOLDEN.map((g) => [g.message.type, g] as const))('matches the hand-computed golden vector for %s', (_type, g) => {
    const expected = hex(g.hex);
    expect(encodeMessage(g.message)).toEqual(expected);
    expect(decodeMessage(expected, 0, expected.length)).toEqual(g.message);
  });

  it('pads alpha fields with spaces', () => {
    const bytes = encodeMessage({ ...ADD, stock: 'AB' });
    expect(String.fromCharCode(...bytes.subarray(24, 32))).toBe('AB      ');
    expect(String.fromCharCode(...encodeMessage({ ...ADD, type: 'F', attribution: '' }).subarray(36, 40))).toBe('    ');
  });

  it('rejects values that do not fit their wire field, with a code', () => {
    expect(bad({ stock: 'ABCDEFGHI' })).toBe('ITCH_ERR_SYMBOL_TOO_LONG');
    expect(bad({ stock: 'ABCDEFGH' })).toBeUndefined();
    expect(bad({ stock: 'CAFÉ' })).toBe('ITCH_ERR_ALPHA_NOT_ASCII');
    expect(bad({ stock: 'A\tB' })).toBe('ITCH_ERR_ALPHA_NOT_ASCII');
    expect(bad({ stock: 42 })).toBe('ITCH_ERR_ALPHA_NOT_ASCII');
    expect(bad({ type: 'F', attribution: 'ABCDE' })).toBe('ITCH_ERR_ALPHA_TOO_LONG');
    expect(bad({ side: 'BS' })).toBe('ITCH_ERR_CHAR_FIELD');
    expect(bad({ side: '' })).toBe('ITCH_ERR_CHAR_FIELD');
    expect(bad({ side: '\u0000' })).toBe('ITCH_ERR_CHAR_FIELD');
    expect(bad({ shares: -1 })).toBe('ITCH_ERR_INT_RANGE');
    expect(bad({ shares: 2 ** 32 })).toBe('ITCH_ERR_INT_RANGE');
    expect(bad({ price: 1.5 })).toBe('ITCH_ERR_INT_RANGE');
    expect(bad({ price: Number.NaN })).toBe('ITCH_ERR_INT_RANGE');
    expect(bad({ price: 0xffffffff })).toBeUndefined();
    expect(bad({ orderRef: 2 ** 53 })).toBe('ITCH_ERR_INT_RANGE');
    expect(bad({ orderRef: Number.MAX_SAFE_INTEGER })).toBeUndefined();
    expect(bad({ stockLocate: 65536 })).toBe('ITCH_ERR_INT_RANGE');
    expect(bad({ trackingNumber: -1 })).toBe('ITCH_ERR_INT_RANGE');
    expect(bad({ timestampNs: 2 ** 48 })).toBe('ITCH_ERR_INT_RANGE');
    expect(bad({ type: 'Z' })).toBe('ITCH_ERR_UNKNOWN_TYPE');
    expect(bad({ type: 'AA' })).toBe('ITCH_ERR_UNKNOWN_TYPE');
  });

  it('names the field in the error message', () => {
    expect(() => encodeMessage({ ...ADD, shares: -3 })).toThrow('shares=-3');
  });

  it('checks the target has room', () => {
    expect(codeOf(() => encodeMessageInto(ADD, new Uint8Array(40), 5))).toBe('ITCH_ERR_BUFFER_TOO_SMALL');
    expect(codeOf(() => encodeMessageInto(ADD, new Uint8Array(40), -1))).toBe('ITCH_ERR_BUFFER_TOO_SMALL');
    expect(encodeMessageInto(ADD, new Uint8Array(40), 4)).toBe(36);
  });
});
