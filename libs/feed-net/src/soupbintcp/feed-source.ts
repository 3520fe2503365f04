/**
 * The ingest side of SoupBinTCP: a `FeedSource` that logs in to an exchange (or `SoupBinTcpFeedServer`),
 * delivers every `S` payload once, in order, and survives disconnects.
 *
 * The pure `SoupBinTcpClientSession` (`@tickwire/itch`) does the protocol; it lives as long as the source,
 * so after any disconnect it logs in again asking for the next sequence number not yet delivered. This
 * module adds the socket, the clock (one interval per connection attempt drives heartbeats, the dead-peer
 * check and the connect timeout), reconnects with exponential backoff and full jitter, and the `FeedHandler`
 * contract: a Login Accepted that skips ahead is reported as a gap, one that goes back is answered by
 * dropping the repeated messages (`counters.duplicates`).
 *
 * Socket listeners are module-level functions reaching the source through a symbol (house style, `ws`).
 */
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import {
  buildSoupBinTcpLoginRequest,
  DEFAULT_SOUPBINTCP_HEARTBEAT_INTERVAL_MS,
  DEFAULT_SOUPBINTCP_PEER_TIMEOUT_MS,
  ITCH_ERRORS,
  SoupBinTcpClientSession,
  SoupBinTcpClientState,
  SoupBinTcpCloseReason,
  SoupBinTcpRejectReason,
} from '@tickwire/itch';
import type { ItchErrorCode, SoupBinTcpClientHandler, SoupBinTcpTimingOptions } from '@tickwire/itch';
import { newFeedCounters } from '../feed-source';
import type { FeedHandler, FeedSource } from '../feed-source';
import { DEFAULT_SOUPBINTCP_RECONNECT_BASE_MS, DEFAULT_SOUPBINTCP_RECONNECT_MAX_MS, ReconnectBackoff } from './backoff';
import { soupBinTcpTickMs } from './timer-tick';

export interface SoupBinTcpFeedSourceOptions extends SoupBinTcpTimingOptions {
  /** Exchange host (name or address). */
  readonly host: string;
  readonly port: number;
  /** Up to 6 printable ASCII characters. */
  readonly username: string;
  /** Up to 10 printable ASCII characters. */
  readonly password: string;
  /** Session to log in to; `''` (default) = the current one. Later logins use the name the server gave. */
  readonly session?: string;
  /** First sequence number wanted: default 1 (the whole day); 0 = from the current end. */
  readonly sequence?: number;
  /** Reconnect backoff base (default `DEFAULT_SOUPBINTCP_RECONNECT_BASE_MS`, 100 ms). */
  readonly reconnectBaseMs?: number;
  /** Reconnect backoff cap (default `DEFAULT_SOUPBINTCP_RECONNECT_MAX_MS`, 5 s). */
  readonly reconnectMaxMs?: number;
  /** Give up a TCP connect attempt after this long (default: the peer timeout). */
  readonly connectTimeoutMs?: number;
  /** Uniform random in [0, 1) for the jitter (default `Math.random`; inject for tests). */
  readonly random?: () => number;
}

export interface ParsedSoupBinTcpFeedSourceOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly session: string;
  readonly sequence: number;
  readonly heartbeatIntervalMs: number;
  readonly peerTimeoutMs: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  readonly connectTimeoutMs: number;
  readonly random: () => number;
}

function positive(value: number, field: string): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) throw new RangeError(`${field} must be a positive number: ${value}`);
  return value;
}

/** Validates the options once (errors are RangeErrors naming the field) and returns a frozen copy with defaults. */
export function parseSoupBinTcpFeedSourceOptions(options: SoupBinTcpFeedSourceOptions): ParsedSoupBinTcpFeedSourceOptions {
  const { host, port, username, password } = options;
  if (typeof host !== 'string' || host.length === 0 || /\s/.test(host)) throw new RangeError(`host must be a host name or address: ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port must be an integer in 1..65535: ${port}`);
  const session = options.session ?? '';
  const sequence = options.sequence ?? 1;
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new RangeError(`sequence must be a non-negative integer: ${sequence}`);
  const fields: [string, unknown, number][] = [
    ['username', username, 6],
    ['password', password, 10],
    ['session', session, 10],
  ];
  for (const [field, value, width] of fields) {
    if (typeof value !== 'string' || value.length > width || !/^[\x20-\x7e]*$/.test(value)) {
      throw new RangeError(`${field} must be at most ${width} printable ASCII characters`);
    }
  }
  const heartbeatIntervalMs = positive(options.heartbeatIntervalMs ?? DEFAULT_SOUPBINTCP_HEARTBEAT_INTERVAL_MS, 'heartbeatIntervalMs');
  const peerTimeoutMs = positive(options.peerTimeoutMs ?? DEFAULT_SOUPBINTCP_PEER_TIMEOUT_MS, 'peerTimeoutMs');
  const reconnectBaseMs = positive(options.reconnectBaseMs ?? DEFAULT_SOUPBINTCP_RECONNECT_BASE_MS, 'reconnectBaseMs');
  const reconnectMaxMs = positive(options.reconnectMaxMs ?? DEFAULT_SOUPBINTCP_RECONNECT_MAX_MS, 'reconnectMaxMs');
  if (reconnectMaxMs < reconnectBaseMs) throw new RangeError(`reconnectMaxMs must be >= reconnectBaseMs: ${reconnectMaxMs} < ${reconnectBaseMs}`);
  const connectTimeoutMs = positive(options.connectTimeoutMs ?? peerTimeoutMs, 'connectTimeoutMs');
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw new RangeError('random must be a function returning [0, 1)');
  return Object.freeze({ host, port, username, password, session, sequence, heartbeatIntervalMs, peerTimeoutMs, reconnectBaseMs, reconnectMaxMs, connectTimeoutMs, random });
}

const Phase = {
  IDLE: 0,
  /** TCP connect in progress. */
  CONNECTING: 1,
  /** Login Request sent. */
  LOGIN: 2,
  ACTIVE: 3,
  /** Waiting out the backoff before the next attempt. */
  WAITING: 4,
  /** End of Session received. */
  ENDED: 5,
  /** `stop()` called (or the handler threw). */
  STOPPED: 6,
} as const;
type Phase = (typeof Phase)[keyof typeof Phase];

const kSource = Symbol('tickwire.soupbintcp.source');
type SourceSocket = Socket & { [kSource]: SoupBinTcpFeedSource };

/** Routes the client session's callbacks to the source (one object per source, no closures). */
class SessionEvents implements SoupBinTcpClientHandler {
  constructor(private readonly source: SoupBinTcpFeedSource) {}
  send(bytes: Uint8Array): void {
    this.source.write(bytes);
  }
  onLoginAccepted(session: string, nextSequence: number): void {
    this.source.loginAccepted(session, nextSequence);
  }
  onLoginRejected(reason: number): void {
    this.source.loginRejected(reason);
  }
  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    this.source.message(sequence, bytes, offset, length);
  }
  onEndOfSession(): void {
    this.source.endOfSession();
  }
  onClose(reason: SoupBinTcpCloseReason, code: ItchErrorCode | null): void {
    this.source.sessionClosed(reason, code);
  }
}

function onSocketConnect(this: SourceSocket): void {
  this[kSource].connected(this);
}
function onSocketData(this: SourceSocket, chunk: Buffer): void {
  this[kSource].data(this, chunk);
}
function onSocketError(this: SourceSocket, error: NodeJS.ErrnoException): void {
  this[kSource].socketError(this, error);
}
function onSocketClose(this: SourceSocket): void {
  this[kSource].socketClosed(this);
}
function onTick(source: SoupBinTcpFeedSource): void {
  source.tick(Date.now());
}
function onRetry(source: SoupBinTcpFeedSource): void {
  source.retry();
}

/**
 * A SoupBinTCP feed: `start()` resolves when the session ends (End of Session received and everything
 * delivered) or when `stop()` is called; it rejects only if the handler throws.
 */
export class SoupBinTcpFeedSource implements FeedSource {
  readonly counters = newFeedCounters();
  readonly description: string;
  readonly options: ParsedSoupBinTcpFeedSourceOptions;
  private readonly client: SoupBinTcpClientSession;
  private readonly backoff: ReconnectBackoff;
  private readonly tickMs: number;
  private handler: FeedHandler | null = null;
  private phase: Phase = Phase.IDLE;
  private socket: Socket | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Next sequence number to deliver; 0 = not known yet (first login asked for the current end). */
  private expected: number;
  /** `peer host:port` of the current connection, built once per connection. */
  private peer = '';
  /** Bytes received on this connection before the chunk being processed. */
  private streamOffset = 0;
  private attemptStartMs = 0;
  private stopDeadlineMs = Infinity;
  /** The current connection's end was already reported through `onError` (no second report). */
  private reported = false;
  private lastSocketError = '';
  private attempts = 0;
  private settle: (() => void) | null = null;
  private fail: ((error: unknown) => void) | null = null;
  private readonly closeWaiters: (() => void)[] = [];

  constructor(options: SoupBinTcpFeedSourceOptions) {
    this.options = parseSoupBinTcpFeedSourceOptions(options);
    const o = this.options;
    // Throws ItchError for anything the wire format cannot carry (already checked above).
    buildSoupBinTcpLoginRequest({ username: o.username, password: o.password, session: o.session, sequence: o.sequence });
    this.client = new SoupBinTcpClientSession(new SessionEvents(this), {
      username: o.username,
      password: o.password,
      session: o.session,
      sequence: o.sequence,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      peerTimeoutMs: o.peerTimeoutMs,
    });
    this.backoff = new ReconnectBackoff(o.reconnectBaseMs, o.reconnectMaxMs, o.random);
    this.expected = o.sequence;
    this.tickMs = soupBinTcpTickMs(o.heartbeatIntervalMs, o.peerTimeoutMs);
    this.description = `soupbintcp://${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port} session ${o.session === '' ? '(current)' : o.session}`;
  }

  /** Session name the server gave in the last Login Accepted ('' before any, when the current one was asked). */
  get session(): string {
    return this.client.session;
  }

  /** Sequence number of the next message to deliver (0 until known when the current end was asked). */
  get nextSequence(): number {
    return this.expected;
  }

  start(handler: FeedHandler): Promise<void> {
    if (this.phase !== Phase.IDLE) return Promise.reject(new Error(`${this.description}: start() may be called once, before stop()`));
    this.handler = handler;
    return new Promise<void>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
      this.connect();
    });
  }

  /** Logs out (if logged in), closes the socket and resolves `start()`. Idempotent. */
  stop(): Promise<void> {
    if (this.phase === Phase.STOPPED || this.phase === Phase.ENDED || this.phase === Phase.IDLE) {
      if (this.phase === Phase.IDLE) this.phase = Phase.STOPPED;
      return this.waitClosed();
    }
    this.phase = Phase.STOPPED;
    this.clearRetry();
    const socket = this.socket;
    if (socket === null) {
      this.finish();
      return Promise.resolve();
    }
    const state = this.client.state;
    if (state === SoupBinTcpClientState.ACTIVE || state === SoupBinTcpClientState.LOGIN_SENT) {
      this.client.logout(Date.now()); // sends O; sessionClosed('logout') ends the socket gracefully
    } else {
      socket.destroy();
    }
    this.stopDeadlineMs = Date.now() + Math.min(1_000, this.options.peerTimeoutMs);
    return this.waitClosed();
  }

  private waitClosed(): Promise<void> {
    if (this.socket === null) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  private connect(): void {
    const o = this.options;
    if (this.attempts++ > 0) this.counters.reconnects++;
    this.phase = Phase.CONNECTING;
    this.reported = false;
    this.streamOffset = 0;
    this.lastSocketError = '';
    this.peer = `peer ${o.host}:${o.port}`;
    this.attemptStartMs = Date.now();
    this.handler!.onStatus?.('connecting', this.description);
    const socket = createConnection({ host: o.host, port: o.port, noDelay: true }) as SourceSocket;
    socket[kSource] = this;
    socket.on('connect', onSocketConnect);
    socket.on('data', onSocketData);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    this.socket = socket;
    this.tickTimer = setInterval(onTick, this.tickMs, this);
  }

  private scheduleRetry(): void {
    this.phase = Phase.WAITING;
    this.retryTimer = setTimeout(onRetry, this.backoff.next(), this);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Resolves `start()` and anyone waiting in `stop()`. */
  private finish(): void {
    const settle = this.settle;
    this.settle = null;
    this.fail = null;
    settle?.();
  }

  private report(code: string, where: string, detail: string): void {
    this.counters.errors++;
    this.reported = true;
    this.handler!.onError(code, where, detail);
  }

  // ---- called from the module-level listeners and the session events -------------------------------

  /** @internal */
  retry(): void {
    this.retryTimer = null;
    if (this.phase === Phase.WAITING) this.connect();
  }

  /** @internal */
  connected(socket: Socket): void {
    if (socket !== this.socket || this.phase !== Phase.CONNECTING) return;
    this.peer = `peer ${socket.remoteAddress}:${socket.remotePort}`;
    this.phase = Phase.LOGIN;
    this.client.connect(Date.now());
  }

  /** @internal */
  data(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    try {
      this.client.onBytes(chunk, Date.now());
    } catch (error) {
      // The handler threw: stop the source and reject start() with that error.
      const fail = this.fail;
      this.settle = null;
      this.fail = null;
      this.phase = Phase.STOPPED;
      this.clearRetry();
      socket.destroy();
      fail?.(error);
      return;
    }
    this.streamOffset += chunk.length;
  }

  /** @internal */
  socketError(socket: Socket, error: NodeJS.ErrnoException): void {
    if (socket !== this.socket) return;
    this.lastSocketError = error.code ?? error.message;
    // 'close' follows.
  }

  /** @internal */
  socketClosed(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = null;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.stopDeadlineMs = Infinity;
    const wasConnected = this.phase !== Phase.CONNECTING;
    this.client.onDisconnect();
    for (const resolve of this.closeWaiters.splice(0)) resolve();
    if (this.phase === Phase.ENDED || this.phase === Phase.STOPPED) {
      this.finish();
      return;
    }
    const handler = this.handler!;
    const cause = this.lastSocketError === '' ? 'closed by peer' : this.lastSocketError;
    if (!this.reported) {
      if (wasConnected) this.report('FEED_ERR_DISCONNECTED', `${this.peer} stream offset ${this.streamOffset}`, cause);
      else this.report('FEED_ERR_CONNECT_FAILED', this.peer, cause);
    }
    handler.onStatus?.('disconnected', `${this.description}: ${cause}`);
    this.scheduleRetry();
  }

  /** @internal Heartbeats, dead peer, connect timeout, stop deadline. */
  tick(nowMs: number): void {
    const socket = this.socket;
    if (socket === null) return;
    if (nowMs >= this.stopDeadlineMs) {
      socket.destroy();
      return;
    }
    if (this.phase === Phase.CONNECTING) {
      if (nowMs - this.attemptStartMs >= this.options.connectTimeoutMs) {
        this.lastSocketError = `connect timed out after ${this.options.connectTimeoutMs} ms`;
        socket.destroy();
      }
      return;
    }
    if (nowMs >= this.client.nextTimerMs()) this.client.onTimer(nowMs);
  }

  /** @internal */
  write(bytes: Uint8Array): void {
    // Only the login, heartbeats and logout go this way: a few bytes per second, no backpressure needed.
    this.socket?.write(bytes);
  }

  /** @internal */
  loginAccepted(session: string, nextSequence: number): void {
    this.backoff.reset();
    this.phase = Phase.ACTIVE;
    const expected = this.expected;
    if (expected === 0) {
      this.expected = nextSequence;
    } else if (nextSequence > expected) {
      // The server cannot send what we still miss: lost for good.
      this.counters.gapsDetected++;
      this.counters.unrecoverableGaps++;
      this.handler!.onGap(expected, nextSequence - 1);
      this.expected = nextSequence;
    }
    // nextSequence < expected: the server repeats messages we have; message() drops them.
    this.handler!.onStatus?.('connected', `${this.description}: logged in to session ${session}, next sequence ${nextSequence}`);
  }

  /** @internal */
  loginRejected(reason: number): void {
    const why =
      reason === SoupBinTcpRejectReason.NOT_AUTHORIZED
        ? "reason 'A': not authorized"
        : reason === SoupBinTcpRejectReason.SESSION_NOT_AVAILABLE
          ? `reason 'S': session ${JSON.stringify(this.client.session)} not available`
          : `reason 0x${reason.toString(16)}`;
    this.report('FEED_ERR_LOGIN_REJECTED', this.peer, why);
  }

  /** @internal */
  message(sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    if (sequence < this.expected) {
      this.counters.duplicates++;
      return;
    }
    this.expected = sequence + 1;
    const counters = this.counters;
    counters.messages++;
    counters.bytes += length;
    this.handler!.onMessage(sequence, bytes, offset, length);
  }

  /** @internal */
  endOfSession(): void {
    this.phase = Phase.ENDED;
    this.clearRetry();
    const handler = this.handler!;
    handler.onStatus?.('ended', this.description);
    handler.onEndOfSession();
  }

  /** @internal The session is over on this connection. */
  sessionClosed(reason: SoupBinTcpCloseReason, code: ItchErrorCode | null): void {
    const socket = this.socket;
    if (socket === null) return;
    switch (reason) {
      case SoupBinTcpCloseReason.PROTOCOL_ERROR: {
        const c = code ?? 'SOUPBINTCP_ERR_UNEXPECTED_PACKET';
        // The session does not say where in the chunk the bad packet starts: this is the chunk's offset.
        this.report(c, `${this.peer} stream offset ${this.streamOffset}`, ITCH_ERRORS[c].message);
        break;
      }
      case SoupBinTcpCloseReason.PEER_DEAD:
        this.report('FEED_ERR_PEER_DEAD', this.peer, `nothing received for ${this.options.peerTimeoutMs} ms`);
        break;
      case SoupBinTcpCloseReason.LOGOUT:
        socket.end(); // flush the Logout Request; the server closes, or the stop deadline destroys
        return;
    }
    socket.destroy();
  }
}
