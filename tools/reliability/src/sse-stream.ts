import { connect, type Socket } from 'node:net';
import { parseAnswer, type RawHttpAnswer } from './raw-http';

/** One Server-Sent Event. */
export interface SseEvent {
  /** `message` unless the event names another (`close`). */
  readonly event: string;
  readonly data: string;
}

/** A server message as the edge's JSON encoding carries it (a `batch` is flattened by `messages()`). */
export interface SseMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

export interface SseOpenOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly localAddress?: string;
  /** False: once the headers are in, the socket is never read again (a client that stalls). */
  readonly read?: boolean;
}

/**
 * A raw SSE client over its own TCP connection (from any loopback address): the answer's status, the events
 * as they arrive (de-chunked, split on blank lines), and a way to stop reading altogether so the server's
 * send buffer fills. A refused stream (400, 401, 503) resolves too, with its whole answer.
 */
export class SseStream {
  readonly events: SseEvent[] = [];
  /** Resolves when the response ends (its last chunk; the connection may stay open for another request) or the connection closes. */
  readonly ended: Promise<void>;
  private endStream: () => void = () => undefined;
  private raw = Buffer.alloc(0);
  private text = '';
  private isEnded = false;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly answer: RawHttpAnswer,
  ) {
    this.ended = new Promise((resolve) => {
      this.endStream = () => {
        if (this.isEnded) return;
        this.isEnded = true;
        this.wake();
        resolve();
      };
      socket.once('close', this.endStream);
    });
  }

  static open(port: number, path: string, options: SseOpenOptions = {}): Promise<SseStream> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }) });
      socket.on('error', () => undefined);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const answer = parseAnswer(head.subarray(0, end + 4));
        if (answer.status !== 200) {
          // A refusal: read the rest of the answer, then hand it over whole.
          socket.off('data', onData);
          socket.off('close', onEarlyClose);
          const rest: Buffer[] = [head];
          socket.on('data', (more: Buffer) => rest.push(more));
          socket.once('close', () => resolve(new SseStream(socket, parseAnswer(Buffer.concat(rest)))));
          socket.end();
          return;
        }
        socket.off('data', onData);
        socket.off('close', onEarlyClose);
        const stream = new SseStream(socket, answer);
        if (options.read === false) socket.pause();
        else socket.on('data', (more: Buffer) => stream.onData(more));
        stream.onData(head.subarray(end + 4));
        resolve(stream);
      };
      const onEarlyClose = (): void => reject(new Error(`SSE ${path}: closed before an answer (${head.length} bytes)`));
      socket.on('data', onData);
      socket.once('close', onEarlyClose);
      const headers = Object.entries({ host: '127.0.0.1', accept: 'text/event-stream', ...options.headers }).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      socket.write(`GET ${path} HTTP/1.1\r\n${headers}\r\n`);
    });
  }

  get isOpen(): boolean {
    return !this.isEnded;
  }

  /** Starts reading a stream opened with `read: false`. */
  resume(): void {
    this.socket.on('data', (more: Buffer) => this.onData(more));
    this.socket.resume();
  }

  /** Every server message of the `message` events, batches flattened. */
  messages(): SseMessage[] {
    return this.events
      .filter((e) => e.event === 'message')
      .flatMap((e) => {
        const message = JSON.parse(e.data) as SseMessage & { messages?: SseMessage[] };
        return message.type === 'batch' ? message.messages! : [message];
      });
  }

  /** The `{code, reason}` of the `close` event, if one came. */
  closeEvent(): { code: number; reason: string } | undefined {
    const close = this.events.find((e) => e.event === 'close');
    return close === undefined ? undefined : (JSON.parse(close.data) as { code: number; reason: string });
  }

  /** Resolves once `check` holds on the messages received; rejects after `limitMs` or if the stream ends first. */
  async waitFor(check: (messages: SseMessage[]) => boolean, what: string, limitMs = 10_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!check(this.messages())) {
      if (this.isEnded) throw new Error(`SSE stream ended before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`SSE stream: no ${what} within ${limitMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    // De-chunk what is complete, keep the rest for the next chunk.
    this.raw = Buffer.concat([this.raw, chunk]);
    for (;;) {
      const lineEnd = this.raw.indexOf('\r\n');
      if (lineEnd < 0) break;
      const size = parseInt(this.raw.subarray(0, lineEnd).toString('latin1'), 16);
      if (size === 0) {
        this.endStream();
        break;
      }
      if (!Number.isFinite(size) || this.raw.length < lineEnd + 2 + size + 2) break;
      this.text += this.raw.subarray(lineEnd + 2, lineEnd + 2 + size).toString('utf8');
      this.raw = this.raw.subarray(lineEnd + 2 + size + 2);
    }
    let blank: number;
    while ((blank = this.text.indexOf('\n\n')) >= 0) {
      const block = this.text.slice(0, blank);
      this.text = this.text.slice(blank + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      this.events.push({ event, data: data.join('\n') });
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
