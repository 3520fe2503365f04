import type { CloseCodeDefinition } from '@tickwire/protocol';

/**
 * Longest close reason a WebSocket close frame can carry (RFC 6455: 125-byte payload minus the 2-byte code).
 * Access messages are written to fit, so the edge can send them as the close reason unchanged.
 */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * A client was refused: `closeCode` is the entry of `CLOSE_CODES` to close with (`closeCode.code` is the number,
 * `closeCode.retryable` whether a retry can help). `message` is safe to show the client (no key material, nothing
 * but what the client itself sent, cut short) and fits in a close reason.
 */
export class AccessError extends Error {
  constructor(
    readonly closeCode: CloseCodeDefinition,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(fitCloseReason(message), options);
    this.name = 'AccessError';
  }
}

/** `text` cut to at most {@link MAX_CLOSE_REASON_BYTES} UTF-8 bytes, ending in "..." when cut. */
export function fitCloseReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_CLOSE_REASON_BYTES) return text;
  let end = Math.min(text.length, MAX_CLOSE_REASON_BYTES - 3);
  while (end > 0 && Buffer.byteLength(text.slice(0, end)) > MAX_CLOSE_REASON_BYTES - 3) end--;
  // Never split a surrogate pair.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}...`;
}

/**
 * A client-supplied value quoted for a message: at most `max` characters, control characters replaced, so an
 * attacker cannot stuff the close reason or a log line.
 */
export function quoteClientValue(value: string, max = 24): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return `'${clean.length > max ? `${clean.slice(0, max)}...` : clean}'`;
}
