import type { ServerResponse } from 'node:http';
import type { SessionTransport } from './client-session';
import { CLOSE_GRACE_MS } from './websocket-transport';
import type { EncodedMessage, Encoding } from './wire-encoding';

const DATA = Buffer.from('data: ');
const END = Buffer.from('\n\n');

/**
 * A session's view of a Server-Sent Events response: each frame (one JSON message or a JSON batch, which
 * never contain a newline) is one `data:` event. Closing sends a `close` event with the code, since SSE has
 * no close codes of its own, then ends the response. A client that does not read never takes the end: its
 * socket is destroyed `CLOSE_GRACE_MS` later, as a WebSocket's is, so its buffers, its descriptor and its
 * address slot are not held until the TCP connection dies.
 */
export class SseTransport implements SessionTransport {
  readonly oneWay = true;

  constructor(private readonly response: ServerResponse) {}

  get bufferedAmount(): number {
    return this.response.writableLength;
  }

  sendShared(message: EncodedMessage, encoding: Encoding): void {
    this.send(message.bytes(encoding));
  }

  send(payload: Uint8Array): void {
    const response = this.response;
    if (response.writableEnded) return;
    response.cork();
    response.write(DATA);
    response.write(payload);
    response.write(END);
    response.uncork();
  }

  close(code: number, reason: string): void {
    const response = this.response;
    if (response.writableEnded) return;
    response.end(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
    setTimeout(destroyUnfinished, CLOSE_GRACE_MS, response).unref();
  }
}

function destroyUnfinished(response: ServerResponse): void {
  if (!response.writableFinished) response.destroy();
}
