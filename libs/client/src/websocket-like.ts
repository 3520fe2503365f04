/**
 * The slice of the WHATWG WebSocket the client uses. A browser `WebSocket` and a `WebSocket` of the `ws`
 * package both fit, so the client needs no Node API and no `ws` import: Node callers inject a factory.
 */

/** Handler parameters are checked bivariantly, so both the DOM and the `ws` event types fit. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface SocketMessageEvent {
  /** `string` for text frames; `ArrayBuffer` (or a `Uint8Array`) for binary frames. */
  readonly data: unknown;
}

export interface SocketCloseEvent {
  readonly code: number;
  readonly reason: string;
}

export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly protocol: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<SocketMessageEvent> | null;
  onclose: Handler<SocketCloseEvent> | null;
  onerror: Handler<unknown> | null;
}

export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

/** `readyState` of an open socket (WHATWG). */
export const SOCKET_OPEN = 1;
