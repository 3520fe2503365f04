/**
 * Every error the bus reports, declared once with a stable code. Codes are never reused; a retired
 * code stays listed. `docs/architecture.md` (section "Bus") lists the same codes; a test checks it.
 */
export const BUS_ERRORS = Object.freeze({
  BUS_ERR_INVALID_SUBJECT: 'invalid subject',
  BUS_ERR_CLOSED: 'the bus connection is closed or draining',
  BUS_ERR_REQUEST_TIMEOUT: 'request timed out',
  BUS_ERR_NO_RESPONDERS: 'no responders for request',
  BUS_ERR_CONNECT_FAILED: 'could not connect to the bus',
  BUS_ERR_REQUEST_FAILED: 'request failed',
} as const);

export type BusErrorCode = keyof typeof BUS_ERRORS;

export class BusError extends Error {
  constructor(
    readonly code: BusErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${BUS_ERRORS[code]}: ${detail}` : BUS_ERRORS[code], options);
    this.name = 'BusError';
  }
}
