/**
 * Every error this lib throws or rejects with, declared once with a stable code. Codes are never reused; a
 * retired code stays listed. `libs/client/README.md` (section "Errors") lists the same codes and messages; a
 * test checks they agree.
 *
 * What the server says (close codes, in-band `error` messages) is not thrown: it reaches the `'error'` and
 * `'status'` events with the protocol's numeric codes.
 */
export const CLIENT_ERRORS = Object.freeze({
  CLIENT_ERR_INVALID_OPTION: 'invalid option',
  CLIENT_ERR_INVALID_ARGUMENT: 'invalid argument',
  CLIENT_ERR_NO_WEBSOCKET: 'no WebSocket implementation',
  CLIENT_ERR_NO_FETCH: 'no fetch implementation',
  CLIENT_ERR_CLOSED: 'the client is closed',
  CLIENT_ERR_TOKEN_FAILED: 'the token function failed',
  CLIENT_ERR_CONNECT_FAILED: 'the WebSocket could not be created',
  CLIENT_ERR_REQUEST_FAILED: 'the server refused the request',
  CLIENT_ERR_HTTP: 'HTTP request failed',
  CLIENT_ERR_HTTP_RESPONSE: 'unexpected HTTP response body',
} as const);

export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

export class TickwireClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    detail?: string,
  ) {
    super(detail ? `${CLIENT_ERRORS[code]}: ${detail}` : CLIENT_ERRORS[code]);
    this.name = 'TickwireClientError';
  }
}

/** A non-2xx answer of the edge's HTTP API: its status and the server's message. */
export class TickwireHttpError extends TickwireClientError {
  constructor(
    readonly status: number,
    /** The server's `error` field, or the body text when it is not JSON. */
    readonly serverMessage: string,
    readonly url: string,
  ) {
    super('CLIENT_ERR_HTTP', `${status} ${serverMessage}`);
    this.name = 'TickwireHttpError';
  }
}
