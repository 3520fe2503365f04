/**
 * SoupBinTCP server session (one per accepted connection): a pure state machine. The caller owns the
 * socket, the clock and the message store; the session validates the login, then streams `S` packets from
 * the store in batches (one allocation per batch, not per message):
 *
 * ```ts
 * const s = new SoupBinTcpServerSession(handler, { session: 'SESSION001', store }, Date.now());
 * socket.on('data', (c) => s.onBytes(c, Date.now()));
 * // after appending to the store, and on 'drain': while (s.pump(Date.now()) > 0 && socketWritable) {}
 * setInterval(() => s.onTimer(Date.now()), 100);
 * ```
 */
import type { ItchErrorCode } from '../errors';
import { ItchError } from '../errors';
import { SoupBinTcpFramer } from './framer';
import type { SoupBinTcpFramerHandler } from './framer';
import {
  buildSoupBinTcpEndOfSession,
  buildSoupBinTcpLoginAccepted,
  buildSoupBinTcpLoginRejected,
  buildSoupBinTcpServerHeartbeat,
  readSoupBinTcpLoginRequest,
  SOUPBINTCP_HEADER_LENGTH,
  SOUPBINTCP_SESSION_LENGTH,
  SoupBinTcpDirection,
  SoupBinTcpPacketType,
  SoupBinTcpRejectReason,
  writeSoupBinTcpAlpha,
  writeSoupBinTcpSequencedData,
} from './packet';
import { parseSoupBinTcpTiming, SoupBinTcpCloseReason } from './session-options';
import type { SoupBinTcpTiming, SoupBinTcpTimingOptions } from './session-options';

/** Where the server session reads the messages it streams. Sequence numbers are 1-based. */
export interface SoupBinTcpMessageStore {
  /** Sequence number the next stored message will get (1 + the number of messages stored so far). */
  nextSequence(): number;
  /** The payload of message `sequence` (not copied: do not mutate it later), or undefined if no longer held. */
  message(sequence: number): Uint8Array | undefined;
}

export interface SoupBinTcpServerHandler {
  /** Bytes to write to the socket, in order; freshly allocated or a shared constant: queue, never mutate. */
  send(bytes: Uint8Array): void;
  /** Credentials check for a Login Request. */
  authenticate(username: string, password: string): boolean;
  /** Login accepted; streaming starts at `nextSequence`. */
  onLogin?(username: string, nextSequence: number): void;
  /** `U` packet from the client; bytes valid only during the call. */
  onUnsequenced?(bytes: Uint8Array, offset: number, length: number): void;
  /** `+` debug packet from the client. */
  onDebug?(bytes: Uint8Array, offset: number, length: number): void;
  /** The session is over on this connection: close the socket (after flushing what was sent). */
  onClose(reason: SoupBinTcpCloseReason, code: ItchErrorCode | null): void;
}

/** Largest batch of `S` packets `pump()` sends in one `send()` call (bytes). */
export const DEFAULT_SOUPBINTCP_MAX_BATCH_BYTES = 64 * 1024;

export interface SoupBinTcpServerOptions extends SoupBinTcpTimingOptions {
  /** Current session name (up to 10 printable ASCII characters). */
  readonly session: string;
  readonly store: SoupBinTcpMessageStore;
  /** Default `DEFAULT_SOUPBINTCP_MAX_BATCH_BYTES`. */
  readonly maxBatchBytes?: number;
}

export const SoupBinTcpServerState = {
  AWAITING_LOGIN: 'awaiting-login',
  ACTIVE: 'active',
  CLOSED: 'closed',
} as const;
export type SoupBinTcpServerState = (typeof SoupBinTcpServerState)[keyof typeof SoupBinTcpServerState];

class ServerFramerSink implements SoupBinTcpFramerHandler {
  constructor(private readonly session: SoupBinTcpServerSession) {}
  onPacket(type: number, bytes: Uint8Array, offset: number, length: number): void {
    onServerPacket(this.session, type, bytes, offset, length);
  }
  onError(code: ItchErrorCode): void {
    this.session.close(SoupBinTcpCloseReason.PROTOCOL_ERROR, code);
  }
}

export class SoupBinTcpServerSession {
  private readonly timing: SoupBinTcpTiming;
  private readonly framer: SoupBinTcpFramer;
  private readonly sessionName: string;
  private readonly maxBatchBytes: number;
  private _state: SoupBinTcpServerState = SoupBinTcpServerState.AWAITING_LOGIN;
  private _nextSequence = 0;
  private _username = '';
  private lastSentMs: number;
  private lastReceivedMs: number;
  /** `nowMs` of the `onBytes` call being processed (framer callbacks carry no time). */
  private lastNowMs = 0;
  private readonly login = { username: '', password: '', session: '', sequence: 0 };

  constructor(
    /** @internal */ readonly handler: SoupBinTcpServerHandler,
    private readonly options: SoupBinTcpServerOptions,
    nowMs: number,
  ) {
    this.timing = parseSoupBinTcpTiming(options);
    writeSoupBinTcpAlpha(new Uint8Array(SOUPBINTCP_SESSION_LENGTH), 0, SOUPBINTCP_SESSION_LENGTH, options.session, 'session');
    // Sessions compare as the client sends them: right padding is not significant.
    this.sessionName = options.session.replace(/ +$/, '');
    this.maxBatchBytes = options.maxBatchBytes ?? DEFAULT_SOUPBINTCP_MAX_BATCH_BYTES;
    if (!(Number.isInteger(this.maxBatchBytes) && this.maxBatchBytes > 0)) {
      throw new ItchError('SOUPBINTCP_ERR_FIELD_INVALID', `maxBatchBytes must be a positive integer: ${this.maxBatchBytes}`);
    }
    this.lastSentMs = nowMs;
    this.lastReceivedMs = nowMs;
    this.framer = new SoupBinTcpFramer(new ServerFramerSink(this), SoupBinTcpDirection.CLIENT_TO_SERVER);
  }

  get state(): SoupBinTcpServerState {
    return this._state;
  }
  /** Sequence number of the next `S` packet to send (0 before login). */
  get nextSequence(): number {
    return this._nextSequence;
  }
  /** Username of the logged-in client ('' before login). */
  get username(): string {
    return this._username;
  }
  /** Messages in the store not yet sent to this client. */
  get backlog(): number {
    return this._state === SoupBinTcpServerState.ACTIVE ? this.options.store.nextSequence() - this._nextSequence : 0;
  }

  /** Bytes read from the socket. */
  onBytes(chunk: Uint8Array, nowMs: number): void {
    if (this._state === SoupBinTcpServerState.CLOSED) return;
    this.lastReceivedMs = nowMs;
    this.lastNowMs = nowMs;
    this.framer.push(chunk);
  }

  /**
   * Sends up to `maxBatchBytes` of `S` packets (at least one message when any is pending) in one `send()`.
   * Returns the number of messages sent; call again while it returns > 0 and the socket accepts more.
   */
  pump(nowMs: number): number {
    if (this._state !== SoupBinTcpServerState.ACTIVE) return 0;
    const store = this.options.store;
    const end = store.nextSequence();
    let seq = this._nextSequence;
    let size = 0;
    while (seq < end) {
      const m = store.message(seq);
      if (m === undefined) {
        if (seq === this._nextSequence) {
          this.close(SoupBinTcpCloseReason.STORE_ERROR, 'SOUPBINTCP_ERR_MESSAGE_UNAVAILABLE');
          return 0;
        }
        break;
      }
      const packetSize = SOUPBINTCP_HEADER_LENGTH + m.length;
      if (size > 0 && size + packetSize > this.maxBatchBytes) break;
      size += packetSize;
      seq++;
    }
    const count = seq - this._nextSequence;
    if (count === 0) return 0;
    const out = new Uint8Array(size);
    let at = 0;
    for (let s = this._nextSequence; s < seq; s++) {
      const m = store.message(s)!;
      at += writeSoupBinTcpSequencedData(out, at, m, 0, m.length);
    }
    this._nextSequence = seq;
    this.send(out, nowMs);
    return count;
  }

  /** Heartbeat after `heartbeatIntervalMs` idle; closes with `peer-dead` after `peerTimeoutMs` of silence. */
  onTimer(nowMs: number): void {
    if (this._state === SoupBinTcpServerState.CLOSED) return;
    if (nowMs - this.lastReceivedMs >= this.timing.peerTimeoutMs) {
      this.close(SoupBinTcpCloseReason.PEER_DEAD, null);
      return;
    }
    if (this._state === SoupBinTcpServerState.ACTIVE && nowMs - this.lastSentMs >= this.timing.heartbeatIntervalMs) {
      this.send(buildSoupBinTcpServerHeartbeat(), nowMs);
    }
  }

  /** When `onTimer` next has work to do (`Infinity` once closed). */
  nextTimerMs(): number {
    if (this._state === SoupBinTcpServerState.CLOSED) return Infinity;
    const dead = this.lastReceivedMs + this.timing.peerTimeoutMs;
    return this._state === SoupBinTcpServerState.ACTIVE ? Math.min(dead, this.lastSentMs + this.timing.heartbeatIntervalMs) : dead;
  }

  /**
   * The session has ended: sends every message still pending, then `Z`, then closes
   * (`onClose('end-of-session')`). Before login it just closes.
   */
  endSession(nowMs: number): void {
    if (this._state === SoupBinTcpServerState.CLOSED) return;
    if (this._state === SoupBinTcpServerState.ACTIVE) {
      while (this.pump(nowMs) > 0);
      if (this._state !== SoupBinTcpServerState.ACTIVE) return; // store error closed it
      this.send(buildSoupBinTcpEndOfSession(), nowMs);
    }
    this.close(SoupBinTcpCloseReason.END_OF_SESSION, null);
  }

  /** The transport closed. */
  onDisconnect(): void {
    this.framer.stop();
    this._state = SoupBinTcpServerState.CLOSED;
  }

  /** Closes this session and tells the handler (once); the caller then closes the socket. */
  close(reason: SoupBinTcpCloseReason, code: ItchErrorCode | null): void {
    if (this._state === SoupBinTcpServerState.CLOSED) return;
    this.framer.stop();
    this._state = SoupBinTcpServerState.CLOSED;
    this.handler.onClose(reason, code);
  }

  private send(bytes: Uint8Array, nowMs: number): void {
    this.lastSentMs = nowMs;
    this.handler.send(bytes);
  }

  /** @internal */
  loginRequest(bytes: Uint8Array, offset: number): void {
    if (this._state !== SoupBinTcpServerState.AWAITING_LOGIN) return this.close(SoupBinTcpCloseReason.PROTOCOL_ERROR, 'SOUPBINTCP_ERR_UNEXPECTED_PACKET');
    const req = this.login;
    const err = readSoupBinTcpLoginRequest(bytes, offset, req);
    if (err) return this.close(SoupBinTcpCloseReason.PROTOCOL_ERROR, err);
    const now = this.lastNowMs;
    if (!this.handler.authenticate(req.username, req.password)) return this.reject(SoupBinTcpRejectReason.NOT_AUTHORIZED, now);
    if (req.session !== '' && req.session !== this.sessionName) return this.reject(SoupBinTcpRejectReason.SESSION_NOT_AVAILABLE, now);
    const end = this.options.store.nextSequence();
    // 0 = from the current end; beyond the end is clamped to it (the Login Accepted tells the client).
    this._nextSequence = req.sequence === 0 || req.sequence > end ? end : req.sequence;
    this._username = req.username;
    this._state = SoupBinTcpServerState.ACTIVE;
    this.send(buildSoupBinTcpLoginAccepted(this.options.session, this._nextSequence), now);
    this.handler.onLogin?.(req.username, this._nextSequence);
  }

  /** @internal */
  activeOnly(): boolean {
    if (this._state === SoupBinTcpServerState.ACTIVE) return true;
    this.close(SoupBinTcpCloseReason.PROTOCOL_ERROR, 'SOUPBINTCP_ERR_UNEXPECTED_PACKET');
    return false;
  }

  private reject(reason: SoupBinTcpRejectReason, nowMs: number): void {
    this.send(buildSoupBinTcpLoginRejected(reason), nowMs);
    this.close(SoupBinTcpCloseReason.LOGIN_REJECTED, null);
  }
}

function onServerPacket(session: SoupBinTcpServerSession, type: number, bytes: Uint8Array, offset: number, length: number): void {
  switch (type) {
    case SoupBinTcpPacketType.CLIENT_HEARTBEAT:
      return; // receipt time already recorded; accepted before login too
    case SoupBinTcpPacketType.LOGIN_REQUEST:
      session.loginRequest(bytes, offset);
      return;
    case SoupBinTcpPacketType.UNSEQUENCED_DATA:
      if (session.activeOnly()) session.handler.onUnsequenced?.(bytes, offset, length);
      return;
    case SoupBinTcpPacketType.LOGOUT_REQUEST:
      session.close(SoupBinTcpCloseReason.LOGOUT, null);
      return;
    case SoupBinTcpPacketType.DEBUG:
      session.handler.onDebug?.(bytes, offset, length);
      return;
  }
}
