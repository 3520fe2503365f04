import {
  errorCodeInfo,
  SubscriptionMode,
  SubscriptionResultCode,
  type ClientMessage,
  type ErrorMessage,
  type MarketUpdate,
  type ServerMessage,
  type SubscribeAck,
  type Welcome,
} from '@tickwire/protocol';
import {
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
  DEFAULT_INITIAL_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
  HEARTBEAT_INTERVALS_BEFORE_TIMEOUT,
  MAX_SYMBOLS_PER_REQUEST,
  parseClientOptions,
  resolveToken,
  type Mode,
  type ResolvedClientOptions,
  type TickwireClientOptions,
} from './client-options';
import { TickwireClientError } from './errors';
import { Listeners } from './listeners';
import { backoffDelay, closeDisposition } from './reconnect-policy';
import { StatsRecorder, type LatencySummary } from './stats-recorder';
import { SymbolStates, type SymbolState } from './symbol-states';
import { wireCodec, type WireCodec } from './wire-codec';
import { SOCKET_OPEN, type SocketCloseEvent, type SocketMessageEvent, type WebSocketLike } from './websocket-like';

export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What came with a status change: the close that caused it, and when the next attempt starts. */
export interface StatusDetail {
  /** The WebSocket close code (absent when the client gave up on the socket itself, e.g. a heartbeat timeout). */
  code?: number;
  reason?: string;
  /** `'reconnecting'`: the next attempt starts in this many ms (the backoff, or a drain notice's `afterMs`). */
  retryInMs?: number;
  /** `'connecting'`/`'reconnecting'`: consecutive reconnect attempts since the last `welcome` (0 = first connection). */
  attempt?: number;
}

export interface WelcomeInfo {
  sessionId: string;
  tier: string;
  heartbeatMs: number;
  maxSubscriptions: number;
}

export type SubscriptionResultCodeName = 'ok' | 'unknown_symbol' | 'not_entitled' | 'limit_reached' | 'invalid_symbol' | 'already_subscribed' | 'unavailable';

export interface SubscriptionResult {
  symbol: string;
  code: SubscriptionResultCodeName;
  /** The mode granted (`ok`, `already_subscribed`). */
  mode?: Mode;
}

/** An in-band `error` from the server, a final close, or a local failure (`code` 0, `name` `CLIENT_ERR_*`). */
export interface TickwireErrorEvent {
  code: number;
  name: string;
  message: string;
  retryable: boolean;
}

/** The server is draining: the close follows, and the client reconnects no earlier than `afterMs` after this notice. */
export interface DrainNotice {
  afterMs: number;
  reason: string;
}

export interface ClientStats {
  status: ConnectionStatus;
  /** Reconnect attempts started (the first connection is not one). */
  reconnects: number;
  /** `resync` requests sent (gaps and epoch changes). */
  resyncs: number;
  /** Sequence gaps seen. */
  gaps: number;
  /** Deltas dropped as duplicates. */
  duplicates: number;
  frames: number;
  /** Server messages, batches unpacked. */
  messages: number;
  /** `update` messages received (applied or not). */
  updates: number;
  /** Frame bytes received (UTF-8 for text). */
  bytes: number;
  messagesPerSec: number;
  updatesPerSec: number;
  bytesPerSec: number;
  /** Arrival minus `publishTs` over the latest deltas (clock skew between the hosts included). */
  latencyMs?: LatencySummary;
}

export type ResyncReason = 'gap' | 'epoch';

export interface TickwireClientEvents {
  status: (status: ConnectionStatus, detail: StatusDetail) => void;
  welcome: (info: WelcomeInfo) => void;
  update: (state: Readonly<SymbolState>, update: MarketUpdate) => void;
  subscription: (result: SubscriptionResult) => void;
  resync: (symbol: string, reason: ResyncReason) => void;
  error: (error: TickwireErrorEvent) => void;
  drain: (notice: DrainNotice) => void;
}

const MODE_WIRE: Readonly<Record<Mode, SubscriptionMode>> = Object.freeze({ ltp: SubscriptionMode.LTP, quote: SubscriptionMode.QUOTE, full: SubscriptionMode.FULL });
const MODE_NAMES: Readonly<Partial<Record<number, Mode>>> = Object.freeze({ [SubscriptionMode.LTP]: 'ltp', [SubscriptionMode.QUOTE]: 'quote', [SubscriptionMode.FULL]: 'full' });
const RESULT_NAMES: Readonly<Partial<Record<number, SubscriptionResultCodeName>>> = Object.freeze({
  [SubscriptionResultCode.OK]: 'ok',
  [SubscriptionResultCode.UNKNOWN_SYMBOL]: 'unknown_symbol',
  [SubscriptionResultCode.NOT_ENTITLED]: 'not_entitled',
  [SubscriptionResultCode.LIMIT_REACHED]: 'limit_reached',
  [SubscriptionResultCode.INVALID_SYMBOL]: 'invalid_symbol',
  [SubscriptionResultCode.ALREADY_SUBSCRIBED]: 'already_subscribed',
  [SubscriptionResultCode.UNAVAILABLE]: 'unavailable',
});
/** Results after which the symbol is no longer wanted: asking again (e.g. after a reconnect) cannot help. */
const FINAL_REFUSALS: ReadonlySet<SubscriptionResultCodeName> = new Set(['unknown_symbol', 'not_entitled', 'limit_reached', 'invalid_symbol']);
/** The mode of a snapshot that arrives for a symbol whose ack named none (should not happen). */
const FALLBACK_MODE: Mode = 'quote';
const MAX_REQUEST_ID = 0xffff_ffff;
const CLIENT_CLOSE_CODE = 1000;

type Timer = ReturnType<typeof setTimeout>;

/** One `subscribe()` call: resolves once every symbol it asked for has a result. */
interface PendingCall {
  readonly index: Map<string, number>;
  readonly results: (SubscriptionResult | undefined)[];
  remaining: number;
  done: boolean;
  readonly resolve: (results: SubscriptionResult[]) => void;
  readonly reject: (error: Error) => void;
}

/** A subscribe request sent and not yet acknowledged. */
interface InFlight {
  readonly symbols: readonly string[];
  readonly calls: ReadonlySet<PendingCall>;
}

function noop(): void {}

function toList(symbols: string | readonly string[]): string[] {
  const list = typeof symbols === 'string' ? [symbols] : symbols;
  if (!Array.isArray(list)) throw new TickwireClientError('CLIENT_ERR_INVALID_ARGUMENT', 'symbols must be a string or an array of strings');
  const out: string[] = [];
  const seen = new Set<string>();
  for (const symbol of list) {
    if (typeof symbol !== 'string' || symbol === '') throw new TickwireClientError('CLIENT_ERR_INVALID_ARGUMENT', `symbols must be non-empty strings, got ${JSON.stringify(symbol)}`);
    if (!seen.has(symbol)) {
      seen.add(symbol);
      out.push(symbol);
    }
  }
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The Tickwire client: one WebSocket to the edge, subscriptions that survive reconnects, and the merged state
 * of every subscribed symbol (docs/protocol.md is the spec; README.md says what the client does with it).
 *
 * Works in browsers and in Node (pass `createSocket`). Timers run only while needed; after `close()` none is
 * left.
 */
export class TickwireClient {
  private readonly options: ResolvedClientOptions;
  private readonly codec: WireCodec;
  private readonly listeners = new Listeners<TickwireClientEvents>();
  private readonly states = new SymbolStates();
  private readonly recorder: StatsRecorder;

  private currentStatus: ConnectionStatus = 'idle';
  private socket: WebSocketLike | undefined;
  /** Bumped by every attempt and by `close()`: an answer of an older attempt (a late token) is dropped. */
  private generation = 0;
  /** `welcome` arrived on the current socket. */
  private ready = false;
  private closedByUser = false;
  /** Reconnect attempts since the last `welcome`: the backoff exponent. */
  private attempt = 0;
  /** A drain notice's earliest reconnect time (`now()` + its `afterMs`), until the close it announced. */
  private drainReconnectAtMs: number | undefined;

  private livenessTimer: Timer | undefined;
  private livenessTimeoutMs = 0;
  private lastReceivedMs = 0;
  private reconnectTimer: Timer | undefined;
  private retryTimer: Timer | undefined;
  private retryAttempt = 0;

  /** Wanted subscriptions: symbol -> mode asked (undefined: the server's default). */
  private readonly wanted = new Map<string, Mode | undefined>();
  /** Mode granted by the latest ack. */
  private readonly granted = new Map<string, Mode>();
  private readonly inFlight = new Map<number, InFlight>();
  private readonly resyncsInFlight = new Map<number, readonly string[]>();
  /** Calls waiting for a request to carry their symbols (made while disconnected, or after a lost connection). */
  private readonly unbound = new Set<PendingCall>();
  /** Resync sent (or to send), snapshot not yet here. */
  private readonly awaitingSnapshot = new Set<string>();
  private readonly retrySubscribe = new Set<string>();
  private readonly retryResync = new Set<string>();
  /** Symbols found out of sequence while handling the current frame: one `resync` after it. */
  private readonly resyncQueue: string[] = [];
  private nextId = 1;

  private reconnects = 0;
  private resyncs = 0;
  private gaps = 0;
  private duplicates = 0;

  constructor(options: TickwireClientOptions) {
    this.options = parseClientOptions(options);
    this.codec = wireCodec(this.options.encoding);
    this.recorder = new StatsRecorder(this.options.now());
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** Starts connecting. Idempotent while connecting or connected; after a final close by the server it starts over. */
  connect(): void {
    if (this.closedByUser) throw new TickwireClientError('CLIENT_ERR_CLOSED', 'connect() after close()');
    if (this.currentStatus !== 'idle' && this.currentStatus !== 'closed') return;
    this.attempt = 0;
    this.startAttempt();
  }

  /** Closes for good: status `'closed'`, no reconnect, no timer left. Pending `subscribe()` promises reject. */
  close(): void {
    if (this.closedByUser) return;
    this.closedByUser = true;
    this.generation++;
    this.clearTimers();
    this.dropSocket(true);
    this.forgetRequests();
    this.rejectUnbound(new TickwireClientError('CLIENT_ERR_CLOSED'));
    this.setStatus('closed', { code: CLIENT_CLOSE_CODE, reason: 'client closed' });
  }

  /**
   * Wants `symbols` in `mode` (default: the server's) from now on, across reconnects. Sent now when connected,
   * else when the next connection is welcomed. Resolves with this call's result per symbol, in order, once
   * each has arrived (symbols unsubscribed meanwhile are left out). Rejects when the client closes first or the
   * server refuses the request itself (`CLIENT_ERR_REQUEST_FAILED`).
   */
  subscribe(symbols: string | readonly string[], mode?: Mode): Promise<SubscriptionResult[]> {
    if (this.closedByUser) return Promise.reject(new TickwireClientError('CLIENT_ERR_CLOSED', 'subscribe() after close()'));
    let list: string[];
    try {
      list = toList(symbols);
      if (mode !== undefined && MODE_WIRE[mode] === undefined) throw new TickwireClientError('CLIENT_ERR_INVALID_ARGUMENT', `mode must be 'ltp', 'quote' or 'full', got ${JSON.stringify(mode)}`);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (list.length === 0) return Promise.resolve([]);
    return new Promise<SubscriptionResult[]>((resolve, reject) => {
      const call: PendingCall = { index: new Map(list.map((symbol, i) => [symbol, i])), results: new Array(list.length).fill(undefined), remaining: list.length, done: false, resolve, reject };
      for (const symbol of list) {
        this.wanted.set(symbol, mode);
        this.retrySubscribe.delete(symbol);
      }
      this.unbound.add(call);
      if (this.ready) this.sendSubscribes(new Map([[mode, list]]));
    });
  }

  /** Stops wanting `symbols`: their states are dropped at once, the server is told when connected. */
  unsubscribe(symbols: string | readonly string[]): void {
    const list = toList(symbols);
    const removed: string[] = [];
    for (const symbol of list) {
      if (this.wanted.delete(symbol)) removed.push(symbol);
      this.granted.delete(symbol);
      this.states.delete(symbol);
      this.awaitingSnapshot.delete(symbol);
      this.retrySubscribe.delete(symbol);
      this.retryResync.delete(symbol);
    }
    if (removed.length === 0) return;
    const gone = new Set(removed);
    for (const call of this.pendingCalls()) {
      for (const symbol of gone) {
        const i = call.index.get(symbol);
        if (i !== undefined && call.results[i] === undefined) {
          call.index.delete(symbol);
          this.settleOne(call);
        }
      }
    }
    if (this.ready) for (const chunk of chunks(removed, MAX_SYMBOLS_PER_REQUEST)) this.send({ id: this.requestId(), body: { $case: 'unsubscribe', value: { symbols: chunk } } });
  }

  /** The merged state of `symbol`, or undefined before its first snapshot (and after a gap until the next one). */
  state(symbol: string): Readonly<SymbolState> | undefined {
    return this.states.get(symbol);
  }

  /** The symbols wanted, with the mode asked (undefined: the server's default). */
  subscriptions(): ReadonlyMap<string, Mode | undefined> {
    return new Map(this.wanted);
  }

  stats(): ClientStats {
    const r = this.recorder;
    const stats: ClientStats = {
      status: this.currentStatus,
      reconnects: this.reconnects,
      resyncs: this.resyncs,
      gaps: this.gaps,
      duplicates: this.duplicates,
      frames: r.frames,
      messages: r.messages,
      updates: r.updates,
      bytes: r.bytes,
      ...r.rates(this.options.now()),
    };
    const latency = r.latencySummary();
    if (latency !== undefined) stats.latencyMs = latency;
    return stats;
  }

  /** Adds a listener; the returned function removes it. */
  on<E extends keyof TickwireClientEvents>(event: E, listener: TickwireClientEvents[E]): () => void {
    return this.listeners.add(event, listener);
  }

  // --- connection lifecycle -----------------------------------------------------------------------------

  private setStatus(status: ConnectionStatus, detail: StatusDetail): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.listeners.emit('status', status, detail);
  }

  private startAttempt(): void {
    const generation = ++this.generation;
    this.ready = false;
    this.armLiveness(this.options.connectTimeoutMs);
    this.setStatus('connecting', { attempt: this.attempt });
    if (generation !== this.generation) return; // a status listener closed the client
    const token = this.options.token;
    if (typeof token === 'function') {
      resolveToken(token).then(
        (value) => this.openSocket(generation, value),
        (error: unknown) => {
          if (generation !== this.generation) return;
          const message = error instanceof Error ? error.message : String(error);
          this.listeners.emit('error', { code: 0, name: 'CLIENT_ERR_TOKEN_FAILED', message, retryable: true });
          if (generation === this.generation) this.connectionLost(undefined, `token: ${message}`);
        },
      );
    } else {
      this.openSocket(generation, token);
    }
  }

  private openSocket(generation: number, token: string | undefined): void {
    if (generation !== this.generation) return;
    let url = this.options.url;
    if (token !== undefined) {
      const withToken = new URL(url);
      withToken.searchParams.set('token', token);
      url = withToken.toString();
    }
    let socket: WebSocketLike;
    try {
      socket = this.options.createSocket(url, [this.codec.subprotocol]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.listeners.emit('error', { code: 0, name: 'CLIENT_ERR_CONNECT_FAILED', message, retryable: true });
      if (generation === this.generation) this.connectionLost(undefined, `createSocket: ${message}`);
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = noop;
    socket.onerror = noop; // a close event always follows
    socket.onmessage = (event: SocketMessageEvent) => {
      if (socket === this.socket) this.onFrame(event.data);
    };
    socket.onclose = (event: SocketCloseEvent) => {
      if (socket === this.socket) this.connectionLost(event.code, event.reason);
    };
  }

  /** Detaches the current socket (its late events are ignored) and closes it. */
  private dropSocket(graceful: boolean): void {
    const socket = this.socket;
    this.socket = undefined;
    this.ready = false;
    if (socket === undefined) return;
    socket.onopen = noop;
    socket.onmessage = noop;
    socket.onclose = noop;
    socket.onerror = noop; // `ws` emits 'error' when a connecting socket is closed: it needs a listener
    try {
      // A dead connection would wait for a closing handshake that never completes; `ws` can skip it.
      const terminate = (socket as { terminate?: () => void }).terminate;
      if (!graceful && typeof terminate === 'function') terminate.call(socket);
      else socket.close(CLIENT_CLOSE_CODE, graceful ? 'client closed' : 'connection given up');
    } catch {
      // Closing a socket that failed already: nothing left to do.
    }
  }

  /** The connection is gone (closed by the server, failed, or given up on): reconnect or stop. */
  private connectionLost(code: number | undefined, reason: string): void {
    this.generation++; // a token still on its way belongs to the lost attempt
    this.dropSocket(false);
    this.clearLiveness();
    this.clearRetry();
    this.forgetRequests();
    if (this.closedByUser) return;
    const detail: StatusDetail = code === undefined ? { reason } : { code, reason };
    const disposition = closeDisposition(code);
    if (!disposition.retryable || this.options.reconnect === false) {
      this.drainReconnectAtMs = undefined;
      this.rejectUnbound(new TickwireClientError('CLIENT_ERR_CLOSED', `${disposition.name}${reason ? `: ${reason}` : ''}`));
      this.setStatus('closed', detail);
      this.listeners.emit('error', { code: code ?? 0, name: disposition.name, message: reason || disposition.description, retryable: disposition.retryable });
      return;
    }
    const reconnect = this.options.reconnect;
    // The server spreads its closes over the drain window itself (the close comes about afterMs after the
    // notice), so the wait counts from the notice, not from the close.
    const delay = this.drainReconnectAtMs === undefined ? backoffDelay(this.attempt, reconnect.initialDelayMs, reconnect.maxDelayMs, this.options.random) : Math.max(0, this.drainReconnectAtMs - this.options.now());
    this.drainReconnectAtMs = undefined;
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.reconnects++;
      this.startAttempt();
    }, delay);
    this.setStatus('reconnecting', { ...detail, retryInMs: delay, attempt: this.attempt });
  }

  // --- liveness: connect timeout, then heartbeat timeout ---------------------------------------------------

  private armLiveness(timeoutMs: number): void {
    this.clearLiveness();
    this.livenessTimeoutMs = timeoutMs;
    this.lastReceivedMs = this.options.now();
    this.livenessTimer = setTimeout(this.checkLiveness, timeoutMs);
  }

  /** One timer per timeout period, not one per message: each check re-arms for the time left. */
  private readonly checkLiveness = (): void => {
    this.livenessTimer = undefined;
    const silentMs = this.options.now() - this.lastReceivedMs;
    if (silentMs >= this.livenessTimeoutMs) {
      this.connectionLost(undefined, this.ready ? `heartbeat timeout: nothing received for ${this.livenessTimeoutMs} ms` : `connect timeout: no welcome within ${this.livenessTimeoutMs} ms`);
      return;
    }
    this.livenessTimer = setTimeout(this.checkLiveness, this.livenessTimeoutMs - silentMs);
  };

  private clearLiveness(): void {
    if (this.livenessTimer !== undefined) clearTimeout(this.livenessTimer);
    this.livenessTimer = undefined;
  }

  private clearRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retrySubscribe.clear();
    this.retryResync.clear();
  }

  private clearTimers(): void {
    this.clearLiveness();
    this.clearRetry();
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  // --- inbound --------------------------------------------------------------------------------------------

  private onFrame(data: unknown): void {
    const nowMs = this.options.now();
    this.lastReceivedMs = nowMs;
    const socket = this.socket;
    const decoded = this.codec.decode(data);
    const counts = { messages: 0, updates: 0 };
    // Undecodable frames and frames of the other kind are ignored (a newer server's message types included).
    if (decoded !== undefined && decoded.ok) this.dispatch(decoded.message, nowMs, counts, socket);
    this.recorder.frame(nowMs, this.codec.frameBytes(data), counts.messages, counts.updates);
    if (this.resyncQueue.length > 0 && socket === this.socket) this.flushResyncs();
  }

  private dispatch(message: ServerMessage, nowMs: number, counts: { messages: number; updates: number }, socket: WebSocketLike | undefined): void {
    const body = message.body;
    if (body === undefined) return;
    if (body.$case === 'batch') {
      const messages = body.value.messages;
      // Each as if it had arrived alone; stop if a listener closed the client meanwhile.
      for (let i = 0; i < messages.length && socket === this.socket; i++) this.dispatch(messages[i]!, nowMs, counts, socket);
      return;
    }
    counts.messages++;
    switch (body.$case) {
      case 'update':
        counts.updates++;
        this.onUpdate(body.value, nowMs);
        return;
      case 'welcome':
        this.onWelcome(body.value);
        return;
      case 'subscribeAck':
        this.onSubscribeAck(body.value);
        return;
      case 'error':
        this.onServerError(body.value);
        return;
      case 'reconnect':
        this.drainReconnectAtMs = this.options.now() + body.value.afterMs;
        this.listeners.emit('drain', { afterMs: body.value.afterMs, reason: body.value.reason });
        return;
      case 'ping':
        this.send({ id: 0, body: { $case: 'pong', value: { ts: body.value.ts } } });
        return;
      default:
        // pong, unsubscribe_ack: nothing to do.
        return;
    }
  }

  private onWelcome(welcome: Welcome): void {
    if (this.ready) return;
    this.ready = true;
    this.attempt = 0;
    this.retryAttempt = 0;
    const timeoutMs = this.options.heartbeatTimeoutMs ?? (welcome.heartbeatMs > 0 ? HEARTBEAT_INTERVALS_BEFORE_TIMEOUT * welcome.heartbeatMs : DEFAULT_HEARTBEAT_TIMEOUT_MS);
    this.armLiveness(timeoutMs);
    // Every wanted subscription again, grouped by mode; states held from before stay until their snapshots replace them.
    this.awaitingSnapshot.clear();
    const groups = new Map<Mode | undefined, string[]>();
    for (const [symbol, mode] of this.wanted) {
      const group = groups.get(mode);
      if (group === undefined) groups.set(mode, [symbol]);
      else group.push(symbol);
    }
    const socket = this.socket;
    if (groups.size > 0) this.sendSubscribes(groups);
    this.setStatus('open', {});
    if (socket !== this.socket) return;
    this.listeners.emit('welcome', { sessionId: welcome.sessionId, tier: welcome.tier, heartbeatMs: welcome.heartbeatMs, maxSubscriptions: welcome.maxSubscriptions });
  }

  private onUpdate(update: MarketUpdate, nowMs: number): void {
    const symbol = update.symbol;
    if (!this.wanted.has(symbol)) return; // trailing updates after an unsubscribe
    const outcome = this.states.apply(update, this.granted.get(symbol) ?? this.wanted.get(symbol) ?? FALLBACK_MODE, nowMs);
    if (typeof outcome === 'string') {
      if (outcome === 'duplicate') this.duplicates++;
      else if (outcome === 'gap') {
        this.gaps++;
        this.resync(symbol, 'gap');
      } else if (outcome === 'epoch') this.resync(symbol, 'epoch');
      return;
    }
    if (update.snapshot) this.awaitingSnapshot.delete(symbol);
    // Latency of live deltas only: a snapshot (after a subscribe, a resync or a mode change) carries the
    // publish time of the state it shows, which may be long past.
    if (!update.snapshot && outcome.publishTsMs !== undefined) this.recorder.latencySample(nowMs - outcome.publishTsMs);
    this.listeners.emit('update', outcome, update);
  }

  private resync(symbol: string, reason: ResyncReason): void {
    this.resyncs++;
    this.awaitingSnapshot.add(symbol);
    this.resyncQueue.push(symbol);
    this.listeners.emit('resync', symbol, reason);
  }

  private flushResyncs(): void {
    const symbols = this.resyncQueue.splice(0).filter((symbol) => this.wanted.has(symbol) && this.awaitingSnapshot.has(symbol));
    if (this.ready) this.sendResyncs(symbols);
  }

  private sendResyncs(symbols: readonly string[]): void {
    for (const chunk of chunks(symbols, MAX_SYMBOLS_PER_REQUEST)) {
      const id = this.requestId();
      this.resyncsInFlight.set(id, chunk);
      this.send({ id, body: { $case: 'resync', value: { symbols: chunk } } });
    }
  }

  private onSubscribeAck(ack: SubscribeAck): void {
    const request = this.inFlight.get(ack.id);
    this.inFlight.delete(ack.id);
    let retry = false;
    for (const raw of ack.results) {
      const symbol = raw.symbol;
      // A code this version does not know is taken as a temporary refusal.
      const code = RESULT_NAMES[raw.code] ?? 'unavailable';
      const mode = MODE_NAMES[raw.mode];
      const result: SubscriptionResult = mode === undefined ? { symbol, code } : { symbol, code, mode };
      if (this.wanted.has(symbol)) {
        if (code === 'ok' || code === 'already_subscribed') {
          if (mode !== undefined) this.granted.set(symbol, mode);
        } else if (FINAL_REFUSALS.has(code)) {
          this.wanted.delete(symbol);
          this.granted.delete(symbol);
          this.states.delete(symbol);
        } else {
          this.retrySubscribe.add(symbol);
          retry = true;
        }
      }
      if (request !== undefined) for (const call of request.calls) this.fill(call, result);
      this.listeners.emit('subscription', result);
    }
    if (retry) this.scheduleRetry();
  }

  private onServerError(error: ErrorMessage): void {
    const info = errorCodeInfo(error.code);
    const id = error.requestId;
    if (id !== 0) {
      const request = this.inFlight.get(id);
      if (request !== undefined) {
        this.inFlight.delete(id);
        if (error.retryable) {
          for (const symbol of request.symbols) if (this.wanted.has(symbol)) this.retrySubscribe.add(symbol);
          for (const call of request.calls) if (!call.done) this.unbound.add(call);
          this.scheduleRetry();
        } else {
          // Asking again cannot help (e.g. more symbols per request than this server allows): stop wanting them.
          for (const symbol of request.symbols) {
            this.wanted.delete(symbol);
            this.granted.delete(symbol);
          }
          const failure = new TickwireClientError('CLIENT_ERR_REQUEST_FAILED', `${info?.name ?? error.code}: ${error.message}`);
          for (const call of request.calls) this.fail(call, failure);
        }
      }
      const resync = this.resyncsInFlight.get(id);
      if (resync !== undefined) {
        this.resyncsInFlight.delete(id);
        if (error.retryable) {
          for (const symbol of resync) if (this.awaitingSnapshot.has(symbol)) this.retryResync.add(symbol);
          this.scheduleRetry();
        }
      }
    }
    this.listeners.emit('error', { code: error.code, name: info?.name ?? 'UNKNOWN_ERROR', message: error.message, retryable: error.retryable });
  }

  // --- requests -------------------------------------------------------------------------------------------

  private requestId(): number {
    const id = this.nextId;
    this.nextId = id >= MAX_REQUEST_ID ? 1 : id + 1;
    return id;
  }

  private send(message: ClientMessage): void {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== SOCKET_OPEN) return;
    try {
      socket.send(this.codec.encode(message));
    } catch {
      // The socket is closing; its close event takes it from here.
    }
  }

  /** Sends subscribe requests (at most 500 symbols each) and binds the waiting calls to them. */
  private sendSubscribes(groups: ReadonlyMap<Mode | undefined, readonly string[]>): void {
    const waiting = new Map<string, PendingCall[]>();
    for (const call of this.unbound) {
      for (const [symbol, i] of call.index) {
        if (call.results[i] !== undefined) continue;
        const list = waiting.get(symbol);
        if (list === undefined) waiting.set(symbol, [call]);
        else list.push(call);
      }
    }
    for (const [mode, symbols] of groups) {
      const wireMode = mode === undefined ? SubscriptionMode.UNSPECIFIED : MODE_WIRE[mode];
      for (const chunk of chunks(symbols, MAX_SYMBOLS_PER_REQUEST)) {
        const calls = new Set<PendingCall>();
        for (const symbol of chunk) for (const call of waiting.get(symbol) ?? []) calls.add(call);
        for (const call of calls) this.unbound.delete(call);
        const id = this.requestId();
        this.inFlight.set(id, { symbols: chunk, calls });
        this.send({ id, body: { $case: 'subscribe', value: { items: chunk.map((symbol) => ({ symbol, mode: wireMode })) } } });
      }
    }
  }

  /** Retries refused-for-now subscriptions (`unavailable`, rate-limited) and failed resyncs after a backoff. */
  private scheduleRetry(): void {
    if (this.retryTimer !== undefined) return;
    const reconnect = this.options.reconnect;
    const delay = backoffDelay(this.retryAttempt++, reconnect ? reconnect.initialDelayMs : DEFAULT_INITIAL_DELAY_MS, reconnect ? reconnect.maxDelayMs : DEFAULT_MAX_DELAY_MS, this.options.random);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.ready) return;
      const groups = new Map<Mode | undefined, string[]>();
      for (const symbol of this.retrySubscribe) {
        if (!this.wanted.has(symbol)) continue;
        const mode = this.wanted.get(symbol);
        const group = groups.get(mode);
        if (group === undefined) groups.set(mode, [symbol]);
        else group.push(symbol);
      }
      const resync = [...this.retryResync].filter((symbol) => this.wanted.has(symbol) && this.awaitingSnapshot.has(symbol));
      this.retrySubscribe.clear();
      this.retryResync.clear();
      if (groups.size > 0) this.sendSubscribes(groups);
      if (resync.length > 0) this.sendResyncs(resync);
    }, delay);
  }

  private fill(call: PendingCall, result: SubscriptionResult): void {
    if (call.done) return;
    const i = call.index.get(result.symbol);
    if (i === undefined || call.results[i] !== undefined) return;
    call.results[i] = result;
    this.settleOne(call);
  }

  /** One of the call's symbols has its answer (or is no longer asked for). */
  private settleOne(call: PendingCall): void {
    if (--call.remaining > 0) return;
    call.done = true;
    this.unbound.delete(call);
    call.resolve(call.results.filter((r): r is SubscriptionResult => r !== undefined));
  }

  private fail(call: PendingCall, error: Error): void {
    if (call.done) return;
    call.done = true;
    this.unbound.delete(call);
    call.reject(error);
  }

  private pendingCalls(): Set<PendingCall> {
    const calls = new Set<PendingCall>(this.unbound);
    for (const request of this.inFlight.values()) for (const call of request.calls) if (!call.done) calls.add(call);
    return calls;
  }

  /** The connection is gone: unanswered requests are forgotten; their calls wait for the next connection. */
  private forgetRequests(): void {
    for (const request of this.inFlight.values()) for (const call of request.calls) if (!call.done) this.unbound.add(call);
    this.inFlight.clear();
    this.resyncsInFlight.clear();
    this.awaitingSnapshot.clear();
    this.resyncQueue.length = 0;
  }

  private rejectUnbound(error: Error): void {
    for (const call of [...this.unbound]) this.fail(call, error);
  }
}
