import type { ErrorCodeNumber } from './close-codes';

/**
 * What the client-facing decoders return instead of throwing: wire input is untrusted, and a bad frame is
 * an answer to send (an in-band `Error`), not an exception.
 */
export type DecodeResult<T> = DecodeSuccess<T> | DecodeFailure;

export interface DecodeSuccess<T> {
  readonly ok: true;
  readonly message: T;
}

export interface DecodeFailure {
  readonly ok: false;
  /** The in-band error code to answer with (`ErrorCode.*`). */
  readonly code: ErrorCodeNumber;
  /** What was wrong, for the `Error.message` and logs. Never echoes more than a short excerpt of the input. */
  readonly reason: string;
  /** The request id if one could be read before the problem was found, else 0 (goes to `Error.request_id`). */
  readonly requestId: number;
}
