import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** WebSocket opcodes (RFC 6455 section 5.2). */
export const Opcode = { CONTINUATION: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 } as const;

/** One frame as a client writes it: anything RFC 6455 forbids included (that is the point). */
export interface ClientFrame {
  readonly opcode: number;
  readonly payload?: Uint8Array;
  /** Default true. */
  readonly fin?: boolean;
  /** The three RSV bits, 0-7 (default 0). */
  readonly rsv?: number;
  /** Default true: clients must mask. */
  readonly masked?: boolean;
  /** The length written in the header when it should lie about the payload (e.g. 2^63). */
  readonly declaredLength?: bigint;
}

/** Encodes a client frame, masked with a random key unless told otherwise. */
export function encodeClientFrame(frame: ClientFrame): Buffer {
  const payload = Buffer.from(frame.payload ?? new Uint8Array(0));
  const length = frame.declaredLength ?? BigInt(payload.length);
  const masked = frame.masked ?? true;
  const head: number[] = [((frame.fin ?? true) ? 0x80 : 0) | ((frame.rsv ?? 0) << 4) | (frame.opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  let extended: Buffer;
  if (length < 126n) {
    head.push(maskBit | Number(length));
    extended = Buffer.alloc(0);
  } else if (length < 65_536n) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), extended, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= key[i & 3]!;
  return Buffer.concat([Buffer.from(head), extended, key, body]);
}

export interface ServerFrame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
}

export interface UpgradeAnswer {
  /** The HTTP status of the answer to the upgrade request (101 on success). */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A WebSocket client that writes raw frames: for the inputs `ws` refuses to produce (invalid UTF-8 in a text
 * frame, unmasked or reserved frames, lying lengths). It parses what the server sends back, so a test can see
 * the close code, the pongs and the data frames.
 */
export class RawWebSocket {
  readonly frames: ServerFrame[] = [];
  /** Resolves when the TCP connection is closed (by either side). */
  readonly ended: Promise<void>;
  private buffered: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private isEnded = false;

  private constructor(
    private readonly socket: Socket,
    readonly answer: UpgradeAnswer,
    rest: Buffer,
  ) {
    this.ended = new Promise((resolve) =>
      socket.once('close', () => {
        this.isEnded = true;
        this.wake();
        resolve();
      }),
    );
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    if (rest.length > 0) this.onData(rest);
  }

  /**
   * Opens a TCP connection, sends an upgrade request for `path` offering `protocol` (none when undefined), and
   * resolves once the answer's headers are in. A refused upgrade resolves too: `answer.status` says what came.
   */
  static connect(port: number, path: string, protocol: string | undefined, headers: Readonly<Record<string, string>> = {}): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.off('error', reject);
        const [statusLine, ...headerLines] = head.subarray(0, end).toString('latin1').split('\r\n');
        const answerHeaders: Record<string, string> = {};
        for (const line of headerLines) {
          const colon = line.indexOf(':');
          answerHeaders[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
        resolve(new RawWebSocket(socket, { status, headers: answerHeaders }, head.subarray(end + 4)));
      };
      socket.on('data', onData);
      socket.once('error', reject);
      const lines = [
        `GET ${path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        ...(protocol === undefined ? [] : [`Sec-WebSocket-Protocol: ${protocol}`]),
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  }

  get isOpen(): boolean {
    return !this.isEnded;
  }

  /** Writes frames (already encoded, or specs to encode) in one TCP write. */
  write(...frames: (ClientFrame | Uint8Array)[]): void {
    if (this.isEnded) return;
    this.socket.write(Buffer.concat(frames.map((f) => (f instanceof Uint8Array ? Buffer.from(f) : encodeClientFrame(f)))));
  }

  /** Writes raw bytes (no framing at all). */
  writeBytes(bytes: Uint8Array): void {
    if (!this.isEnded) this.socket.write(bytes);
  }

  /** The close code and reason of the server's close frame, once one arrived. */
  closeFrame(): { code: number; reason: string } | undefined {
    const frame = this.frames.find((f) => f.opcode === Opcode.CLOSE);
    if (frame === undefined) return undefined;
    return { code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005, reason: frame.payload.subarray(2).toString('utf8') };
  }

  /** Waits until `check` holds (re-checked on every frame and on the end), or throws after `limitMs`. */
  async until(check: () => boolean, what: string, limitMs = 5_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${limitMs} ms waiting for ${what}; got ${this.frames.length} frames, ended: ${this.isEnded}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the server's close frame and the end of the connection; returns the close code (1006 = none came). */
  async closed(limitMs = 5_000): Promise<number> {
    await this.until(() => this.isEnded, 'the connection to end', limitMs);
    return this.closeFrame()?.code ?? 1006;
  }

  /** Stops reading: what the server sends piles up in its buffers (a client that never reads). */
  pause(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const b = this.buffered;
      if (b.length < 2) break;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) break;
      const frame: ServerFrame = { fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload: b.subarray(offset, offset + length) };
      this.frames.push(frame);
      this.buffered = b.subarray(offset + length);
      // Answer a close like a WebSocket client does, so the server can end the connection at once.
      if (frame.opcode === Opcode.CLOSE && !this.isEnded) this.socket.end(encodeClientFrame({ opcode: Opcode.CLOSE, payload: frame.payload.subarray(0, 2) }));
    }
    this.wake();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
