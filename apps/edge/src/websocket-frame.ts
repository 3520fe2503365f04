/**
 * One complete server-to-client WebSocket data frame (RFC 6455 section 5.2: FIN set, no mask, no extension
 * bits) carrying `payload`, header and payload in one buffer. The edge builds a shared message's frame once
 * and writes the same bytes to every client's socket, instead of `ws` framing it again for each client.
 * `shared` frames live as long as the message is cached: they get a buffer of their own instead of a slice of
 * Node's pool, which one long-lived slice would keep alive whole.
 */
export function websocketFrame(payload: Uint8Array, binary: boolean, shared = false): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 0x1_0000 ? 4 : 10;
  const frame = shared ? Buffer.allocUnsafeSlow(headerLength + length) : Buffer.allocUnsafe(headerLength + length);
  frame[0] = binary ? FIN_BINARY : FIN_TEXT;
  if (headerLength === 2) {
    frame[1] = length;
  } else if (headerLength === 4) {
    frame[1] = LENGTH_16;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = LENGTH_64;
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(payload, headerLength);
  return frame;
}

const FIN_TEXT = 0x81;
const FIN_BINARY = 0x82;
const LENGTH_16 = 126;
const LENGTH_64 = 127;
