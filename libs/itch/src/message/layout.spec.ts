import { expectedLength, HEADER_LENGTH, LAYOUT_BY_CODE, MAX_MESSAGE_LENGTH, MESSAGE_LAYOUTS, MESSAGE_LENGTHS } from './layout';

// Total lengths straight from shared/reference/itch50.md §3.
const REFERENCE_LENGTHS: Record<string, number> = {
  S: 12, R: 39, H: 25, Y: 20, L: 26, V: 35, W: 12, K: 28, J: 35, h: 21, A: 36, F: 40,
  E: 31, C: 36, X: 23, D: 19, U: 35, P: 44, Q: 40, B: 19, I: 50, N: 20, O: 48,
};

describe('layout', () => {
  it('has the 23 reference types with their total lengths', () => {
    expect(Object.fromEntries(MESSAGE_LAYOUTS.map((l) => [l.type, l.length]))).toEqual(REFERENCE_LENGTHS);
  });

  it('lays out each body contiguously from offset 11 to the end', () => {
    for (const l of MESSAGE_LAYOUTS) {
      let at = HEADER_LENGTH;
      for (const f of l.fields) {
        expect([l.type, f.name, f.offset]).toEqual([l.type, f.name, at]);
        at += f.size;
      }
      expect(at).toBe(l.length);
    }
  });

  it('MESSAGE_LENGTHS is a 256-entry table, zero for unknown types', () => {
    expect(MESSAGE_LENGTHS).toHaveLength(256);
    let known = 0;
    for (let c = 0; c < 256; c++) {
      const ref = REFERENCE_LENGTHS[String.fromCharCode(c)] ?? 0;
      expect([c, MESSAGE_LENGTHS[c]]).toEqual([c, ref]);
      expect(LAYOUT_BY_CODE[c]?.length ?? 0).toBe(ref);
      if (ref) known++;
    }
    expect(known).toBe(23);
    expect(Math.max(...MESSAGE_LENGTHS)).toBe(MAX_MESSAGE_LENGTH);
  });

  it('expectedLength accepts char codes and characters', () => {
    expect(expectedLength(0x41)).toBe(36);
    expect(expectedLength('A')).toBe(36);
    expect(expectedLength('h')).toBe(21);
    expect(expectedLength('H')).toBe(25);
    expect(expectedLength('Z')).toBe(0);
    expect(expectedLength('AB')).toBe(0);
    expect(expectedLength(-1)).toBe(0);
    expect(expectedLength(256 + 0x41)).toBe(0);
    expect(expectedLength(1.5)).toBe(0);
  });
});
