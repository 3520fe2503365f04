import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  decodeClientJson,
  decodeClientMessage,
  encodeServerJson,
  encodeServerMessage,
  JSON_SUBPROTOCOL,
  MarketUpdate,
  PROTO_SUBPROTOCOL,
  type ClientMessage,
  type ServerMessage,
} from '@tickwire/protocol';

/**
 * The server side of the client's unit tests: a real `ws` WebSocketServer on 127.0.0.1 that each test scripts
 * (send this, close with that, refuse the next upgrade). It speaks the protocol through the server codecs of
 * `@tickwire/protocol`, in whichever encoding the client negotiated, and records every client message.
 */
export class ScriptedPeer {
  readonly connections: PeerConnection[] = [];
  /** Every upgrade request, refused ones included, with the time it arrived. */
  readonly attempts: { url: string; atMs: number }[] = [];
  private readonly refusals: number[] = [];
  private waiters: (() => void)[] = [];
  private readonly server: WebSocketServer;

  private constructor() {
    this.server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (offered) => (offered.has(PROTO_SUBPROTOCOL) ? PROTO_SUBPROTOCOL : offered.has(JSON_SUBPROTOCOL) ? JSON_SUBPROTOCOL : false),
      verifyClient: (info, done) => {
        this.attempts.push({ url: info.req.url ?? '/', atMs: Date.now() });
        this.wake();
        const status = this.refusals.shift();
        if (status === undefined) done(true);
        else done(false, status, 'refused by the test');
      },
    });
    this.server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      this.connections.push(new PeerConnection(socket, request.url ?? '/', () => this.wake()));
      this.wake();
    });
  }

  static async start(): Promise<ScriptedPeer> {
    const peer = new ScriptedPeer();
    await new Promise<void>((resolve, reject) => {
      peer.server.once('listening', resolve);
      peer.server.once('error', reject);
    });
    return peer;
  }

  get port(): number {
    const address = this.server.address();
    if (typeof address === 'string' || address === null) throw new Error('no TCP address');
    return address.port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/v1/stream`;
  }

  /** The next upgrade is answered with this HTTP status instead of being accepted. */
  refuseNext(status = 503, times = 1): void {
    for (let i = 0; i < times; i++) this.refusals.push(status);
  }

  /** Resolves with connection number `index` (0-based) once it is open. */
  async connection(index: number, timeoutMs = 3_000): Promise<PeerConnection> {
    await this.until(() => this.connections.length > index, `connection #${index}`, timeoutMs);
    return this.connections[index]!;
  }

  async until(check: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export class PeerConnection {
  readonly received: ClientMessage[] = [];
  readonly protocol: string;
  readonly closed: Promise<{ code: number; reason: string }>;
  private closedFlag = false;

  constructor(
    readonly socket: WebSocket,
    readonly url: string,
    private readonly wake: () => void,
  ) {
    this.protocol = socket.protocol;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const decoded = isBinary ? decodeClientMessage(new Uint8Array(data)) : decodeClientJson(data.toString('utf8'));
      if (!decoded.ok) throw new Error(`the client sent an undecodable message: ${decoded.reason}`);
      this.received.push(decoded.message);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code: number, reason: Buffer) => {
        this.closedFlag = true;
        resolve({ code, reason: reason.toString() });
        this.wake();
      }),
    );
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  get binary(): boolean {
    return this.protocol === PROTO_SUBPROTOCOL;
  }

  /** The `token` query parameter of the upgrade. */
  get token(): string | null {
    return new URL(this.url, 'ws://peer').searchParams.get('token');
  }

  send(message: ServerMessage): void {
    this.socket.send(this.binary ? encodeServerMessage(message) : encodeServerJson(message));
  }

  /** Several messages in one `batch` frame. */
  sendBatch(messages: ServerMessage[]): void {
    this.send({ body: { $case: 'batch', value: { messages } } });
  }

  welcome(heartbeatMs = 15_000, tier = 'realtime'): void {
    this.send({ body: { $case: 'welcome', value: { sessionId: `s${Math.random().toString(16).slice(2, 8)}`, heartbeatMs, tier, maxSubscriptions: 500 } } });
  }

  /** Answers a subscribe request: every item `ok` in its mode (or the code / mode given per symbol). */
  ack(request: ClientMessage, codes: Record<string, number> = {}): void {
    if (request.body?.$case !== 'subscribe') throw new Error(`not a subscribe: ${request.body?.$case}`);
    const results = request.body.value.items.map((item) => ({ symbol: item.symbol, code: codes[item.symbol] ?? 1, mode: (codes[item.symbol] ?? 1) === 1 ? (item.mode === 0 ? 2 : item.mode) : 0 }));
    this.send({ body: { $case: 'subscribeAck', value: { id: request.id, results } } });
  }

  update(fields: Partial<MarketUpdate> & { symbol: string; seq: bigint }): void {
    this.send({ body: { $case: 'update', value: MarketUpdate.fromPartial({ epoch: 1n, ...fields }) } });
  }

  /** Client messages of one type, in arrival order. */
  messages<C extends NonNullable<ClientMessage['body']>['$case']>(type: C): (ClientMessage & { body: Extract<NonNullable<ClientMessage['body']>, { $case: C }> })[] {
    return this.received.filter((m) => m.body?.$case === type) as (ClientMessage & { body: Extract<NonNullable<ClientMessage['body']>, { $case: C }> })[];
  }

  close(code: number, reason = ''): void {
    this.socket.close(code, reason);
  }

  /** Destroys the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.socket.terminate();
  }
}
