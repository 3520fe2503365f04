import type { ServerResponse } from 'node:http';
import type { SessionTransport } from './client-session';

const DATA = Buffer.from('data: ');
const END = Buffer.from('\n\n');

/**
 * A session's view of a Server-Sent Events response: each frame (one JSON message or a JSON batch, which
 * never contain a newline) is one `data:` event. Closing sends a `close` event with the code, since SSE has
 * no close codes of its own, then ends the response.
 */
export class SseTransport implements SessionTransport {
  readonly oneWay = true;

  constructor(private readonly response: ServerResponse) {}

  get bufferedAmount(): number {
    return this.response.writableLength;
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
  }
}
