import { EdgeError } from './errors';

/** Default largest inbound client message, bytes. Client messages are small requests; a subscribe for a few hundred symbols fits. */
export const DEFAULT_MAX_INBOUND_BYTES = 16 * 1024;

/** The shapes `ws` hands to a `message` listener (`Buffer`, `ArrayBuffer`, or `Buffer[]` for fragments). */
export type InboundData = ArrayBufferView | ArrayBuffer | readonly ArrayBufferView[];

/**
 * Byte length of an inbound message without joining fragments. Use it to close with `MESSAGE_TOO_BIG` (4001);
 * set `ws`'s `maxPayload` a little above the same limit so `ws` refuses anything far larger before buffering it.
 */
export function inboundByteLength(data: InboundData): number {
  if (Array.isArray(data)) {
    let total = 0;
    for (let i = 0; i < data.length; i++) total += (data[i] as ArrayBufferView).byteLength;
    return total;
  }
  return (data as ArrayBufferView | ArrayBuffer).byteLength;
}

/** Whether an inbound message is within `maxBytes`. */
export function inboundWithinLimit(data: InboundData, maxBytes: number): boolean {
  return inboundByteLength(data) <= maxBytes;
}

/** Checks a configured size limit once at boot (`EDGE_ERR_LIMIT_OPTION`). */
export function validateMaxInboundBytes(maxBytes: number, name = 'maxInboundBytes'): number {
  if (Number.isInteger(maxBytes) && maxBytes >= 64 && maxBytes <= 16 * 1024 * 1024) return maxBytes;
  throw new EdgeError('EDGE_ERR_LIMIT_OPTION', `${name} must be a whole number of bytes 64-16777216, got ${String(maxBytes)}`);
}
