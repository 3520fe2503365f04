import type { WebSocket } from 'ws';
import type { SessionTransport } from './client-session';

const BINARY = Object.freeze({ binary: true });
const TEXT = Object.freeze({ binary: false });

/** How long a closing connection may take to flush its close frame before the socket is destroyed. */
export const CLOSE_GRACE_MS = 2_000;

/** A session's view of a `ws` WebSocket. One object per connection, no closures. */
export class WebSocketTransport implements SessionTransport {
  constructor(private readonly socket: WebSocket) {}

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  send(payload: Uint8Array, binary: boolean): void {
    this.socket.send(payload, binary ? BINARY : TEXT);
  }

  ping(): void {
    this.socket.ping();
  }

  close(code: number, reason: string): void {
    const socket = this.socket;
    socket.close(code, reason);
    // A client that does not read never answers the close: do not hold its buffers for ws' 30 s default.
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
  }
}
