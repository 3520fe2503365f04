import WebSocket from 'ws';
import type { ClientMessage} from '@tickwire/protocol';
import { decodeServerJson, decodeServerMessage, encodeClientJson, encodeClientMessage, JSON_SUBPROTOCOL, PROTO_SUBPROTOCOL, type MarketUpdate, type ServerMessage } from '@tickwire/protocol';

export type EdgeWire = 'json' | 'proto';

/**
 * A raw WebSocket client of the edge's protocol for tests (the edge's own and the end-to-end ones): sends
 * ClientMessages, records every ServerMessage with batches unpacked. Deliberately not the SDK: it does no
 * reconnects or state merging, so tests see exactly what the server sent.
 */
export class EdgeTestClient {
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];
  private nextId = 1;

  private constructor(readonly socket: WebSocket, readonly wire: EdgeWire) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const decoded = isBinary ? decodeServerMessage(data) : decodeServerJson(data.toString('utf8'));
      if (!decoded.ok) throw new Error(`undecodable server message: ${decoded.reason}`);
      const message = decoded.message;
      if (message.body?.$case === 'batch') this.received.push(...message.body.value.messages);
      else this.received.push(message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of this.waiters.splice(0)) wake();
    }));
  }

  static connect(url: string, wire: EdgeWire = 'json', options: { origin?: string; protocols?: string[] } = {}): Promise<EdgeTestClient> {
    const protocols = options.protocols ?? [wire === 'json' ? JSON_SUBPROTOCOL : PROTO_SUBPROTOCOL];
    const socket = new WebSocket(url, protocols, options.origin === undefined ? {} : { origin: options.origin });
    return new Promise((resolve, reject) => {
      const client = new EdgeTestClient(socket, wire);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    });
  }

  send(message: Omit<ClientMessage, 'id'> & { id?: number }): number {
    const id = message.id ?? this.nextId++;
    const full: ClientMessage = { id, body: message.body };
    if (this.wire === 'json') this.socket.send(encodeClientJson(full));
    else this.socket.send(encodeClientMessage(full));
    return id;
  }

  subscribe(symbols: string[], mode = 0): number {
    return this.send({ body: { $case: 'subscribe', value: { items: symbols.map((symbol) => ({ symbol, mode })) } } });
  }

  /** Resolves with the first received message (from index `from`) matching, or rejects after `timeoutMs`. */
  async waitFor<T extends ServerMessage>(match: (m: ServerMessage) => m is T, timeoutMs?: number, from?: number): Promise<T>;
  async waitFor(match: (m: ServerMessage) => boolean, timeoutMs?: number, from?: number): Promise<ServerMessage>;
  async waitFor(match: (m: ServerMessage) => boolean, timeoutMs = 5_000, from = 0): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find(match);
      if (found !== undefined) return found;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`closed while waiting; received ${this.received.length} messages`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${this.received.length}: ${JSON.stringify(this.received.slice(-3), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  updates(symbol?: string): MarketUpdate[] {
    const out: MarketUpdate[] = [];
    for (const m of this.received) if (m.body?.$case === 'update' && (symbol === undefined || m.body.value.symbol === symbol)) out.push(m.body.value);
    return out;
  }

  close(): void {
    this.socket.close();
  }
}

/** Matchers for `EdgeTestClient.waitFor`. */
export const serverMessage = {
  welcome: (m: ServerMessage): boolean => m.body?.$case === 'welcome',
  ack: (id: number) => (m: ServerMessage): boolean => m.body?.$case === 'subscribeAck' && m.body.value.id === id,
  error: (m: ServerMessage): boolean => m.body?.$case === 'error',
  reconnect: (m: ServerMessage): boolean => m.body?.$case === 'reconnect',
  update: (symbol: string, seq?: bigint) => (m: ServerMessage): boolean => m.body?.$case === 'update' && m.body.value.symbol === symbol && (seq === undefined || m.body.value.seq === seq),
};

/**
 * Applies a client's stream for one symbol the way docs/protocol.md tells clients to, and throws on any
 * violation: a delta must follow a state the client holds (prev_seq <= held < seq), snapshots replace.
 */
export function applyUpdateStream(updates: readonly MarketUpdate[]): { seq: bigint; epoch: bigint; state: Partial<MarketUpdate> } {
  let held: { seq: bigint; epoch: bigint; state: Partial<MarketUpdate> } | undefined;
  for (const u of updates) {
    if (u.snapshot) {
      if (held !== undefined && u.epoch === held.epoch && u.seq < held.seq) throw new Error(`snapshot ${u.seq} older than held ${held.seq}`);
      held = { seq: u.seq, epoch: u.epoch, state: { ...stateOf(u) } };
      continue;
    }
    if (held === undefined) throw new Error(`delta ${u.seq} before any snapshot`);
    if (u.epoch !== held.epoch) throw new Error(`delta of epoch ${u.epoch} on state of epoch ${held.epoch}`);
    const prev = u.prevSeq ?? u.seq - 1n;
    if (!(prev <= held.seq && held.seq < u.seq)) throw new Error(`delta ${u.seq} (prev ${prev}) does not follow held ${held.seq}`);
    held = { seq: u.seq, epoch: u.epoch, state: { ...held.state, ...stateOf(u) } };
  }
  if (held === undefined) throw new Error('no updates');
  return held;
}

function stateOf(u: MarketUpdate): Partial<MarketUpdate> {
  const out: Partial<MarketUpdate> = {};
  if (u.ltp !== undefined) out.ltp = u.ltp;
  if (u.lastSize !== undefined) out.lastSize = u.lastSize;
  if (u.quote !== undefined) out.quote = u.quote;
  if (u.ohlc !== undefined) out.ohlc = u.ohlc;
  if (u.volume !== undefined) out.volume = u.volume;
  if (u.vwap !== undefined) out.vwap = u.vwap;
  if (u.depth !== undefined) out.depth = u.depth;
  if (u.status !== undefined) out.status = u.status;
  return out;
}
