/**
 * Every error this lib reports, declared once with a stable code. Codes are never reused; a retired code
 * stays listed. `README.md` (section "Errors") lists the same codes; a test checks they agree.
 *
 * Feed problems (unknown order references, over-executions, crossed books) are never errors: they are
 * counted on the instrument and on `BookSet.stats`. Errors are only raised at construction (options) and
 * when a table would outgrow its hard limit.
 */
export const BOOK_ERRORS = Object.freeze({
  BOOK_ERR_INVALID_OPTION: 'invalid book option',
  BOOK_ERR_CAPACITY: 'order table capacity exceeded',
} as const);

export type BookErrorCode = keyof typeof BOOK_ERRORS;

export class BookError extends Error {
  constructor(
    readonly code: BookErrorCode,
    detail?: string,
  ) {
    super(detail ? `${BOOK_ERRORS[code]}: ${detail}` : BOOK_ERRORS[code]);
    this.name = 'BookError';
  }
}
