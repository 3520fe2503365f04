/**
 * Every error this lib reports, declared once with a stable code. Codes are never reused; a retired code
 * stays listed. `README.md` (section "Errors") lists the same codes; a test checks they agree.
 */
export const MARKET_SIM_ERRORS = Object.freeze({
  MARKET_SIM_ERR_INVALID_OPTION: 'invalid market-sim option',
  MARKET_SIM_ERR_TARGET_TOO_SMALL: 'target buffer has no room for the next message',
} as const);

export type MarketSimErrorCode = keyof typeof MARKET_SIM_ERRORS;

/** Thrown for invalid options (at construction) and for a target buffer without room; never mid-message. */
export class MarketSimError extends Error {
  constructor(
    readonly code: MarketSimErrorCode,
    detail?: string,
  ) {
    super(detail ? `${MARKET_SIM_ERRORS[code]}: ${detail}` : MARKET_SIM_ERRORS[code]);
    this.name = 'MarketSimError';
  }
}
