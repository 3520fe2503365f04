/**
 * SoupBinTCP client session: a pure state machine. The caller owns the socket and the clock:
 *
 * ```ts
 * const session = new SoupBinTcpClientSession(handler, { username, password });
 * socket.on('connect', () => session.connect(Date.now()));      // handler.send(login request)
 * socket.on('data', (chunk) => session.onBytes(chunk, Date.now()));
 * socket.on('close', () => session.onDisconnect());               // then reconnect + connect() again
 * setInterval(() => session.onTimer(Date.now()), 100);            // or arm a timer at nextTimerMs()
 * ```
 *
 * `connect()` after a disconnect logs in again to the session the server named in Login Accepted, asking
 * for the next sequence number not yet delivered, so the stream resumes without gaps or duplicates.
 */
import type { ItchErrorCode } from '../errors';
import { SoupBinTcpFramer } from './framer';
import type { SoupBinTcpFramerHandler } from './framer';
import {
  buildSoupBinTcpClientHeartbeat,
  buildSoupBinTcpLoginRequest,
  buildSoupBinTcpLogoutRequest,
  buildSoupBinTcpUnsequencedData,
  readSoupBinTcpLoginAccepted,
  SoupBinTcpDirection,
  SoupBinTcpPacketType,
} from './packet';
import type { SoupBinTcpLoginAccepted } from './packet';
import { parseSoupBinTcpTiming, SoupBinTcpCloseReason } from './session-options';
import type { SoupBinTcpTiming, SoupBinTcpTimingOptions } from './session-options';

export interface SoupBinTcpClientHandler {
  /**
   * Bytes to write to the socket, in order. Each array is either freshly allocated or a shared pre-encoded
   * constant (heartbeat, logout): safe to queue, never to mutate.
   */
  send(bytes: Uint8Array): void;
  onLoginAccepted(session: string, nextSequence: number): void;
  /** `reason`: `0x41` ('A', not authorized) or `0x53` ('S', session not available). `onClose` follows. */
  onLoginRejected(reason: number): void;
  /** One `S` packet. The bytes are valid only during the call. */
  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void;
  /** `Z` received; `onClose('end-of-session')` follows. */
  onEndOfSession(): void;
  /** The session is over on this connection: close the socket. Not called for `onDisconnect()`. */
  onClose(reason: SoupBinTcpCloseReason, code: ItchErrorCode | null): void;
  /** `+` debug packet (optional). */
  onDebug?(bytes: Uint8Array, offset: number, length: number): void;
}

export interface SoupBinTcpClientOptions extends SoupBinTcpTimingOptions {
  /** Up to 6 printable ASCII characters. */
  readonly username: string;
  /** Up to 10 printable ASCII characters. */
  readonly password: string;
  /** Session to ask for on the first login; `''` (default) = the current session. */
  readonly session?: string;
  /** Sequence number to ask for on the first login (default 1: the whole session; 0 = from the current end). */
  readonly sequence?: number;
}

export const SoupBinTcpClientState = {
  IDLE: 'idle',
  LOGIN_SENT: 'login-sent',
  ACTIVE: 'active',
  CLOSED: 'closed',
} as const;
export type SoupBinTcpClientState = (typeof SoupBinTcpClientState)[keyof typeof SoupBinTcpClientState];

/** Routes framer callbacks to the session without closures (one small object per session). */
class ClientFramerSink implements SoupBinTcpFramerHandler {
  constructor(private readonly session: SoupBinTcpClientSession) {}
  onPacket(type: number, bytes: Uint8Array, offset: number, length: number): void {
    onClientPacket(this.session, type, bytes, offset, length);
  }
  onError(code: ItchErrorCode): void {
    this.session.protocolError(code);
  }
}

export class SoupBinTcpClientSession {
  private readonly timing: SoupBinTcpTiming;
  private readonly framer: SoupBinTcpFramer;
  private _state: SoupBinTcpClientState = SoupBinTcpClientState.IDLE;
  private _session: string;
  private _nextSequence: number;
  private lastSentMs = 0;
  private lastReceivedMs = 0;
  private readonly accepted: SoupBinTcpLoginAccepted = { session: '', sequence: 0 };
  private _logins = 0;

  constructor(
    /** @internal */ readonly handler: SoupBinTcpClientHandler,
    private readonly options: SoupBinTcpClientOptions,
  ) {
    this.timing = parseSoupBinTcpTiming(options);
    this._session = options.session ?? '';
    this._nextSequence = options.sequence ?? 1;
    // Validate the credentials once, at construction (throws ItchError naming the field).
    buildSoupBinTcpLoginRequest({ username: options.username, password: options.password, session: this._session, sequence: this._nextSequence });
    this.framer = new SoupBinTcpFramer(new ClientFramerSink(this), SoupBinTcpDirection.SERVER_TO_CLIENT);
  }

  get state(): SoupBinTcpClientState {
    return this._state;
  }
  /** Session name from the last Login Accepted (or the configured one before any). */
  get session(): string {
    return this._session;
  }
  /** Sequence number of the next `S` packet (the one a re-login asks for). */
  get nextSequence(): number {
    return this._nextSequence;
  }
  /** Login Accepted packets received so far. */
  get logins(): number {
    return this._logins;
  }

  /** Transport connected: sends the Login Request. Also used to log in again after `onDisconnect()`. */
  connect(nowMs: number): void {
    this.framer.reset();
    this._state = SoupBinTcpClientState.LOGIN_SENT;
    this.lastReceivedMs = nowMs;
    this.send(
      buildSoupBinTcpLoginRequest({ username: this.options.username, password: this.options.password, session: this._session, sequence: this._nextSequence }),
      nowMs,
    );
  }

  /** Bytes read from the socket. */
  onBytes(chunk: Uint8Array, nowMs: number): void {
    if (this._state !== SoupBinTcpClientState.LOGIN_SENT && this._state !== SoupBinTcpClientState.ACTIVE) return;
    this.lastReceivedMs = nowMs;
    this.framer.push(chunk);
  }

  /** Drives heartbeats and dead-peer detection; call at or after `nextTimerMs()`. */
  onTimer(nowMs: number): void {
    if (this._state !== SoupBinTcpClientState.LOGIN_SENT && this._state !== SoupBinTcpClientState.ACTIVE) return;
    if (nowMs - this.lastReceivedMs >= this.timing.peerTimeoutMs) {
      this.closeWith(SoupBinTcpCloseReason.PEER_DEAD, null);
      return;
    }
    if (nowMs - this.lastSentMs >= this.timing.heartbeatIntervalMs) this.send(buildSoupBinTcpClientHeartbeat(), nowMs);
  }

  /** When `onTimer` next has work to do (`Infinity` when not connected). */
  nextTimerMs(): number {
    if (this._state !== SoupBinTcpClientState.LOGIN_SENT && this._state !== SoupBinTcpClientState.ACTIVE) return Infinity;
    return Math.min(this.lastSentMs + this.timing.heartbeatIntervalMs, this.lastReceivedMs + this.timing.peerTimeoutMs);
  }

  /** Sends a `U` packet (only once logged in; returns false otherwise). */
  sendUnsequenced(payload: Uint8Array, offset: number, length: number, nowMs: number): boolean {
    if (this._state !== SoupBinTcpClientState.ACTIVE) return false;
    this.send(buildSoupBinTcpUnsequencedData(payload, offset, length), nowMs);
    return true;
  }

  /** Sends `O` and closes (`onClose('logout')`). */
  logout(nowMs: number): void {
    if (this._state !== SoupBinTcpClientState.LOGIN_SENT && this._state !== SoupBinTcpClientState.ACTIVE) return;
    this.send(buildSoupBinTcpLogoutRequest(), nowMs);
    this.closeWith(SoupBinTcpCloseReason.LOGOUT, null);
  }

  /**
   * The transport closed (peer, network or our own close). Any partial packet is dropped; `nextSequence` is
   * kept, so `connect()` on a new socket resumes from the next undelivered message.
   */
  onDisconnect(): void {
    this.framer.stop();
    this._state = SoupBinTcpClientState.CLOSED;
  }

  private send(bytes: Uint8Array, nowMs: number): void {
    this.lastSentMs = nowMs;
    this.handler.send(bytes);
  }

  private closeWith(reason: SoupBinTcpCloseReason, code: ItchErrorCode | null): void {
    if (this._state === SoupBinTcpClientState.CLOSED) return;
    this.framer.stop();
    this._state = SoupBinTcpClientState.CLOSED;
    this.handler.onClose(reason, code);
  }

  /** @internal */
  protocolError(code: ItchErrorCode): void {
    this.closeWith(SoupBinTcpCloseReason.PROTOCOL_ERROR, code);
  }

  /** @internal */
  acceptLogin(bytes: Uint8Array, offset: number): void {
    if (this._state !== SoupBinTcpClientState.LOGIN_SENT) return this.closeWith(SoupBinTcpCloseReason.PROTOCOL_ERROR, 'SOUPBINTCP_ERR_UNEXPECTED_PACKET');
    const err = readSoupBinTcpLoginAccepted(bytes, offset, this.accepted);
    if (err) return this.closeWith(SoupBinTcpCloseReason.PROTOCOL_ERROR, err);
    this._session = this.accepted.session;
    this._nextSequence = this.accepted.sequence;
    this._state = SoupBinTcpClientState.ACTIVE;
    this._logins++;
    this.handler.onLoginAccepted(this._session, this._nextSequence);
  }

  /** @internal */
  rejectLogin(reason: number): void {
    if (this._state !== SoupBinTcpClientState.LOGIN_SENT) return this.closeWith(SoupBinTcpCloseReason.PROTOCOL_ERROR, 'SOUPBINTCP_ERR_UNEXPECTED_PACKET');
    this.handler.onLoginRejected(reason);
    this.closeWith(SoupBinTcpCloseReason.LOGIN_REJECTED, null);
  }

  /** @internal */
  sequenced(bytes: Uint8Array, offset: number, length: number): void {
    if (this._state !== SoupBinTcpClientState.ACTIVE) return this.closeWith(SoupBinTcpCloseReason.PROTOCOL_ERROR, 'SOUPBINTCP_ERR_UNEXPECTED_PACKET');
    const seq = this._nextSequence++;
    this.handler.onMessage(seq, bytes, offset, length);
  }

  /** @internal */
  endOfSession(): void {
    if (this._state !== SoupBinTcpClientState.ACTIVE) return this.closeWith(SoupBinTcpCloseReason.PROTOCOL_ERROR, 'SOUPBINTCP_ERR_UNEXPECTED_PACKET');
    this.handler.onEndOfSession();
    this.closeWith(SoupBinTcpCloseReason.END_OF_SESSION, null);
  }
}

/** Module-level dispatch (no per-session closures). */
function onClientPacket(session: SoupBinTcpClientSession, type: number, bytes: Uint8Array, offset: number, length: number): void {
  switch (type) {
    case SoupBinTcpPacketType.SEQUENCED_DATA:
      session.sequenced(bytes, offset, length);
      return;
    case SoupBinTcpPacketType.SERVER_HEARTBEAT:
      return; // receipt time already recorded
    case SoupBinTcpPacketType.LOGIN_ACCEPTED:
      session.acceptLogin(bytes, offset);
      return;
    case SoupBinTcpPacketType.LOGIN_REJECTED:
      session.rejectLogin(bytes[offset]!);
      return;
    case SoupBinTcpPacketType.END_OF_SESSION:
      session.endOfSession();
      return;
    case SoupBinTcpPacketType.DEBUG:
      session.handler.onDebug?.(bytes, offset, length);
      return;
  }
}
