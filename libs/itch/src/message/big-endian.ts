/**
 * Big-endian reads and writes by direct byte math on a `Uint8Array` (no DataView, so wrapping a new buffer
 * allocates nothing). Callers guarantee `p .. p + width - 1` is in bounds.
 */

export function readU16(b: Uint8Array, p: number): number {
  return (b[p] << 8) | b[p + 1];
}

export function readU32(b: Uint8Array, p: number): number {
  return b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
}

/** 48-bit unsigned (ITCH timestamp): `hi16 * 2**32 + lo32`, always exact. */
export function readU48(b: Uint8Array, p: number): number {
  return ((b[p] << 8) | b[p + 1]) * 0x100000000 + readU32(b, p + 2);
}

/** u64 as a JS number: `hi32 * 2**32 + lo32`; exact below 2^53, rounded to the nearest double above. */
export function readU64(b: Uint8Array, p: number): number {
  return readU32(b, p) * 0x100000000 + readU32(b, p + 4);
}

export function writeU16(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 8;
  b[p + 1] = v;
}

export function writeU32(b: Uint8Array, p: number, v: number): void {
  b[p] = v >>> 24;
  b[p + 1] = v >>> 16;
  b[p + 2] = v >>> 8;
  b[p + 3] = v;
}

/** `v` must be an integer in [0, 2^48). */
export function writeU48(b: Uint8Array, p: number, v: number): void {
  const hi = Math.floor(v / 0x100000000);
  b[p] = hi >>> 8;
  b[p + 1] = hi;
  writeU32(b, p + 2, v >>> 0);
}

/** `v` must be a safe non-negative integer (below 2^53). */
export function writeU64(b: Uint8Array, p: number, v: number): void {
  writeU32(b, p, Math.floor(v / 0x100000000));
  writeU32(b, p + 4, v >>> 0);
}
