import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { SessionTransport } from './client-session';
import { websocketFrame } from './websocket-frame';
import { Encoding, type EncodedMessage } from './wire-encoding';

/** How long a closing connection may take to flush its close frame before the socket is destroyed. */
export const CLOSE_GRACE_MS = 2_000;

/**
 * A session's view of a `ws` WebSocket. One object per connection, no closures. Data frames are framed by
 * the edge and written straight to the upgraded socket (a shared message's frame is built once for every
 * client); `ws` still owns the socket for reading, control frames (ping, pong, close) and the close
 * handshake. That is safe because the server never negotiates permessage-deflate, the only case in which
 * `ws` queues frames instead of writing them at once: frames reach the socket in the order they are sent.
 */
export class WebSocketTransport implements SessionTransport {
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
  ) {}

  get bufferedAmount(): number {
    // Counts what the edge wrote to the socket itself too: ws reads the socket's writable length.
    return this.ws.bufferedAmount;
  }

  send(payload: Uint8Array, encoding: Encoding): void {
    if (this.ws.readyState === WebSocket.OPEN) this.socket.write(websocketFrame(payload, encoding === Encoding.PROTO));
  }

  sendShared(message: EncodedMessage, encoding: Encoding): void {
    if (this.ws.readyState === WebSocket.OPEN) this.socket.write(message.websocketFrame(encoding));
  }

  ping(): void {
    this.ws.ping();
  }

  close(code: number, reason: string): void {
    const ws = this.ws;
    ws.close(code, reason);
    // A client that does not read never answers the close: do not hold its buffers for ws' 30 s default.
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  }
}
