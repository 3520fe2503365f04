import type { ItchErrorCode } from '../errors';
import { MESSAGE_LENGTHS } from './layout';

/** `checkMessage` results: 0 = well formed, otherwise an index into `CHECK_ERROR_CODES`. */
export const CHECK_OK = 0;
export const CHECK_EMPTY_MESSAGE = 1;
export const CHECK_UNKNOWN_TYPE = 2;
export const CHECK_LENGTH_MISMATCH = 3;
export const CHECK_OUT_OF_BOUNDS = 4;

/** Numeric check result -> stable `ITCH_ERRORS` code (index 0, OK, has none). */
export const CHECK_ERROR_CODES: readonly (ItchErrorCode | undefined)[] = Object.freeze([
  undefined,
  'ITCH_ERR_EMPTY_MESSAGE',
  'ITCH_ERR_UNKNOWN_TYPE',
  'ITCH_ERR_LENGTH_MISMATCH',
  'ITCH_ERR_OUT_OF_BOUNDS',
] as const);

/**
 * Validates one message in place: returns `CHECK_OK` (0) when `bytes[offset .. offset + length)` lies inside
 * `bytes`, is non-empty, has a known type and exactly that type's length; otherwise a non-zero `CHECK_*`
 * number (map it with `CHECK_ERROR_CODES`). Reads at most the type byte; never throws, never allocates.
 */
export function checkMessage(bytes: Uint8Array, offset: number, length: number): number {
  if (offset >>> 0 !== offset || length >>> 0 !== length || offset + length > bytes.length) return CHECK_OUT_OF_BOUNDS;
  if (length === 0) return CHECK_EMPTY_MESSAGE;
  const expected = MESSAGE_LENGTHS[bytes[offset]];
  if (expected === 0) return CHECK_UNKNOWN_TYPE;
  return expected === length ? CHECK_OK : CHECK_LENGTH_MISMATCH;
}

/** The `ITCH_ERRORS` code for a `checkMessage` result, or undefined for `CHECK_OK`. */
export function checkErrorCode(result: number): ItchErrorCode | undefined {
  return CHECK_ERROR_CODES[result];
}
