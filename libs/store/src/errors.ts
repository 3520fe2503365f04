/**
 * Every error the store reports, declared once with a stable code. Codes are never reused; a retired
 * code stays listed. `libs/store/README.md` lists the same codes; a test checks it.
 */
export const STORE_ERRORS = Object.freeze({
  STORE_ERR_INVALID_SYMBOL: 'invalid symbol',
  STORE_ERR_INVALID_ARGUMENT: 'invalid argument',
  STORE_ERR_INVALID_OPTION: 'invalid store option',
  STORE_ERR_CLOSED: 'the store is closed',
  STORE_ERR_UNAVAILABLE: 'the store backend is unavailable',
  STORE_ERR_COMMAND_FAILED: 'the store backend rejected a command',
  STORE_ERR_CORRUPT_VALUE: 'a stored value could not be read',
} as const);

export type StoreErrorCode = keyof typeof STORE_ERRORS;

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${STORE_ERRORS[code]}: ${detail}` : STORE_ERRORS[code], options);
    this.name = 'StoreError';
  }
}
