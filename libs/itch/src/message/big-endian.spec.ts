import fc from 'fast-check';
import { readU16, readU32, readU48, readU64, writeU16, writeU32, writeU48, writeU64 } from './big-endian';

describe('big-endian', () => {
  it('reads network order', () => {
    const b = Uint8Array.from([0xff, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]);
    expect(readU16(b, 1)).toBe(0x0102);
    expect(readU32(b, 0)).toBe(0xff010203);
    expect(readU48(b, 1)).toBe(0x010203040506);
    expect(readU64(b, 1)).toBe(0x01020304 * 2 ** 32 + 0x05060708);
  });

  it('round-trips every width at the edges and at random', () => {
    const b = new Uint8Array(8);
    for (const v of [0, 1, 0xffff]) {
      writeU16(b, 0, v);
      expect(readU16(b, 0)).toBe(v);
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.maxSafeNat(), (a, c, d) => {
        writeU32(b, 0, a);
        expect(readU32(b, 0)).toBe(a);
        writeU48(b, 1, c);
        expect(readU48(b, 1)).toBe(c);
        writeU64(b, 0, d);
        expect(readU64(b, 0)).toBe(d);
      }),
    );
    writeU64(b, 0, Number.MAX_SAFE_INTEGER);
    expect(Array.from(b)).toEqual([0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  });
});
