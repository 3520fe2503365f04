/**
 * Timing options and close reasons shared by the SoupBinTCP client and server sessions.
 * Defaults follow Nassau (reference section 4.2): heartbeat after 1 s without sending, peer dead after 15 s
 * of silence.
 */
import { ItchError } from '../errors';

/** Send a heartbeat after this long without sending anything (ms). */
export const DEFAULT_SOUPBINTCP_HEARTBEAT_INTERVAL_MS = 1_000;
/** Declare the peer dead after this long without receiving anything (ms); also bounds the wait for login. */
export const DEFAULT_SOUPBINTCP_PEER_TIMEOUT_MS = 15_000;

export interface SoupBinTcpTimingOptions {
  /** Default `DEFAULT_SOUPBINTCP_HEARTBEAT_INTERVAL_MS`. */
  readonly heartbeatIntervalMs?: number;
  /** Default `DEFAULT_SOUPBINTCP_PEER_TIMEOUT_MS`. */
  readonly peerTimeoutMs?: number;
}

export interface SoupBinTcpTiming {
  readonly heartbeatIntervalMs: number;
  readonly peerTimeoutMs: number;
}

/** Validates timing options once (errors name the field) and returns a frozen copy with defaults filled in. */
export function parseSoupBinTcpTiming(options: SoupBinTcpTimingOptions): SoupBinTcpTiming {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_SOUPBINTCP_HEARTBEAT_INTERVAL_MS;
  const peerTimeoutMs = options.peerTimeoutMs ?? DEFAULT_SOUPBINTCP_PEER_TIMEOUT_MS;
  if (!(Number.isFinite(heartbeatIntervalMs) && heartbeatIntervalMs > 0)) {
    throw new ItchError('SOUPBINTCP_ERR_FIELD_INVALID', `heartbeatIntervalMs must be a positive number: ${heartbeatIntervalMs}`);
  }
  if (!(Number.isFinite(peerTimeoutMs) && peerTimeoutMs > 0)) {
    throw new ItchError('SOUPBINTCP_ERR_FIELD_INVALID', `peerTimeoutMs must be a positive number: ${peerTimeoutMs}`);
  }
  return Object.freeze({ heartbeatIntervalMs, peerTimeoutMs });
}

/** Why a session ended on this connection; the caller closes the socket when told. */
export const SoupBinTcpCloseReason = {
  /** Client: server sent `J`. Server: login refused (`J` sent). */
  LOGIN_REJECTED: 'login-rejected',
  /** `Z` received (client) or sent (server). */
  END_OF_SESSION: 'end-of-session',
  /** `O` sent (client) or received (server). */
  LOGOUT: 'logout',
  /** Nothing received for `peerTimeoutMs`. */
  PEER_DEAD: 'peer-dead',
  /** Framing error or a packet not valid in the current state (see the error code). */
  PROTOCOL_ERROR: 'protocol-error',
  /** Server: the message store no longer holds a message it must send. */
  STORE_ERROR: 'store-error',
} as const;
export type SoupBinTcpCloseReason = (typeof SoupBinTcpCloseReason)[keyof typeof SoupBinTcpCloseReason];
