import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CLOSE_CODES,
  encodeServerJson,
  type Candle,
  type Instrument,
  type MarketUpdate,
  type SubscriptionMode,
  type GetSnapshotsResponse,
} from '@tickwire/protocol';
import { SnapshotClientError } from '@tickwire/snapshot-grpc';
import { AccessError, AdmissionPacer, ArrivalGate, type AdmissionPacerOptions, type ConnectionLimiter, type OriginPolicy, type Principal } from './access';
import { ClientSession, type SessionServices } from './client-session';
import type { RejectionReason } from './edge-metrics';
import { frameworkErrorAnswer, installHttpAnswers, MODE_BY_NAME, sendError, symbolsProblem } from './http-answers';
import { SseTransport } from './sse-transport';
import type { StaticSite } from './static-site';
import { Encoding, encodingFromSubprotocols } from './wire-encoding';
import { WebSocketTransport } from './websocket-transport';

/** The snapshot service calls the HTTP endpoints make (`SnapshotClient` from @tickwire/snapshot-grpc fits). */
export interface SnapshotQueries {
  getSnapshots(symbols: readonly string[], mode: SubscriptionMode): Promise<GetSnapshotsResponse>;
  listInstruments(prefix: string, limit: number): Promise<Instrument[]>;
  getCandles(symbol: string, fromNs: bigint, toNs: bigint): Promise<Candle[]>;
}

export interface EdgeServerOptions {
  readonly host: string;
  readonly port: number;
  /** Pending connections the kernel may queue for accept (`listen`'s backlog). */
  readonly listenBacklog: number;
  readonly services: SessionServices;
  readonly snapshots: SnapshotQueries;
  readonly origins: OriginPolicy;
  readonly connections: ConnectionLimiter;
  /** Anonymous access allowed: no token needed, no auth message awaited. */
  readonly allowAnonymous: boolean;
  /** Static files (the dashboard) on `GET /` and `GET /<file>`; the API's routes keep precedence. */
  readonly staticSite?: StaticSite;
  /** How fast WebSocket upgrades are admitted, and how many may wait their turn. */
  readonly admission: AdmissionPacerOptions;
}

/** An upgrade request holding its connection slot while it waits for admission. */
interface WaitingUpgrade {
  readonly request: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly url: URL;
  readonly encoding: Encoding;
  readonly ip: string;
}

/** A connection held unread by the arrival gate, and when it arrived (its admission wait counts from then). */
interface HeldArrival {
  readonly socket: Socket;
  readonly arrivedMs: number;
}

/** What a connection refused by admission pacing is told. */
const ARRIVING_AT_ONCE = 'too many connections arriving at once; retry shortly';

/**
 * How long a connection let through by the arrival gate counts as on its way to admission without sending its
 * request. A client's request is already in the socket when it is let through in a storm; one that is not
 * read within this (a turn of a very busy event loop, or a client that sends nothing) stops holding a place.
 */
const REQUEST_GRACE_MS = 100;

/** Waiting upgrades are admitted in groups at most this often: one timer per turn, not per connection. */
const ADMISSION_TICK_MS = 5;

const NO_SNAPSHOTS: GetSnapshotsResponse = Object.freeze({ snapshots: [], unknownSymbols: [] });
export const STREAM_PATH = '/v1/stream';
export const SSE_PATH = '/v1/sse';
/**
 * How long a connection may take to send a complete HTTP request (the upgrade, or an HTTP read). Node's
 * default (60 s, checked every 30 s) let a connection that never finishes its request hold a socket for up
 * to 90 s without counting against MAX_CONNECTIONS_PER_IP, which applies at the upgrade: a cheap way for one
 * address to use up the process's open files.
 */
export const REQUEST_HEADERS_TIMEOUT_MS = 10_000;
/** How often the HTTP server checks that deadline. */
const HEADERS_TIMEOUT_CHECK_MS = 1_000;

/**
 * The edge's public listener: WebSocket upgrades on `/v1/stream`, Server-Sent Events on `/v1/sse`, and
 * HTTP reads (`/v1/snapshot`, `/v1/instruments`, `/v1/candles`). Admission happens before the upgrade
 * where an HTTP answer is useful (503 when draining or full, so a balancer retries elsewhere; 400 for
 * an unsupported subprotocol); everything a client library must see comes as a close code after it.
 */
export class EdgeServer {
  private readonly app: FastifyInstance;
  private readonly wss: WebSocketServer;
  private draining = false;
  private readonly sessions = new Set<ClientSession>();
  private readonly admission: AdmissionPacer<WaitingUpgrade>;
  private readonly arrivals: ArrivalGate<HeldArrival>;
  /**
   * Connections the gate let through whose request is not parsed yet (the admission queue does not show them
   * until it is), with when they were let through, in that order. One that sends no request within
   * `REQUEST_GRACE_MS` (a slow or hostile client) stops counting, so silent sockets cannot hold the gate shut.
   */
  private readonly onTheWay = new Map<Socket, number>();
  /** When each connection the gate held arrived (its admission wait counts from then). */
  private readonly heldSince = new WeakMap<Socket, number>();
  /**
   * Connections refused before their request was read (too many held, or held too long): they are read like
   * any other and answered 503 once parsed, so the client gets an HTTP answer and the socket closes cleanly.
   */
  private readonly refusedUnread = new WeakMap<Socket, RejectionReason>();
  private admissionTimer: NodeJS.Timeout | undefined;
  /** When `admissionTimer` fires (`performance.now()` time). */
  private admissionDueMs = 0;
  private readonly admitDue = (): void => this.admitWaiting();

  constructor(private readonly options: EdgeServerOptions) {
    this.admission = new AdmissionPacer<WaitingUpgrade>(options.admission, (waiting) => !waiting.socket.destroyed);
    this.arrivals = new ArrivalGate<HeldArrival>({ openBelow: options.admission.burst, maxWaiting: options.admission.maxQueued, maxWaitMs: options.admission.maxWaitMs });
    const limits = options.services.limits;
    // ws enforces a hard cap (4x ours) while reading; our own limit answers with 4001 and a reason.
    this.wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false, maxPayload: limits.maxMessageBytes * 4, handleProtocols: (offered) => encodingFromSubprotocols(offered)?.subprotocol ?? false });
    this.app = Fastify({ logger: false, return503OnClosing: true, forceCloseConnections: false, frameworkErrors: frameworkErrorAnswer(options.services.metrics), http: { headersTimeout: REQUEST_HEADERS_TIMEOUT_MS, connectionsCheckingInterval: HEADERS_TIMEOUT_CHECK_MS } });
    installHttpAnswers(this.app, options.services.metrics, options.services.logger);
    this.routes();
    this.app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(request, socket, head));
    // Every accepted socket starts unread (net.Server's `pauseOnConnect`, set on the HTTP server fastify made);
    // `onAccepted` decides when its request is read. The HTTP server's own connection listener has run by then.
    Object.assign(this.app.server, { pauseOnConnect: true });
    this.app.server.on('connection', (socket: Socket) => this.onAccepted(socket));
    this.app.server.on('request', (request: IncomingMessage) => this.requestParsed(request.socket));
    this.app.addHook('onRequest', (request, reply, done) => {
      const refusal = this.takeRefusal(request.raw.socket);
      if (refusal === undefined) return done();
      void sendError(reply, 503, 'TOO_MANY_CONNECTIONS', ARRIVING_AT_ONCE);
    });
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async listen(): Promise<{ host: string; port: number }> {
    await this.app.listen({ host: this.options.host, port: this.options.port, backlog: this.options.listenBacklog });
    const address = this.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('edge listener has no TCP address');
    return { host: address.address, port: address.port };
  }

  /** Stops admitting: new upgrades and SSE streams get 503 from now on. */
  stopAccepting(): void {
    this.draining = true;
    clearTimeout(this.admissionTimer);
    this.admissionTimer = undefined;
    for (const waiting of this.admission.takeAll()) this.refuseWaiting(waiting, 'draining', 'server draining; connect to another instance');
    // Read now: an upgrade gets the draining 503 like any other, an HTTP request the closing server's.
    for (const held of this.arrivals.takeAll()) held.socket.resume();
    this.reportQueued();
  }

  /**
   * Graceful drain: every client gets a `reconnect` notice with a random delay in [0, windowMs) and is closed
   * with 4300 at that moment, so reconnections spread over the window instead of arriving as one storm.
   */
  async drain(windowMs: number): Promise<void> {
    this.stopAccepting();
    const closing: Promise<void>[] = [];
    for (const session of this.sessions) {
      const delay = Math.floor(Math.random() * windowMs);
      session.sendReconnect(delay, 'draining');
      closing.push(
        new Promise<void>((resolve) => {
          setTimeout(() => {
            session.closeWith(CLOSE_CODES.SERVER_DRAINING, 'server draining: reconnect');
            resolve();
          }, delay);
        }),
      );
    }
    await Promise.all(closing);
  }

  async close(): Promise<void> {
    this.stopAccepting();
    for (const session of this.sessions) session.closeWith(CLOSE_CODES.SERVER_DRAINING, 'server stopping');
    this.wss.close();
    await this.app.close();
  }

  // --- WebSocket ----------------------------------------------------------------------------------------

  /**
   * A new TCP connection, not read yet: read it now, unless a storm is being admitted (the gate holds it until
   * admissions make room), or too many already wait (503 without reading it).
   */
  private onAccepted(socket: Socket): void {
    const now = performance.now();
    switch (this.arrivals.offer({ socket, arrivedMs: now }, now, this.admissionLoad(), this.admission.queued)) {
      case 'pass':
        this.letThrough(socket);
        return;
      case 'held':
        this.reportQueued();
        return this.scheduleAdmissions();
      case 'full':
        return this.refuseOnceParsed(socket, 'admission_queue_full');
    }
  }

  /** Lets `socket` be read (its request is parsed in a later turn). */
  private letThrough(socket: Socket): void {
    this.onTheWay.set(socket, performance.now());
    socket.resume();
  }

  /** The request of `socket` has been parsed: it is no longer on its way (there may be room for held arrivals). */
  private requestParsed(socket: Duplex): void {
    if (this.onTheWay.delete(socket as Socket) && this.arrivals.held > 0) this.scheduleAdmissions();
  }

  /** Refuses a connection whose request has not been read: it is read now and answered 503 (a balancer or the client retries). */
  private refuseOnceParsed(socket: Socket, reason: RejectionReason): void {
    this.refusedUnread.set(socket, reason);
    socket.resume();
  }

  /** The refusal waiting for `socket`'s request, if any (counted now that it is answered). */
  private takeRefusal(socket: Duplex): RejectionReason | undefined {
    const reason = this.refusedUnread.get(socket as Socket);
    if (reason === undefined) return undefined;
    this.refusedUnread.delete(socket as Socket);
    this.options.services.metrics.reject(reason);
    return reason;
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { services, connections } = this.options;
    this.requestParsed(socket);
    const arrivedMs = this.heldSince.get(socket as Socket);
    if (this.takeRefusal(socket) !== undefined) return refuse(socket, 503, 'Service Unavailable', ARRIVING_AT_ONCE);
    const url = new URL(request.url ?? '/', 'http://edge');
    if (url.pathname !== STREAM_PATH) return refuse(socket, 404, 'Not Found', `WebSocket endpoint is ${STREAM_PATH}`);
    if (this.draining) {
      services.metrics.reject('draining');
      return refuse(socket, 503, 'Service Unavailable', 'server draining; connect to another instance');
    }
    const protocols = request.headers['sec-websocket-protocol'];
    const offered = new Set((protocols ?? '').split(',').map((p) => p.trim()).filter((p) => p !== ''));
    const chosen = encodingFromSubprotocols(offered);
    if (chosen === undefined) {
      services.metrics.reject('subprotocol');
      return refuse(socket, 400, 'Bad Request', `unsupported subprotocol; offer tickwire.v1.json or tickwire.v1.proto`);
    }
    const ip = request.socket.remoteAddress ?? 'unknown';
    const admission = connections.tryAcquire(ip);
    if (admission !== 'ok') {
      services.metrics.reject(admission === 'per_ip' ? 'per_ip_limit' : 'process_limit');
      return refuse(socket, 503, 'Service Unavailable', admission === 'per_ip' ? 'too many connections from this address' : 'this instance is full; retry another');
    }
    const waiting: WaitingUpgrade = { request, socket, head, url, encoding: chosen.encoding, ip };
    const now = performance.now();
    switch (this.admission.offer(waiting, now, arrivedMs ?? now)) {
      case 'admit':
        return this.upgrade(waiting);
      case 'queued':
        // Nobody else listens on the socket until ws takes it: a reset while it waits must not go unhandled.
        socket.on('error', ignoreSocketError);
        this.reportQueued();
        return this.scheduleAdmissions();
      case 'full':
        return this.refuseWaiting(waiting, 'admission_queue_full', ARRIVING_AT_ONCE);
    }
  }

  private upgrade({ request, socket, head, url, encoding, ip }: WaitingUpgrade): void {
    let upgraded = false;
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      upgraded = true;
      this.onConnection(ws, socket, request, url, encoding, ip);
    });
    // Without a verifyClient hook ws completes or refuses the upgrade synchronously. Refused (it answered 400
    // itself: a bad Sec-WebSocket-Key or -Version, or the socket already gone), no session will ever release
    // the address slot: give it back now, or such requests would use up MAX_CONNECTIONS_PER_IP for good.
    if (!upgraded) this.options.connections.release(ip);
  }

  private scheduleAdmissions(): void {
    const now = performance.now();
    const admissionInMs = this.admission.nextDueInMs(now);
    // Held arrivals go as soon as there is room (at the latest when the oldest let through stops counting), or
    // when the oldest one's wait runs out.
    const arrivalsInMs = this.arrivals.held === 0 ? undefined : this.admissionLoad() < this.options.admission.burst ? 0 : Math.min(this.arrivals.nextDeadlineInMs(now)!, this.graceEndInMs(now));
    const inMs = admissionInMs === undefined ? arrivalsInMs : arrivalsInMs === undefined ? admissionInMs : Math.min(admissionInMs, arrivalsInMs);
    if (inMs === undefined) return;
    const dueMs = now + Math.max(ADMISSION_TICK_MS, inMs);
    // A timer already set for that moment or sooner does it; one set for later (an arrival's deadline, before
    // room was made) is brought forward.
    if (this.admissionTimer !== undefined) {
      if (this.admissionDueMs <= dueMs) return;
      clearTimeout(this.admissionTimer);
    }
    this.admissionDueMs = dueMs;
    this.admissionTimer = setTimeout(this.admitDue, dueMs - now);
  }

  /** How long until the oldest connection let through stops counting as on its way (Infinity: none is). */
  private graceEndInMs(nowMs: number): number {
    for (const passedMs of this.onTheWay.values()) return Math.max(0, passedMs + REQUEST_GRACE_MS - nowMs);
    return Number.POSITIVE_INFINITY;
  }

  /** Connections being admitted: upgrades waiting for their turn, and arrivals let through whose request is not parsed yet. */
  private admissionLoad(): number {
    // Let through in order: the oldest are checked, up to the first still within its grace.
    const graceStart = performance.now() - REQUEST_GRACE_MS;
    for (const [socket, passedMs] of this.onTheWay) {
      if (!socket.destroyed && passedMs >= graceStart) break;
      this.onTheWay.delete(socket);
    }
    return this.admission.queued + this.onTheWay.size;
  }

  /** Admits the waiting upgrades whose turn has come; those that waited too long get 503 and retry. */
  private admitWaiting(): void {
    this.admissionTimer = undefined;
    const admitted: WaitingUpgrade[] = [];
    const expired: WaitingUpgrade[] = [];
    const gone: WaitingUpgrade[] = [];
    this.admission.takeDue(performance.now(), admitted, expired, gone);
    // Clients that hung up while they waited: their slot back, no turn spent on them.
    for (const waiting of gone) this.options.connections.release(waiting.ip);
    for (const waiting of expired) this.refuseWaiting(waiting, 'admission_timeout', ARRIVING_AT_ONCE);
    for (const waiting of admitted) {
      waiting.socket.off('error', ignoreSocketError);
      this.upgrade(waiting);
    }
    this.releaseArrivals();
    this.reportQueued();
    this.scheduleAdmissions();
  }

  /** Connections waiting for admission, parsed or not, for the `admission_queue` gauge. */
  private reportQueued(): void {
    this.options.services.metrics.admissionQueued = this.admission.queued + this.arrivals.held;
  }

  /** Lets held arrivals through as far as there is room (their requests are read next), and refuses those held too long. */
  private releaseArrivals(): void {
    if (this.arrivals.held === 0) return;
    const passed: HeldArrival[] = [];
    const expired: HeldArrival[] = [];
    this.arrivals.release(performance.now(), this.admissionLoad(), passed, expired);
    for (const { socket } of expired) this.refuseOnceParsed(socket, 'admission_timeout');
    for (const { socket, arrivedMs } of passed) {
      this.heldSince.set(socket, arrivedMs);
      this.letThrough(socket);
    }
  }

  /** Refuses an upgrade that holds a connection slot (503: a balancer or the client retries). */
  private refuseWaiting(waiting: WaitingUpgrade, reason: RejectionReason, body: string): void {
    this.options.connections.release(waiting.ip);
    this.options.services.metrics.reject(reason);
    if (!waiting.socket.destroyed) refuse(waiting.socket, 503, 'Service Unavailable', body);
  }

  private onConnection(ws: WebSocket, socket: Duplex, request: IncomingMessage, url: URL, encoding: Encoding, ip: string): void {
    const { services, origins, allowAnonymous } = this.options;
    const session = new ClientSession(newSessionId(), new WebSocketTransport(ws, socket), encoding, services, Date.now(), ip);
    this.sessions.add(session);
    // Module-level listeners reach their session through a symbol: no closures per connection.
    const sessionSocket = ws as SessionSocket;
    sessionSocket[SESSION] = session;
    sessionSocket[SERVER] = this;
    ws.on('message', onSocketMessage);
    ws.on('pong', onSocketPong);
    ws.on('ping', onSocketPing);
    ws.on('error', onSocketError);
    // `on`, not `once`: `once` wraps the listener in a bound function and a state object per connection.
    // `socketClosed` tolerates a second call.
    ws.on('close', onSocketClose);
    if (!origins.allows(request.headers.origin)) {
      session.closeWith(CLOSE_CODES.ORIGIN_NOT_ALLOWED, 'origin not allowed', 'origin');
      return;
    }
    const token = url.searchParams.get('token') ?? undefined;
    session.start(token, token === undefined && !allowAnonymous).catch((err: unknown) => {
      services.logger.error({ event: 'edge.session_start_failed', session: session.id, err }, 'session start failed');
      session.closeWith(CLOSE_CODES.SERVER_ERROR, 'internal error');
    });
  }

  /** The socket of `session` closed: release its address slot and forget it. */
  socketClosed(session: ClientSession): void {
    session.onClosed();
    if (this.sessions.delete(session)) this.options.connections.release(session.remoteAddress);
  }

  /**
   * `ws` refused a frame (larger than its `maxPayload`, invalid UTF-8, unmasked, a reserved opcode or bit,
   * broken fragmentation) and closes with 1009, 1007 or 1002 itself: counted like the edge's own refusals.
   */
  socketError(session: ClientSession, err: Error): void {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('WS_ERR_')) this.options.services.metrics.reject(WS_TOO_BIG.has(code) ? 'message_too_big' : 'invalid_messages');
    this.options.services.logger.debug({ event: 'edge.socket_error', session: session.id, err }, 'client socket error');
  }

  // --- HTTP -----------------------------------------------------------------------------------------------

  private routes(): void {
    const app = this.app;
    app.get(SSE_PATH, (request, reply) => this.onSse(request, reply));
    app.get('/v1/snapshot', async (request, reply) => {
      const principal = await this.authorize(request, reply);
      if (principal === undefined) return reply;
      const query = request.query as Record<string, string | undefined>;
      const symbols = parseSymbols(query.symbols);
      const mode = query.mode === undefined ? this.options.services.limits.defaultMode : MODE_BY_NAME.get(query.mode);
      const problem = symbolsProblem(symbols, this.options.services.limits.maxSymbolsPerRequest);
      if (problem !== undefined || symbols === undefined) return badRequest(reply, problem ?? '');
      if (mode === undefined) return badRequest(reply, 'mode: one of ltp, quote, full');
      const entitled = symbols.filter((s) => principal.entitlements.allows(s));
      const notEntitled = symbols.filter((s) => !principal.entitlements.allows(s));
      // Nothing entitled: nothing to ask the snapshot service (which refuses an empty list).
      const response = entitled.length === 0 ? NO_SNAPSHOTS : await this.upstream(reply, () => this.options.snapshots.getSnapshots(entitled, mode));
      if (response === undefined) return reply;
      return sendJson(reply, 200, `{"snapshots":[${response.snapshots.map(updateJson).join(',')}],"unknownSymbols":${JSON.stringify(response.unknownSymbols)},"notEntitled":${JSON.stringify(notEntitled)}}`);
    });
    app.get('/v1/instruments', async (request, reply) => {
      if ((await this.authorize(request, reply)) === undefined) return reply;
      const query = request.query as Record<string, string | undefined>;
      const limit = query.limit === undefined ? 100 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return badRequest(reply, 'limit: an integer in 1..10000');
      const instruments = await this.upstream(reply, () => this.options.snapshots.listInstruments(query.prefix ?? '', limit));
      if (instruments === undefined) return reply;
      return sendJson(reply, 200, JSON.stringify({ instruments: instruments.map((i) => ({ symbol: i.symbol, marketCategory: i.marketCategory, roundLotSize: i.roundLotSize, etp: i.etp })) }));
    });
    app.get('/v1/candles', async (request, reply) => {
      const principal = await this.authorize(request, reply);
      if (principal === undefined) return reply;
      const query = request.query as Record<string, string | undefined>;
      const symbol = query.symbol;
      if (symbol === undefined || symbol === '') return badRequest(reply, 'symbol is required');
      if (!principal.entitlements.allows(symbol)) {
        this.options.services.metrics.reject('not_entitled');
        return sendJson(reply, 403, JSON.stringify({ error: 'not entitled', code: 'NOT_ENTITLED', symbol }));
      }
      const from = parseNs(query.from, 0n);
      const to = parseNs(query.to, 2n ** 63n);
      if (from === undefined || to === undefined) return badRequest(reply, 'from, to: Unix epoch nanoseconds');
      const candles = await this.upstream(reply, () => this.options.snapshots.getCandles(symbol, from, to));
      if (candles === undefined) return reply;
      return sendJson(reply, 200, JSON.stringify({ symbol, candles: candles.map((c) => ({ t: String(c.startTsNs), o: c.open / 1e4, h: c.high / 1e4, l: c.low / 1e4, c: c.close / 1e4, v: Number(c.volume), n: c.trades })) }));
    });
    this.options.staticSite?.register(app);
  }

  private async onSse(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { services, connections } = this.options;
    const query = request.query as Record<string, string | undefined>;
    const symbols = parseSymbols(query.symbols);
    const mode = query.mode === undefined ? services.limits.defaultMode : MODE_BY_NAME.get(query.mode);
    // Checked before the stream opens: a stream whose subscribe fails carries nothing and never ends.
    const problem = symbolsProblem(symbols, services.limits.maxSymbolsPerRequest);
    if (problem !== undefined || symbols === undefined) return void badRequest(reply, problem ?? '');
    if (mode === undefined) return void badRequest(reply, 'mode: one of ltp, quote, full');
    if (this.draining) {
      services.metrics.reject('draining');
      return void sendError(reply, 503, 'SERVER_DRAINING', 'server draining');
    }
    if (!this.options.origins.allows(request.headers.origin)) {
      services.metrics.reject('origin');
      return void sendError(reply, 403, 'ORIGIN_NOT_ALLOWED', 'origin not allowed');
    }
    // A missing or bad token is refused before the stream opens, as for the HTTP reads: an EventSource
    // retries a stream that ends (every 3 s, forever), never one refused with a 4xx.
    if ((await this.authorize(request, reply)) === undefined) return;
    // Gone while its token was verified: its 'close' has been emitted already, no listener would release it.
    // From here to `once('close')` nothing awaits.
    if (request.socket.destroyed) return;
    const ip = request.socket.remoteAddress ?? 'unknown';
    const admission = connections.tryAcquire(ip);
    if (admission !== 'ok') {
      services.metrics.reject(admission === 'per_ip' ? 'per_ip_limit' : 'process_limit');
      return void sendError(reply, 503, 'TOO_MANY_CONNECTIONS', 'too many connections');
    }
    reply.hijack();
    const response: ServerResponse = reply.raw;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.flushHeaders();
    const session = new ClientSession(newSessionId(), new SseTransport(response), Encoding.JSON, services, Date.now(), ip);
    this.sessions.add(session);
    response.once('close', () => {
      session.onClosed();
      this.sessions.delete(session);
      connections.release(ip);
    });
    await session.start(bearer(request), false);
    session.request({ id: 1, body: { $case: 'subscribe', value: { items: symbols.map((symbol) => ({ symbol, mode })) } } });
  }

  /** The caller's principal, or undefined after answering 401. */
  private async authorize(request: FastifyRequest, reply: FastifyReply): Promise<Principal | undefined> {
    try {
      return await this.options.services.verifier.verify(bearer(request));
    } catch (err) {
      if (!(err instanceof AccessError)) throw err;
      this.options.services.metrics.reject(err.closeCode === CLOSE_CODES.AUTH_REQUIRED ? 'auth_required' : err.closeCode === CLOSE_CODES.TOKEN_EXPIRED ? 'token_expired' : ('auth_failed' satisfies RejectionReason));
      sendError(reply, 401, err.closeCode.name, err.message);
      return undefined;
    }
  }

  /**
   * Runs a snapshot-service call; on failure answers 400 (the service refused the arguments), 504 (deadline)
   * or 503 (anything else: the service or its store is down) and returns undefined.
   */
  private async upstream<T>(reply: FastifyReply, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      const code = err instanceof SnapshotClientError ? err.code : undefined;
      if (code === 'SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT' || code === 'SNAPSHOT_GRPC_ERR_TOO_MANY_SYMBOLS') {
        return void badRequest(reply, (err as Error).message);
      }
      const deadline = code === 'SNAPSHOT_GRPC_ERR_DEADLINE_EXCEEDED';
      this.options.services.logger.warn({ event: 'edge.http_upstream_failed', err }, 'snapshot service call failed');
      sendError(reply, deadline ? 504 : 503, deadline ? 'SNAPSHOT_TIMEOUT' : 'SNAPSHOT_UNAVAILABLE', `snapshot service ${deadline ? 'timed out' : 'unavailable'}`);
      return undefined;
    }
  }
}

/** `ws` error codes of a frame or message over its size limit (1009); every other `WS_ERR_*` is a protocol violation. */
const WS_TOO_BIG: ReadonlySet<string> = new Set(['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH']);

const SESSION = Symbol('session');
const SERVER = Symbol('server');
type SessionSocket = WebSocket & { [SESSION]: ClientSession; [SERVER]: EdgeServer };

function onSocketMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  (this as SessionSocket)[SESSION].onMessage(data, isBinary, Date.now());
}

function onSocketPong(this: WebSocket): void {
  (this as SessionSocket)[SESSION].onPong(Date.now());
}

function onSocketPing(this: WebSocket): void {
  (this as SessionSocket)[SESSION].onPing(Date.now());
}

function onSocketError(this: WebSocket, err: Error): void {
  const socket = this as SessionSocket;
  socket[SERVER].socketError(socket[SESSION], err);
}

function onSocketClose(this: WebSocket): void {
  const socket = this as SessionSocket;
  socket[SERVER].socketClosed(socket[SESSION]);
}

function refuse(socket: Duplex, status: number, statusText: string, body: string): void {
  socket.on('error', ignoreSocketError);
  socket.end(`HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${status === 503 ? 'Retry-After: 1\r\n' : ''}\r\n${body}`);
}

/**
 * For a socket nobody else listens on yet (waiting for admission) or any more (refused): after 'upgrade' Node
 * leaves it without an 'error' listener, and a reset would otherwise be an uncaught exception. A waiting one
 * is released when its turn comes or it expires.
 */
function ignoreSocketError(): void {}

function newSessionId(): string {
  return randomBytes(8).toString('hex');
}

/** An `Authorization` header's token; the scheme name is case-insensitive (RFC 9110, 11.1). */
const BEARER_SCHEME = /^bearer +/i;

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined && BEARER_SCHEME.test(header)) return header.replace(BEARER_SCHEME, '').trim();
  const token = (request.query as Record<string, string | undefined>).token;
  return token === undefined || token === '' ? undefined : token;
}

function parseSymbols(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function parseNs(value: string | undefined, fallback: bigint): bigint | undefined {
  if (value === undefined) return fallback;
  return /^\d{1,19}$/.test(value) ? BigInt(value) : undefined;
}

function updateJson(update: MarketUpdate): string {
  return encodeServerJson({ body: { $case: 'update', value: update } });
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return sendError(reply, 400, 'BAD_REQUEST', message);
}

function sendJson(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
}
