import { closeCodeInfo } from '@tickwire/protocol';

/**
 * When to reconnect, and after how long. Backoff with full jitter: `random() * min(maxDelayMs,
 * initialDelayMs * 2^attempt)`, `attempt` counting the reconnects since the last `welcome` (0 for the first).
 */
export function backoffDelay(attempt: number, initialDelayMs: number, maxDelayMs: number, random: () => number): number {
  // 2^attempt overflows to Infinity past ~1023: min() still gives the cap.
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 1_000));
  return random() * ceiling;
}

export interface CloseDisposition {
  /** False: reconnecting cannot help (`CLOSE_CODES[...].retryable`); the client stops. */
  readonly retryable: boolean;
  readonly name: string;
  readonly description: string;
}

/** Names of the standard close codes (RFC 6455) the client may see. All are retried. */
const STANDARD_CLOSE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1000: 'NORMAL_CLOSURE',
  1001: 'GOING_AWAY',
  1002: 'PROTOCOL_ERROR',
  1003: 'UNSUPPORTED_DATA',
  1005: 'NO_STATUS_RECEIVED',
  1006: 'ABNORMAL_CLOSURE',
  1007: 'INVALID_FRAME_PAYLOAD_DATA',
  1008: 'POLICY_VIOLATION',
  1009: 'MESSAGE_TOO_BIG',
  1011: 'INTERNAL_ERROR',
  1012: 'SERVICE_RESTART',
  1013: 'TRY_AGAIN_LATER',
  1015: 'TLS_HANDSHAKE',
});

const CONNECTION_LOST: CloseDisposition = Object.freeze({ retryable: true, name: 'CONNECTION_LOST', description: 'the connection was lost or given up on' });

/**
 * What a close means for the client. The protocol's codes say themselves whether a retry can help
 * (`CLOSE_CODES` in @tickwire/protocol: 4000, 4001, 4002, 4004, 4100, 4101, 4103, 4104 and 4201 cannot).
 * Everything else is retried with backoff: the standard codes (1000 from the server, 1001, 1006 for a failed
 * upgrade or a dropped connection, 1011), codes this version does not know, and a connection the client gave
 * up on itself (`code` undefined: heartbeat or connect timeout).
 */
export function closeDisposition(code: number | undefined): CloseDisposition {
  if (code === undefined) return CONNECTION_LOST;
  const info = closeCodeInfo(code);
  if (info !== undefined) return { retryable: info.retryable, name: info.name, description: info.description };
  return { retryable: true, name: STANDARD_CLOSE_NAMES[code] ?? `CLOSE_${code}`, description: `closed with code ${code}` };
}
