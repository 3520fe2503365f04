/**
 * Client-facing codes, declared once: WebSocket close codes (4000-4399) and the in-band `Error.code`
 * numbers (1000-1999). Each says whether a retry can help. `docs/protocol.md` lists the same codes, names
 * and retry flags; a test checks they agree.
 *
 * Rules: a code is never reused for a different meaning. A retired code stays in its table with
 * `retired: true` so the number stays taken. New codes go at the end of their range.
 */

export interface CodeRange {
  readonly from: number;
  readonly to: number;
  readonly description: string;
}

export interface CodeDefinition<Name extends string = string, Range extends string = string> {
  readonly code: number;
  readonly name: Name;
  /** Which documented range the code belongs to (checked by a test). */
  readonly range: Range;
  /** True when trying again (reconnecting, resending) can succeed; the description says what to change, if anything. */
  readonly retryable: boolean;
  readonly description: string;
  readonly retired?: true;
}

type Definitions<Range extends string> = Record<string, Omit<CodeDefinition<string, Range>, 'name'>>;
type Named<T, Range extends string> = { readonly [K in keyof T & string]: CodeDefinition<K, Range> & { readonly code: T[K] extends { code: infer C } ? C : never } };

function defineCodes<Range extends string, const T extends Definitions<Range>>(_ranges: Readonly<Record<Range, CodeRange>>, definitions: T): Named<T, Range> {
  const out: Record<string, CodeDefinition> = {};
  for (const [name, definition] of Object.entries(definitions)) out[name] = Object.freeze({ name, ...definition });
  return Object.freeze(out) as Named<T, Range>;
}

function codeNumbers<T extends Record<string, { readonly code: number }>>(table: T): { readonly [K in keyof T]: T[K]['code'] } {
  const out: Record<string, number> = {};
  for (const [name, definition] of Object.entries(table)) out[name] = definition.code;
  return Object.freeze(out) as { readonly [K in keyof T]: T[K]['code'] };
}

function indexByCode<D extends CodeDefinition>(table: Record<string, D>): ReadonlyMap<number, D> {
  return new Map(Object.values(table).map((definition) => [definition.code, definition]));
}

// ---------------------------------------------------------------------------------------------------------
// WebSocket close codes. 4000-4999 is the range RFC 6455 leaves to applications.

export const CLOSE_CODE_RANGES = Object.freeze({
  client: { from: 4000, to: 4099, description: 'the client broke the protocol; fix the client before retrying' },
  auth: { from: 4100, to: 4199, description: 'authentication and authorization' },
  limits: { from: 4200, to: 4299, description: 'a per-connection or per-account limit was hit' },
  server: { from: 4300, to: 4399, description: 'server state; reconnect with backoff' },
} as const satisfies Record<string, CodeRange>);

export type CloseCodeRange = keyof typeof CLOSE_CODE_RANGES;

export const CLOSE_CODES = defineCodes(CLOSE_CODE_RANGES, {
  PROTOCOL_ERROR: { code: 4000, range: 'client', retryable: false, description: 'The client violated the protocol (e.g. a binary frame on the JSON subprotocol).' },
  MESSAGE_TOO_BIG: { code: 4001, range: 'client', retryable: false, description: 'A client message exceeded the size limit.' },
  INVALID_MESSAGE: { code: 4002, range: 'client', retryable: false, description: 'Too many undecodable messages; the server gave up on the connection.' },
  RATE_LIMITED: { code: 4003, range: 'client', retryable: true, description: 'The client sent messages faster than allowed. Reconnect after a backoff.' },
  UNSUPPORTED_SUBPROTOCOL: { code: 4004, range: 'client', retryable: false, description: 'No supported subprotocol was offered.' },
  AUTH_REQUIRED: { code: 4100, range: 'auth', retryable: false, description: 'The endpoint needs a token and none was given.' },
  AUTH_FAILED: { code: 4101, range: 'auth', retryable: false, description: 'The token is invalid (signature, issuer, audience, claims).' },
  TOKEN_EXPIRED: { code: 4102, range: 'auth', retryable: true, description: 'The token expired. Reconnect with a new token.' },
  AUTH_TIMEOUT: { code: 4103, range: 'auth', retryable: false, description: 'No auth message arrived within the deadline after connecting.' },
  ORIGIN_NOT_ALLOWED: { code: 4104, range: 'auth', retryable: false, description: 'The Origin header is not on the allow list.' },
  SLOW_CONSUMER: { code: 4200, range: 'limits', retryable: true, description: 'The client did not read fast enough and its send buffer overflowed. Reconnect and resubscribe (or use a lighter mode).' },
  TOO_MANY_SUBSCRIPTIONS: { code: 4201, range: 'limits', retryable: false, description: 'The client kept subscribing past its subscription limit.' },
  TOO_MANY_CONNECTIONS: { code: 4202, range: 'limits', retryable: true, description: 'The account or address has too many open connections. Retry after one closes.' },
  SERVER_DRAINING: { code: 4300, range: 'server', retryable: true, description: 'The server is shutting down or rebalancing. Reconnect (to another instance).' },
  SERVER_ERROR: { code: 4301, range: 'server', retryable: true, description: 'An unexpected server error. Reconnect with backoff.' },
  IDLE_TIMEOUT: { code: 4302, range: 'server', retryable: true, description: 'No traffic (not even pongs) within the idle timeout.' },
  UPSTREAM_UNAVAILABLE: { code: 4303, range: 'server', retryable: true, description: 'The server lost its market-data or snapshot upstream. Reconnect with backoff.' },
});

export type CloseCodeName = keyof typeof CLOSE_CODES;
export type CloseCodeDefinition = (typeof CLOSE_CODES)[CloseCodeName];

/** Close code numbers by name: `ws.close(CloseCode.SLOW_CONSUMER, ...)`. */
export const CloseCode = codeNumbers(CLOSE_CODES);

const closeCodesByNumber = indexByCode<CloseCodeDefinition>(CLOSE_CODES);

/** The definition of a close code, or `undefined` for codes this protocol does not define (1000-3999 included). */
export function closeCodeInfo(code: number): CloseCodeDefinition | undefined {
  return closeCodesByNumber.get(code);
}

// ---------------------------------------------------------------------------------------------------------
// In-band error codes (`Error.code` in ServerMessage): the connection stays open.

export const ERROR_CODE_RANGES = Object.freeze({
  request: { from: 1000, to: 1099, description: 'the request is malformed or not understood' },
  auth: { from: 1100, to: 1199, description: 'authentication state' },
  limits: { from: 1200, to: 1299, description: 'a limit was hit' },
  server: { from: 1300, to: 1399, description: 'the server could not complete the request' },
} as const satisfies Record<string, CodeRange>);

export type ErrorCodeRange = keyof typeof ERROR_CODE_RANGES;

export const ERROR_CODES = defineCodes(ERROR_CODE_RANGES, {
  BAD_REQUEST: { code: 1000, range: 'request', retryable: false, description: 'A field is missing or has the wrong type or value.' },
  UNKNOWN_TYPE: { code: 1001, range: 'request', retryable: false, description: 'The message type is not one this server knows.' },
  MALFORMED_MESSAGE: { code: 1002, range: 'request', retryable: false, description: 'The frame is not valid JSON / not a decodable ClientMessage.' },
  NOT_AUTHENTICATED: { code: 1100, range: 'auth', retryable: false, description: 'The request needs authentication first (send auth).' },
  ALREADY_AUTHENTICATED: { code: 1101, range: 'auth', retryable: false, description: 'A second auth message on an authenticated connection.' },
  SUBSCRIPTION_LIMIT: { code: 1200, range: 'limits', retryable: false, description: 'The subscription would exceed the tier limit; unsubscribe first.' },
  RATE_LIMITED: { code: 1201, range: 'limits', retryable: true, description: 'The request was dropped by the rate limiter. Resend after a backoff.' },
  TOO_MANY_SYMBOLS: { code: 1202, range: 'limits', retryable: false, description: 'One request lists more symbols than allowed per request; split it.' },
  RESYNC_FAILED: { code: 1300, range: 'server', retryable: true, description: 'A snapshot could not be fetched for a resync. Ask again.' },
  INTERNAL_ERROR: { code: 1301, range: 'server', retryable: true, description: 'An unexpected server error while handling the request.' },
});

export type ErrorCodeName = keyof typeof ERROR_CODES;
export type ErrorCodeDefinition = (typeof ERROR_CODES)[ErrorCodeName];

/** In-band error code numbers by name: `{ code: ErrorCode.BAD_REQUEST, ... }`. */
export const ErrorCode = codeNumbers(ERROR_CODES);
/** Any defined in-band error code number. */
export type ErrorCodeNumber = (typeof ErrorCode)[ErrorCodeName];

const errorCodesByNumber = indexByCode<ErrorCodeDefinition>(ERROR_CODES);

/** The definition of an in-band error code, or `undefined` if this protocol does not define it. */
export function errorCodeInfo(code: number): ErrorCodeDefinition | undefined {
  return errorCodesByNumber.get(code);
}
