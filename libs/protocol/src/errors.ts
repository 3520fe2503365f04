/**
 * Every error this lib throws, declared once with a stable code. Codes are never reused; a retired code
 * stays listed. `docs/protocol.md` (section "Library error codes") lists the same codes and messages; a
 * test checks they agree.
 *
 * These are programming errors of the caller (a bad shard count in config, an empty symbol). Wire input
 * from clients is never reported by throwing: the codecs return `{ ok: false, code, reason }` results
 * with the in-band `ErrorCode` numbers from `close-codes.ts`.
 */
export const PROTOCOL_ERRORS = Object.freeze({
  PROTOCOL_ERR_INVALID_SHARD_COUNT: 'invalid shard count',
  PROTOCOL_ERR_INVALID_SHARD: 'invalid shard',
  PROTOCOL_ERR_INVALID_SYMBOL: 'invalid symbol',
  PROTOCOL_ERR_MALFORMED_TOKEN: 'malformed symbol token',
  PROTOCOL_ERR_INVALID_MESSAGE: 'invalid message',
} as const);

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    detail?: string,
  ) {
    super(detail ? `${PROTOCOL_ERRORS[code]}: ${detail}` : PROTOCOL_ERRORS[code]);
    this.name = 'ProtocolError';
  }
}
