/**
 * SoupBinTCP 3.0 server over `node:net`: serves one session from a message store (normally a `FeedLog`)
 * to any number of clients. Each connection runs one pure `SoupBinTcpServerSession` from `@tickwire/itch`;
 * this module only moves bytes and time in and out of it.
 *
 * - Listeners are module-level functions that find the connection through a symbol on the socket (the `ws`
 *   pattern): accepting a connection allocates the session and one `Connection`, no closures.
 * - Backpressure: `pump()` is called only while `socket.write()` returns true; a blocked connection waits
 *   for `'drain'`. So a client that stops reading costs at most one batch (`maxBatchBytes`) above the
 *   socket's high-water mark, whatever the log holds.
 * - One shared interval per server drives every session's heartbeats and dead-peer checks (`nextTimerMs`).
 * - The store's append notification wakes the connections that are idle (caught up and not blocked).
 * - Errors from one peer (garbage, mid-frame disconnects, timeouts) close that connection only; they are
 *   counted, never thrown.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import {
  buildSoupBinTcpServerHeartbeat,
  parseSoupBinTcpTiming,
  SoupBinTcpCloseReason,
  SoupBinTcpServerSession,
  SoupBinTcpServerState,
} from '@tickwire/itch';
import type {
  ItchErrorCode,
  SoupBinTcpMessageStore,
  SoupBinTcpServerHandler,
  SoupBinTcpServerOptions,
  SoupBinTcpTimingOptions,
} from '@tickwire/itch';
import { soupBinTcpTickMs } from './timer-tick';

/** A message store that tells listeners when it grows (`FeedLog` is one). */
export interface SoupBinTcpFeedStore extends SoupBinTcpMessageStore {
  /** Registers a listener called after messages were appended; returns a function that removes it. */
  onAppended(listener: () => void): () => void;
}

/** Default listen address: loopback. Serving other hosts is an explicit choice. */
export const DEFAULT_SOUPBINTCP_SERVER_HOST = '127.0.0.1';

export interface SoupBinTcpFeedServerOptions extends SoupBinTcpTimingOptions {
  /** Where the messages come from; sequence numbers are the store's. */
  readonly store: SoupBinTcpFeedStore;
  /** Current session name (up to 10 printable ASCII characters), sent in Login Accepted. */
  readonly session: string;
  /** Credentials check for each Login Request (pass `() => true` for an open server). */
  readonly authenticate: (username: string, password: string) => boolean;
  /** Default `DEFAULT_SOUPBINTCP_SERVER_HOST` (loopback). */
  readonly host?: string;
  /** Default 0: an ephemeral port, see `port` after `listen()`. */
  readonly port?: number;
  /** Largest batch of `S` packets per socket write (default `DEFAULT_SOUPBINTCP_MAX_BATCH_BYTES`, 64 KiB). */
  readonly maxBatchBytes?: number;
  /** Called once per connection when it closes, with why (for logs). */
  readonly onConnectionClosed?: (event: SoupBinTcpConnectionClosed) => void;
}

export interface SoupBinTcpConnectionClosed {
  /** `address:port` of the client. */
  readonly remote: string;
  /** Username after a successful login, else ''. */
  readonly username: string;
  /** The session's close reason, or `'disconnected'` when the transport closed first. */
  readonly reason: SoupBinTcpCloseReason | 'disconnected' | 'server-closed';
  /** An `@tickwire/itch` error code for protocol and store errors, or a socket error code, else null. */
  readonly code: string | null;
  /** Sequence number of the next message this client would have been sent (0 before login). */
  readonly nextSequence: number;
}

/** Counters for metrics; totals since construction unless noted. */
export interface SoupBinTcpFeedServerCounters {
  /** Connections accepted. */
  connections: number;
  /** Connections open now (gauge). */
  openConnections: number;
  logins: number;
  /** Logins refused (bad credentials or unknown session). */
  rejects: number;
  /** Connections closed for a framing or protocol error (garbage from the client). */
  protocolErrors: number;
  /** Connections closed because the client sent nothing within the peer timeout. */
  peerDead: number;
  /** Connections closed because the store no longer held a message to send. */
  storeErrors: number;
  /** Socket errors (e.g. ECONNRESET); the connection closes after each. */
  socketErrors: number;
  /** Clients sent End of Session (`Z`). */
  endOfSessionSent: number;
  /** `S` packets sent. */
  messagesSent: number;
  /** Bytes written to sockets (all packet types, headers included). */
  bytesSent: number;
}

export interface SoupBinTcpConnectionInfo {
  readonly remote: string;
  readonly username: string;
  readonly state: SoupBinTcpServerState;
  /** Next sequence number to send (0 before login). */
  readonly nextSequence: number;
  /** Messages in the store not yet sent to this client. */
  readonly backlog: number;
  /** Bytes queued in the socket above the kernel (`socket.writableLength`). */
  readonly queuedBytes: number;
  /** True while waiting for `'drain'`. */
  readonly blocked: boolean;
}

const kConnection = Symbol('tickwire.soupbintcp.connection');
const kServer = Symbol('tickwire.soupbintcp.server');
type ConnectionSocket = Socket & { [kConnection]: Connection };
type OwnedServer = Server & { [kServer]: SoupBinTcpFeedServer };

const HEARTBEAT = buildSoupBinTcpServerHeartbeat();

/** Only used to construct one throwaway session that validates the options. */
const VALIDATION_HANDLER: SoupBinTcpServerHandler = { send() {}, authenticate: () => false, onClose() {} };

/** One client connection: the session's handler, reached from socket listeners through `kConnection`. */
class Connection implements SoupBinTcpServerHandler {
  readonly session: SoupBinTcpServerSession;
  readonly remote: string;
  /** `socket.write()` returned false: no pumping until `'drain'`. */
  blocked = false;
  /** After a graceful `end()`: destroy the socket if it is still open at this time. */
  closeDeadlineMs = Infinity;
  reason: SoupBinTcpConnectionClosed['reason'] | null = null;
  code: string | null = null;

  constructor(
    readonly server: SoupBinTcpFeedServer,
    readonly socket: Socket,
    nowMs: number,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.session = new SoupBinTcpServerSession(this, server.sessionOptions, nowMs);
  }

  send(bytes: Uint8Array): void {
    // A heartbeat only says "the line is alive"; with unread data queued it says nothing and would grow
    // the queue of a client that stopped reading.
    if (bytes === HEARTBEAT && this.blocked) return;
    this.server.counters.bytesSent += bytes.length;
    if (!this.socket.write(bytes)) this.blocked = true;
  }

  authenticate(username: string, password: string): boolean {
    return this.server.options.authenticate(username, password);
  }

  onLogin(): void {
    this.server.counters.logins++;
  }

  onClose(reason: SoupBinTcpCloseReason, code: ItchErrorCode | null): void {
    const counters = this.server.counters;
    this.reason = reason;
    this.code = code;
    switch (reason) {
      case SoupBinTcpCloseReason.LOGIN_REJECTED:
        counters.rejects++;
        break;
      case SoupBinTcpCloseReason.END_OF_SESSION:
        counters.endOfSessionSent++;
        break;
      case SoupBinTcpCloseReason.PROTOCOL_ERROR:
        counters.protocolErrors++;
        this.socket.destroy();
        return;
      case SoupBinTcpCloseReason.PEER_DEAD:
        counters.peerDead++;
        this.socket.destroy();
        return;
      case SoupBinTcpCloseReason.STORE_ERROR:
        counters.storeErrors++;
        this.socket.destroy();
        return;
    }
    // Login rejected, end of session, logout: flush what was sent (J, Z), bounded by the peer timeout.
    this.socket.end();
    this.closeDeadlineMs = Date.now() + this.server.timing.peerTimeoutMs;
  }
}

/** Sends pending messages while the socket accepts them; ends the session once caught up after `endSession()`. */
function pumpConnection(c: Connection, nowMs: number): void {
  const session = c.session;
  if (c.blocked || session.state !== SoupBinTcpServerState.ACTIVE) return;
  const counters = c.server.counters;
  let sent: number;
  while ((sent = session.pump(nowMs)) > 0) {
    counters.messagesSent += sent;
    if (c.blocked) return;
  }
  if (c.server.ending && session.state === SoupBinTcpServerState.ACTIVE) session.endSession(nowMs);
}

function onServerConnection(this: OwnedServer, socket: Socket): void {
  this[kServer].accept(socket);
}

function onSocketData(this: ConnectionSocket, chunk: Buffer): void {
  const c = this[kConnection];
  const now = Date.now();
  c.session.onBytes(chunk, now);
  pumpConnection(c, now); // starts streaming right after a login
}

function onSocketDrain(this: ConnectionSocket): void {
  const c = this[kConnection];
  c.blocked = false;
  pumpConnection(c, Date.now());
}

function onSocketError(this: ConnectionSocket, error: NodeJS.ErrnoException): void {
  const c = this[kConnection];
  c.server.counters.socketErrors++;
  if (c.reason === null) c.code = error.code ?? error.message;
  // 'close' follows.
}

function onSocketClose(this: ConnectionSocket): void {
  this[kConnection].server.release(this[kConnection]);
}

function onTick(server: SoupBinTcpFeedServer): void {
  server.tick(Date.now());
}

/**
 * Serves one SoupBinTCP session from a store to many clients.
 *
 * ```ts
 * const server = new SoupBinTcpFeedServer({ store: feedLog, session: 'SESSION001', authenticate: (u, p) => u === 'me' && p === 'pw' });
 * const { port } = await server.listen();
 * feedLog.append(msg); feedLog.notifyAppended();   // streamed to every logged-in client
 * server.endSession();                             // Z to each client once it has everything
 * await server.close();
 * ```
 */
export class SoupBinTcpFeedServer {
  readonly counters: SoupBinTcpFeedServerCounters = {
    connections: 0,
    openConnections: 0,
    logins: 0,
    rejects: 0,
    protocolErrors: 0,
    peerDead: 0,
    storeErrors: 0,
    socketErrors: 0,
    endOfSessionSent: 0,
    messagesSent: 0,
    bytesSent: 0,
  };
  /** @internal Shared by every connection's session. */
  readonly sessionOptions: SoupBinTcpServerOptions;
  /** @internal */
  readonly timing: { readonly heartbeatIntervalMs: number; readonly peerTimeoutMs: number };
  /** @internal Set by `endSession()`: each client gets `Z` once caught up. */
  ending = false;
  private closing = false;
  private readonly server: OwnedServer;
  private readonly connections = new Set<Connection>();
  private readonly tickMs: number;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed: Promise<void> | null = null;

  constructor(readonly options: SoupBinTcpFeedServerOptions) {
    if (typeof options.authenticate !== 'function') throw new RangeError('authenticate must be a function (username, password) => boolean');
    if (typeof options.store?.onAppended !== 'function') throw new RangeError('store must be a SoupBinTcpMessageStore with onAppended (e.g. a FeedLog)');
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer in 0..65535: ${port}`);
    const host = options.host ?? DEFAULT_SOUPBINTCP_SERVER_HOST;
    if (typeof host !== 'string' || host.length === 0) throw new RangeError(`host must be a non-empty string: ${JSON.stringify(host)}`);
    this.timing = parseSoupBinTcpTiming(options);
    this.sessionOptions = Object.freeze({
      session: options.session,
      store: options.store,
      heartbeatIntervalMs: this.timing.heartbeatIntervalMs,
      peerTimeoutMs: this.timing.peerTimeoutMs,
      ...(options.maxBatchBytes === undefined ? {} : { maxBatchBytes: options.maxBatchBytes }),
    });
    // Validates session name and maxBatchBytes once (throws ItchError naming the field).
    new SoupBinTcpServerSession(VALIDATION_HANDLER, this.sessionOptions, 0);
    this.tickMs = soupBinTcpTickMs(this.timing.heartbeatIntervalMs, this.timing.peerTimeoutMs);
    this.server = createServer({ noDelay: true }) as OwnedServer;
    this.server[kServer] = this;
    this.server.on('connection', onServerConnection);
  }

  /** Starts listening; resolves with the bound address (`port` is the real one when 0 was asked). */
  listen(): Promise<AddressInfo> {
    if (this.closing) return Promise.reject(new Error('SoupBinTcpFeedServer is closed'));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? DEFAULT_SOUPBINTCP_SERVER_HOST, () => {
        this.server.off('error', reject);
        this.unsubscribe = this.options.store.onAppended(() => this.pumpAll());
        this.timer = setInterval(onTick, this.tickMs, this);
        this.timer.unref();
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** The bound port (after `listen()`), else 0. */
  get port(): number {
    const address = this.server.address();
    return address !== null && typeof address === 'object' ? address.port : 0;
  }

  /** Bytes queued in user space across all sockets (sum of `writableLength`): bounded by backpressure. */
  queuedBytes(): number {
    let total = 0;
    for (const c of this.connections) total += c.socket.writableLength;
    return total;
  }

  /** A snapshot of every open connection (for metrics and tests; allocates). */
  connectionInfo(): SoupBinTcpConnectionInfo[] {
    return [...this.connections].map((c) => ({
      remote: c.remote,
      username: c.session.username,
      state: c.session.state,
      nextSequence: c.session.nextSequence,
      backlog: c.session.backlog,
      queuedBytes: c.socket.writableLength,
      blocked: c.blocked,
    }));
  }

  /**
   * The session is over: every logged-in client gets the rest of the store, then End of Session (`Z`), then
   * its socket is closed. Clients still logging in (or logging in later) get the same once logged in.
   * Appending to the store afterwards is not supported.
   */
  endSession(): void {
    this.ending = true;
    this.pumpAll();
  }

  /** Stops accepting, unsubscribes from the store and destroys every socket. Idempotent. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.closed = new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
    for (const c of this.connections) {
      if (c.reason === null) c.reason = 'server-closed';
      c.socket.destroy();
    }
    return this.closed;
  }

  /** @internal */
  accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const c = new Connection(this, socket, Date.now());
    (socket as ConnectionSocket)[kConnection] = c;
    this.connections.add(c);
    this.counters.connections++;
    this.counters.openConnections++;
    socket.on('data', onSocketData);
    socket.on('drain', onSocketDrain);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
  }

  /** @internal The socket closed. */
  release(c: Connection): void {
    if (!this.connections.delete(c)) return;
    this.counters.openConnections--;
    c.session.onDisconnect();
    this.options.onConnectionClosed?.({
      remote: c.remote,
      username: c.session.username,
      reason: c.reason ?? 'disconnected',
      code: c.code,
      nextSequence: c.session.nextSequence,
    });
  }

  /** @internal Heartbeats, dead peers, and sockets that did not finish closing. */
  tick(nowMs: number): void {
    for (const c of this.connections) {
      if (nowMs >= c.closeDeadlineMs) c.socket.destroy();
      else if (nowMs >= c.session.nextTimerMs()) c.session.onTimer(nowMs);
    }
  }

  private pumpAll(): void {
    const now = Date.now();
    for (const c of this.connections) pumpConnection(c, now);
  }
}
