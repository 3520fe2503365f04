import type { ClientMessage, MarketUpdate } from '@tickwire/protocol';
import {
  CLOSE_CODES,
  decodeClientJson,
  decodeClientMessage,
  ErrorCode,
  errorCodeInfo,
  type DecodeResult,
  type ErrorCodeNumber,
  type ServerMessage,
  SubscriptionMode,
  SubscriptionResultCode,
  type CloseCodeDefinition,
  type SubscriptionRequest,
  type SubscriptionResult,
} from '@tickwire/protocol';
import type { Logger } from '@tickwire/runtime';
import { symbolProblem } from '@tickwire/snapshot-grpc';
import { AccessError, type Entitlements, type Principal, type TierPolicy, type TokenVerifier, MessageRateLimiter, resolveTier } from './access';
import type { EdgeMetrics, RejectionReason } from './edge-metrics';
import type { MarketInterest } from './market-interest';
import type { OutboundScheduler, ScheduledSession } from './outbound-scheduler';
import { CLIENT_MODES, MODE_SLOTS, type ClientMode, type SymbolChannel, type UpdateSink } from './symbol-channel';
import { batchPayload, EncodedMessage, Encoding } from './wire-encoding';

/** The socket under a session: a WebSocket, or an SSE response. */
export interface SessionTransport {
  /** Writes one frame (a WebSocket message / an SSE event) built for this client alone. */
  send(payload: Uint8Array, encoding: Encoding): void;
  /** Writes one frame carrying `message` alone: the same bytes every client of the message gets, framed once. */
  sendShared(message: EncodedMessage, encoding: Encoding): void;
  /** Bytes accepted by `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Closes with a close code; the transport reports the end through `ClientSession.onClosed`. */
  close(code: number, reason: string): void;
  /** Protocol-level liveness probe, if the transport has one (WebSocket ping frame). */
  ping?(): void;
  /** True when the client cannot send anything back (SSE): no idle timeout then, the TCP connection is the liveness. */
  readonly oneWay?: boolean;
}

/** Per-connection limits and timings, validated once at boot. */
export interface SessionLimits {
  readonly maxMessageBytes: number;
  readonly maxSymbolsPerRequest: number;
  /** Undecodable or invalid messages tolerated (each answered with an error) before closing with 4002. */
  readonly maxInvalidMessages: number;
  /** Subscribe attempts past the limit tolerated (each answered `limit_reached`) before closing with 4201. */
  readonly maxLimitHits: number;
  readonly messagesPerSec: number;
  readonly messageBurst: number;
  /** Rate-limited messages tolerated (each answered with an error) before closing with 4003. */
  readonly maxRateLimitHits: number;
  /** Past this many buffered bytes the connection gets latest values only. */
  readonly softBufferBytes: number;
  /** Past this many buffered bytes the connection is closed with 4200. */
  readonly hardBufferBytes: number;
  /** Behind for longer than this: closed with 4200. */
  readonly slowConsumerMs: number;
  readonly heartbeatMs: number;
  readonly idleTimeoutMs: number;
  readonly authTimeoutMs: number;
  /** Mode for a subscription that names none. */
  readonly defaultMode: ClientMode;
}

/** What every session of one edge process shares. */
export interface SessionServices {
  readonly interest: MarketInterest;
  readonly scheduler: OutboundScheduler;
  readonly metrics: EdgeMetrics;
  readonly logger: Logger;
  readonly verifier: TokenVerifier;
  readonly tiers: ReadonlyMap<string, TierPolicy>;
  readonly limits: SessionLimits;
}

/** A subscription between the request and its snapshot (a live one is two array slots, see `liveChannels`). */
interface PendingSubscription {
  mode: ClientMode;
  /** Set once the channel is ready; the subscription goes live after the request's acknowledgement. */
  channel: SymbolChannel | undefined;
}

/**
 * A live subscription's slot: its position in the channel's list of sinks for its mode, and the mode, packed
 * into one small integer (stored inline in an array, where an object per subscription would cost ~50 bytes).
 */
function slotOf(position: number, mode: ClientMode): number {
  return position * MODE_SLOTS + mode;
}

function modeOf(slot: number): ClientMode {
  return (slot % MODE_SLOTS) as ClientMode;
}

function positionOf(slot: number): number {
  return Math.floor(slot / MODE_SLOTS);
}

/** What a session without live subscriptions points at (never written: growing replaces the arrays). */
const NO_CHANNELS: SymbolChannel[] = Object.freeze([]) as unknown as SymbolChannel[];
const NO_SLOTS: number[] = Object.freeze([]) as unknown as number[];

/**
 * Session times run on a 32-bit millisecond clock (since this module loaded, wrapping every 49.7 days), not
 * `Date.now()` values: those do not fit V8's small integers, so each such field would point to a 16-byte heap
 * number of its own, per connection. Spans are measured with `elapsedMs`, exact up to 24.8 days: every span a
 * session measures (auth, idle, heartbeat, slow consumer) is checked by the 1 s tick or the 50 ms behind check.
 */
const CLOCK_ORIGIN_MS = Date.now();

function sessionClock(nowMs: number): number {
  return (nowMs - CLOCK_ORIGIN_MS) | 0;
}

function elapsedMs(now: number, since: number): number {
  return (now - since) | 0;
}

type SessionState = 'authenticating' | 'open' | 'closed';

/** One in this many frames is timed for the delivery latency histogram. */
const LATENCY_SAMPLE_EVERY = 8;
let latencySampleCounter = 0;

/**
 * One client connection, independent of the socket type: authentication, subscriptions, the outgoing
 * queue and its backpressure, heartbeats. Updates arrive already encoded (`EncodedMessage`, shared by
 * all clients); the session only chooses which pieces go into its next frame.
 *
 * Outgoing flow: realtime sessions collect the pieces of one event-loop turn and write them as one frame.
 * When the socket's buffer passes `softBufferBytes` the session is *behind*: new updates only mark their
 * symbol, and once the buffer drains the latest complete state of each marked symbol goes out in one frame
 * (memory bounded by the subscriptions). Past `hardBufferBytes`, or behind for `slowConsumerMs`, the
 * session is closed with 4200. Batched tiers are always in the "mark the symbol" mode and flush on their
 * interval. Control messages (acks, errors, pongs, pings) are never dropped or merged.
 */
export class ClientSession implements UpdateSink, ScheduledSession {
  dirty = false;
  private state: SessionState = 'authenticating';
  /** From the token; set when authenticated. */
  private entitlements: Entitlements | undefined;
  /** When the token expires (`Date.now()` time: it may be far off), if it does. */
  private expiresAtMs: number | undefined;
  private tier: TierPolicy | undefined;
  /**
   * Live subscriptions (snapshot queued, updates flowing) as two parallel arrays of exactly their size: the
   * channel, and the slot (`slotOf`) the session holds in it. Found by channel (`indexOf`: the session's
   * subscriptions are few, a tier allows at most hundreds); a symbol's channel comes from `MarketInterest`.
   */
  private liveChannels: SymbolChannel[] = NO_CHANNELS;
  private liveSlots: number[] = NO_SLOTS;
  /** Subscriptions waiting for their snapshot, by symbol; only while there are some. */
  private pending: Map<string, PendingSubscription> | undefined;
  private pieces: EncodedMessage[] = [];
  /** The channel of each piece in `pieces` (undefined for control messages), to re-mark them when falling behind. */
  private pieceChannels: (SymbolChannel | undefined)[] = [];
  /** The first update in `pieces`, for the delivery latency histogram (a reference to the shared update: no number to box). */
  private frameUpdate: MarketUpdate | undefined;
  /** Channels with a newer state not yet sent, and the mode to send it in (behind or batched). */
  private marked: Map<SymbolChannel, ClientMode> | undefined;
  /** Since when (`sessionClock`) the socket's buffer has been over the soft limit. */
  private behindSince: number | undefined;
  private lastInbound: number;
  private lastPing: number;
  private readonly connectedAt: number;
  private invalidMessages = 0;
  private limitHits = 0;
  private rateLimitHits = 0;
  /**
   * Created by the first inbound message and dropped by the tick once full again: a full bucket is the same
   * as a new one, so an idle connection holds none.
   */
  private rateLimiter: MessageRateLimiter | undefined;

  constructor(
    readonly id: string,
    private readonly transport: SessionTransport,
    readonly encoding: Encoding,
    private readonly services: SessionServices,
    nowMs: number,
    readonly remoteAddress: string,
  ) {
    this.connectedAt = this.lastInbound = sessionClock(nowMs);
    // A random heartbeat phase: connections opened in the same second must not all ping in the same sweep
    // (thousands of writes in one event-loop turn showed up as a latency spike in the edge-fanout bench).
    this.lastPing = (this.connectedAt - Math.floor(Math.random() * services.limits.heartbeatMs)) | 0;
    services.metrics.connections++;
    services.scheduler.add(this);
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get subscriptionCount(): number {
    return this.liveChannels.length + (this.pending?.size ?? 0);
  }

  /** Authenticates with a token from the URL, or waits for an `auth` message when there is none and anonymous access is off. */
  async start(token: string | undefined, waitForAuthMessage: boolean): Promise<void> {
    if (token === undefined && waitForAuthMessage) return;
    await this.authenticate(token);
  }

  // --- inbound ----------------------------------------------------------------------------------------

  onMessage(data: Uint8Array, isBinary: boolean, nowMs: number): void {
    if (this.state === 'closed') return;
    const { metrics, limits } = this.services;
    this.lastInbound = sessionClock(nowMs);
    metrics.messagesIn++;
    if (data.length > limits.maxMessageBytes) {
      this.closeWith(CLOSE_CODES.MESSAGE_TOO_BIG, `message of ${data.length} bytes; the limit is ${limits.maxMessageBytes}`, 'message_too_big');
      return;
    }
    if (isBinary !== (this.encoding === Encoding.PROTO)) {
      this.closeWith(CLOSE_CODES.PROTOCOL_ERROR, isBinary ? 'binary frame on the JSON subprotocol' : 'text frame on the protobuf subprotocol', 'invalid_messages');
      return;
    }
    if (!this.withinRate(nowMs)) return;
    const decoded: DecodeResult<ClientMessage> = isBinary ? decodeClientMessage(data) : decodeClientJson(Buffer.from(data.buffer, data.byteOffset, data.length).toString('utf8'));
    if (!decoded.ok) {
      this.invalid(decoded.code, decoded.reason, decoded.requestId);
      return;
    }
    this.dispatch(decoded.message);
  }

  /** A request made on the client's behalf (SSE: the subscriptions in its URL). */
  request(message: ClientMessage): void {
    if (this.state !== 'closed') this.dispatch(message);
  }

  /** A protocol-level pong (or any sign of life the transport sees). */
  onPong(nowMs: number): void {
    this.lastInbound = sessionClock(nowMs);
  }

  /**
   * A WebSocket ping frame, already answered by the transport (`ws` sends the pong). It counts as a message
   * for the rate limit: otherwise a client could make the edge write (and, if it does not read, buffer)
   * a pong per ping without bound.
   */
  onPing(nowMs: number): void {
    if (this.state === 'closed') return;
    this.lastInbound = sessionClock(nowMs);
    this.withinRate(nowMs);
  }

  /** Takes a token for one inbound message; past the rate answers RATE_LIMITED, then closes with 4003. */
  private withinRate(nowMs: number): boolean {
    const { metrics, limits } = this.services;
    this.rateLimiter ??= new MessageRateLimiter({ ratePerSec: limits.messagesPerSec, burst: limits.messageBurst });
    if (this.rateLimiter.tryTake(nowMs)) return true;
    metrics.reject('rate_limited');
    if (++this.rateLimitHits > limits.maxRateLimitHits) {
      this.closeWith(CLOSE_CODES.RATE_LIMITED, `more than ${limits.messagesPerSec} messages/s`, 'rate_limited');
    } else {
      this.sendError(ErrorCode.RATE_LIMITED, `message dropped: more than ${limits.messagesPerSec} messages/s (burst ${limits.messageBurst})`, 0);
    }
    return false;
  }

  private dispatch(message: ClientMessage): void {
    const body = message.body;
    const id = message.id;
    if (body === undefined) {
      this.invalid(ErrorCode.BAD_REQUEST, 'the message has no body', id);
      return;
    }
    if (body.$case === 'ping') {
      this.sendControl({ body: { $case: 'pong', value: { ts: body.value.ts } } });
      return;
    }
    if (body.$case === 'pong') return;
    if (body.$case === 'auth') {
      if (this.state === 'open') this.sendError(ErrorCode.ALREADY_AUTHENTICATED, 'this connection is already authenticated', id);
      else void this.authenticate(body.value.token);
      return;
    }
    if (this.state !== 'open') {
      this.sendError(ErrorCode.NOT_AUTHENTICATED, `send auth before ${body.$case}`, id);
      return;
    }
    switch (body.$case) {
      case 'subscribe':
        void this.subscribe(id, body.value.items).catch((err: unknown) => this.internalError(err, id));
        return;
      case 'unsubscribe':
        this.unsubscribe(id, body.value.symbols);
        return;
      case 'resync':
        this.resync(id, body.value.symbols);
        return;
    }
  }

  private invalid(code: ErrorCodeNumber, reason: string, requestId: number): void {
    const { metrics, limits } = this.services;
    metrics.badMessagesIn++;
    if (++this.invalidMessages > limits.maxInvalidMessages) {
      this.closeWith(CLOSE_CODES.INVALID_MESSAGE, `more than ${limits.maxInvalidMessages} invalid messages; last: ${reason}`, 'invalid_messages');
      return;
    }
    this.sendError(code, reason, requestId);
  }

  private internalError(err: unknown, requestId: number): void {
    this.services.logger.error({ event: 'edge.session_error', session: this.id, err }, 'unexpected error handling a client request');
    this.sendError(ErrorCode.INTERNAL_ERROR, 'internal error', requestId);
  }

  // --- authentication ---------------------------------------------------------------------------------

  private async authenticate(token: string | undefined): Promise<void> {
    const { verifier, tiers, limits, scheduler } = this.services;
    let principal: Principal;
    let tier: TierPolicy;
    try {
      principal = await verifier.verify(token);
      tier = resolveTier(tiers, principal.tier);
    } catch (err) {
      if (err instanceof AccessError) {
        this.closeWith(err.closeCode, err.message, rejectionReason(err.closeCode));
        return;
      }
      throw err;
    }
    if (this.state !== 'authenticating') return;
    this.entitlements = principal.entitlements;
    this.expiresAtMs = principal.expiresAtMs;
    this.tier = tier;
    this.state = 'open';
    scheduler.setBatchInterval(this, tier.batchIntervalMs);
    if (tier.batchIntervalMs > 0) this.marked = new Map();
    this.sendControl({ body: { $case: 'welcome', value: { sessionId: this.id, heartbeatMs: limits.heartbeatMs, tier: tier.name, maxSubscriptions: tier.maxSubscriptions } } });
  }

  // --- subscriptions ----------------------------------------------------------------------------------

  private async subscribe(id: number, items: readonly SubscriptionRequest[]): Promise<void> {
    const { limits, interest, metrics } = this.services;
    const tier = this.tier!;
    const entitlements = this.entitlements!;
    if (items.length > limits.maxSymbolsPerRequest) {
      this.sendError(ErrorCode.TOO_MANY_SYMBOLS, `${items.length} symbols in one subscribe; at most ${limits.maxSymbolsPerRequest}`, id);
      return;
    }
    // No closure or promise per item where the channel is ready: this loop runs for every symbol of every
    // (re)connecting client, and its garbage is what a reconnect storm's memory is made of.
    const results: SubscriptionResult[] = new Array<SubscriptionResult>(items.length);
    const waits: Promise<void>[] = [];
    const started: PendingSubscription[] = [];
    for (let i = 0; i < items.length; i++) {
      const { mode: requested } = items[i]!;
      const symbol = interest.canonicalSymbol(items[i]!.symbol);
      // The snapshot service's rule: a symbol it would refuse must not fail the batched fetch of others.
      if (symbolProblem(symbol) !== undefined) {
        results[i] = subscriptionResult(symbol, SubscriptionResultCode.INVALID_SYMBOL);
        continue;
      }
      if (!entitlements.allows(symbol)) {
        results[i] = subscriptionResult(symbol, SubscriptionResultCode.NOT_ENTITLED);
        continue;
      }
      const mode = grantedMode(requested, limits.defaultMode, tier.maxMode);
      const live = this.liveIndexOf(symbol);
      if (live >= 0) {
        this.changeMode(live, mode);
        results[i] = subscriptionResult(symbol, SubscriptionResultCode.ALREADY_SUBSCRIBED, mode);
        continue;
      }
      const waiting = this.pending?.get(symbol);
      if (waiting !== undefined) {
        waiting.mode = mode;
        results[i] = subscriptionResult(symbol, SubscriptionResultCode.ALREADY_SUBSCRIBED, mode);
        continue;
      }
      if (this.subscriptionCount >= tier.maxSubscriptions) {
        metrics.reject('too_many_subscriptions');
        if (++this.limitHits > limits.maxLimitHits) {
          this.closeWith(CLOSE_CODES.TOO_MANY_SUBSCRIPTIONS, `kept subscribing past the limit of ${tier.maxSubscriptions}`, 'too_many_subscriptions');
          return;
        }
        results[i] = subscriptionResult(symbol, SubscriptionResultCode.LIMIT_REACHED);
        continue;
      }
      const subscription: PendingSubscription = { mode, channel: interest.acquireReady(symbol) };
      (this.pending ??= new Map()).set(symbol, subscription);
      metrics.subscriptions++;
      // Ready: its result (OK, in the mode it has by then) is written with the ack.
      if (subscription.channel !== undefined) started[i] = subscription;
      else waits.push(this.acquireWhenReady(symbol, subscription, i, results, started));
    }
    // Even with every channel ready, the ack waits for the microtasks, as it did when every symbol went
    // through a promise: requests that arrived in the same chunk are handled first, in the same order.
    if (waits.length > 0 || started.length > 0) await Promise.all(waits);
    for (let i = 0; i < started.length; i++) {
      const subscription = started[i];
      if (subscription !== undefined && results[i] === undefined) results[i] = subscriptionResult(subscription.channel!.symbol, SubscriptionResultCode.OK, subscription.mode);
    }
    if (this.state === 'closed') return;
    this.sendControl({ body: { $case: 'subscribeAck', value: { id, results } } });
    // After the ack, in request order: each snapshot, then (registered in the same synchronous step) the
    // updates that follow it. Updates that came while waiting are folded into the snapshot.
    const channels: SymbolChannel[] = [];
    const slots: number[] = [];
    for (const subscription of started) {
      const channel = subscription?.channel;
      if (channel === undefined || this.pending?.get(channel.symbol) !== subscription) continue;
      this.forgetPending(channel.symbol);
      channels.push(channel);
      slots.push(slotOf(channel.add(this, subscription.mode), subscription.mode));
      this.pushUpdate(channel, subscription.mode, undefined);
    }
    // `concat` allocates exactly the new size: no spare capacity kept per connection.
    if (channels.length > 0) {
      this.liveChannels = this.liveChannels.concat(channels);
      this.liveSlots = this.liveSlots.concat(slots);
    }
  }

  /** Waits for `symbol`'s channel (first wanted at this edge: its snapshot is being fetched) and writes the result. */
  private async acquireWhenReady(symbol: string, subscription: PendingSubscription, i: number, results: SubscriptionResult[], started: PendingSubscription[]): Promise<void> {
    const { interest, metrics } = this.services;
    const acquired = await interest.acquire(symbol);
    if (acquired.status !== 'ok') {
      if (this.pending?.get(symbol) === subscription) {
        this.forgetPending(symbol);
        metrics.subscriptions--;
      }
      results[i] = subscriptionResult(symbol, acquired.status === 'unknown' ? SubscriptionResultCode.UNKNOWN_SYMBOL : SubscriptionResultCode.UNAVAILABLE);
      return;
    }
    const channel = acquired.channel;
    // Unsubscribed (or closed) while the snapshot was on its way: give the reference back.
    if (this.pending?.get(symbol) !== subscription) {
      interest.release(channel);
      results[i] = subscriptionResult(symbol, SubscriptionResultCode.OK, subscription.mode);
      return;
    }
    subscription.channel = channel;
    started[i] = subscription;
    results[i] = subscriptionResult(symbol, SubscriptionResultCode.OK, subscription.mode);
  }

  /** The index of `symbol`'s live subscription in `liveChannels`, or -1. */
  private liveIndexOf(symbol: string): number {
    const channel = this.services.interest.channelOf(symbol);
    return channel === undefined ? -1 : this.liveChannels.indexOf(channel);
  }

  private forgetPending(symbol: string): void {
    const pending = this.pending!;
    pending.delete(symbol);
    if (pending.size === 0) this.pending = undefined;
  }

  /** Moves live subscription `live` to `mode`: re-registered on its channel, with the complete state in the new mode. */
  private changeMode(live: number, mode: ClientMode): void {
    const slot = this.liveSlots[live]!;
    const current = modeOf(slot);
    if (current === mode) return;
    const channel = this.liveChannels[live]!;
    channel.remove(this, current, positionOf(slot));
    this.liveSlots[live] = slotOf(channel.add(this, mode), mode);
    this.pushUpdate(channel, mode, undefined);
  }

  /** `channel` moved this session's entry in its list of `mode` sinks. */
  sinkMoved(channel: SymbolChannel, mode: ClientMode, position: number): void {
    const live = this.liveChannels.indexOf(channel);
    if (live >= 0) this.liveSlots[live] = slotOf(position, mode);
  }

  private unsubscribe(id: number, symbols: readonly string[]): void {
    const removed: string[] = [];
    for (const symbol of symbols) if (this.drop(symbol)) removed.push(symbol);
    this.sendControl({ body: { $case: 'unsubscribeAck', value: { id, symbols: removed } } });
  }

  private drop(symbol: string): boolean {
    const { metrics, interest } = this.services;
    const live = this.liveIndexOf(symbol);
    if (live >= 0) {
      const channels = this.liveChannels;
      const slots = this.liveSlots;
      const channel = channels[live]!;
      channel.remove(this, modeOf(slots[live]!), positionOf(slots[live]!));
      // Swap-remove; shrinking an array's length lets V8 give back spare capacity.
      const last = channels.length - 1;
      channels[live] = channels[last]!;
      slots[live] = slots[last]!;
      channels.length = last;
      slots.length = last;
      metrics.subscriptions--;
      this.marked?.delete(channel);
      interest.release(channel);
      return true;
    }
    const waiting = this.pending?.get(symbol);
    if (waiting === undefined) return false;
    this.forgetPending(symbol);
    metrics.subscriptions--;
    // Without a channel yet, the reference is given back when the snapshot arrives (see `subscribe`).
    if (waiting.channel !== undefined) interest.release(waiting.channel);
    return true;
  }

  private resync(id: number, symbols: readonly string[]): void {
    const missing: string[] = [];
    for (const symbol of symbols) {
      const live = this.liveIndexOf(symbol);
      if (live < 0) missing.push(symbol);
      else this.pushUpdate(this.liveChannels[live]!, modeOf(this.liveSlots[live]!), undefined);
    }
    if (missing.length > 0) this.sendError(ErrorCode.RESYNC_FAILED, `not subscribed (or snapshot pending): ${missing.slice(0, 10).join(', ')}`, id);
  }

  // --- outbound ---------------------------------------------------------------------------------------

  pushUpdate(channel: SymbolChannel, mode: ClientMode, delta: EncodedMessage | undefined): void {
    if (this.state !== 'open') return;
    const marked = this.marked;
    if (marked !== undefined) {
      if (marked.has(channel)) this.services.metrics.conflatedUpdates++;
      marked.set(channel, mode);
      return;
    }
    const message = delta ?? channel.complete(mode);
    if (this.pieces.length === 0) this.frameUpdate = message.message.body?.$case === 'update' ? message.message.body.value : undefined;
    this.pieces.push(message);
    this.pieceChannels.push(channel);
    this.services.scheduler.markDirty(this);
  }

  private sendControl(message: ServerMessage): void {
    if (this.state === 'closed') return;
    this.pieces.push(new EncodedMessage(message));
    this.pieceChannels.push(undefined);
    this.services.scheduler.markDirty(this);
  }

  private sendError(code: ErrorCodeNumber, message: string, requestId: number): void {
    this.sendControl({ body: { $case: 'error', value: { code, message, requestId, retryable: errorCodeInfo(code)?.retryable ?? false } } });
  }

  flush(nowMs: number): void {
    if (this.state === 'closed' || this.pieces.length === 0) return;
    const { limits, scheduler } = this.services;
    if (this.marked === undefined && this.transport.bufferedAmount > limits.softBufferBytes) {
      // Falling behind: keep control messages, turn pending updates into marks (latest state later).
      const marked = (this.marked = new Map());
      this.behindSince = sessionClock(nowMs);
      scheduler.setBehind(this, true);
      this.services.metrics.conflatingSessions = scheduler.behindCount;
      const pieces = this.pieces;
      const channels = this.pieceChannels;
      let kept = 0;
      for (let i = 0; i < pieces.length; i++) {
        const channel = channels[i];
        if (channel === undefined) pieces[kept++] = pieces[i]!;
        else {
          // Still subscribed (not dropped in this turn): the latest state goes out once caught up.
          const live = this.liveChannels.indexOf(channel);
          if (live >= 0) marked.set(channel, modeOf(this.liveSlots[live]!));
        }
      }
      pieces.length = kept;
      channels.length = 0;
      for (let i = 0; i < kept; i++) channels.push(undefined);
      if (kept === 0) return;
    }
    this.writeFrame(nowMs);
  }

  flushConflated(nowMs: number): void {
    const marked = this.marked;
    if (this.state !== 'open' || marked === undefined) return;
    const { limits, scheduler, metrics } = this.services;
    const buffered = this.transport.bufferedAmount;
    if (buffered > limits.hardBufferBytes) {
      this.closeWith(CLOSE_CODES.SLOW_CONSUMER, `send buffer over ${limits.hardBufferBytes} bytes`, 'slow_consumer');
      return;
    }
    if (buffered > limits.softBufferBytes) {
      if (this.behindSince === undefined) this.behindSince = sessionClock(nowMs);
      else if (elapsedMs(sessionClock(nowMs), this.behindSince) > limits.slowConsumerMs) this.closeWith(CLOSE_CODES.SLOW_CONSUMER, `behind for more than ${limits.slowConsumerMs} ms`, 'slow_consumer');
      return;
    }
    this.behindSince = undefined;
    // Marks exist for live subscriptions only: dropping one removes its mark. (Keys, then get: iterating
    // entries would build a [key, value] array per mark.)
    for (const channel of marked.keys()) {
      this.pieces.push(channel.complete(marked.get(channel)!));
      this.pieceChannels.push(undefined);
      if (this.framePublishNs() === 0) this.frameUpdate = channel.latest;
    }
    marked.clear();
    if (this.tier!.batchIntervalMs === 0) {
      // Caught up: back to realtime.
      this.marked = undefined;
      scheduler.setBehind(this, false);
      metrics.conflatingSessions = scheduler.behindCount;
    }
    if (this.pieces.length > 0) this.writeFrame(nowMs);
  }

  private writeFrame(nowMs: number): void {
    const { metrics } = this.services;
    const pieces = this.pieces;
    const encoding = this.encoding;
    if (pieces.length === 1) {
      this.transport.sendShared(pieces[0]!, encoding);
      metrics.bytesOut += pieces[0]!.bytes(encoding).length;
    } else {
      const payload = batchPayload(pieces, encoding);
      this.transport.send(payload, encoding);
      metrics.bytesOut += payload.length;
    }
    metrics.framesOut++;
    metrics.messagesOut += pieces.length;
    const publishNs = this.framePublishNs();
    if (publishNs > 0 && ++latencySampleCounter % LATENCY_SAMPLE_EVERY === 0) {
      metrics.deliveryLatency.observe(Math.max(0, nowMs / 1e3 - publishNs / 1e9));
    }
    this.frameUpdate = undefined;
    pieces.length = 0;
    this.pieceChannels.length = 0;
  }

  /** When the first update in the frame being built was published (0: none, or not stamped). */
  private framePublishNs(): number {
    return this.frameUpdate === undefined ? 0 : Number(this.frameUpdate.publishTsNs);
  }

  // --- heartbeats and deadlines ---------------------------------------------------------------------

  tick(nowMs: number): void {
    if (this.state === 'closed') return;
    const { limits } = this.services;
    const now = sessionClock(nowMs);
    if (this.state === 'authenticating') {
      if (elapsedMs(now, this.connectedAt) > limits.authTimeoutMs) this.closeWith(CLOSE_CODES.AUTH_TIMEOUT, `no auth message within ${limits.authTimeoutMs} ms`, 'auth_timeout');
      return;
    }
    if (this.expiresAtMs !== undefined && nowMs >= this.expiresAtMs) {
      this.closeWith(CLOSE_CODES.TOKEN_EXPIRED, 'the token expired; reconnect with a new one', 'token_expired');
      return;
    }
    if (this.transport.oneWay !== true && elapsedMs(now, this.lastInbound) > limits.idleTimeoutMs) {
      this.closeWith(CLOSE_CODES.IDLE_TIMEOUT, `nothing received for ${limits.idleTimeoutMs} ms`, 'idle_timeout');
      return;
    }
    if (this.rateLimiter !== undefined && this.rateLimiter.available(nowMs) >= limits.messageBurst) this.rateLimiter = undefined;
    if (elapsedMs(now, this.lastPing) >= limits.heartbeatMs) {
      this.lastPing = now;
      this.transport.ping?.();
      this.sendControl({ body: { $case: 'ping', value: { ts: BigInt(nowMs) } } });
    }
  }

  /** Asks the client to reconnect after `afterMs` (drain); the close follows when the caller decides. */
  sendReconnect(afterMs: number, reason: string): void {
    this.sendControl({ body: { $case: 'reconnect', value: { afterMs, reason } } });
  }

  // --- closing ----------------------------------------------------------------------------------------

  closeWith(code: CloseCodeDefinition, reason: string, rejection?: RejectionReason): void {
    if (this.state === 'closed') return;
    if (rejection !== undefined) this.services.metrics.reject(rejection);
    this.services.logger.debug({ event: 'edge.session_closing', session: this.id, remote: this.remoteAddress, code: code.code, name: code.name, reason }, 'closing a client connection');
    // Whatever is queued (e.g. the error that explains the close) goes out first.
    if (this.pieces.length > 0 && code !== CLOSE_CODES.SLOW_CONSUMER) this.writeFrame(Date.now());
    this.release();
    this.transport.close(code.code, reason);
  }

  /** The transport is gone (closed by either side): releases everything. Idempotent. */
  onClosed(): void {
    this.release();
  }

  private release(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const { metrics, scheduler, interest } = this.services;
    const channels = this.liveChannels;
    const slots = this.liveSlots;
    for (let i = 0; i < channels.length; i++) {
      channels[i]!.remove(this, modeOf(slots[i]!), positionOf(slots[i]!));
      interest.release(channels[i]!);
    }
    // Pending ones without a channel give their reference back when their snapshot arrives (see `subscribe`).
    if (this.pending !== undefined) for (const waiting of this.pending.values()) if (waiting.channel !== undefined) interest.release(waiting.channel);
    metrics.subscriptions -= this.subscriptionCount;
    this.liveChannels = NO_CHANNELS;
    this.liveSlots = NO_SLOTS;
    this.pending = undefined;
    this.marked = undefined;
    this.rateLimiter = undefined;
    this.pieces.length = 0;
    this.pieceChannels.length = 0;
    scheduler.remove(this);
    metrics.conflatingSessions = scheduler.behindCount;
    metrics.connections--;
  }
}

function subscriptionResult(symbol: string, code: SubscriptionResultCode, mode: SubscriptionMode = SubscriptionMode.UNSPECIFIED): SubscriptionResult {
  return { symbol, code, mode };
}

function grantedMode(requested: SubscriptionMode, defaultMode: ClientMode, maxMode: SubscriptionMode): ClientMode {
  const wanted = (CLIENT_MODES as readonly SubscriptionMode[]).includes(requested) ? requested : defaultMode;
  return Math.min(wanted, maxMode) as ClientMode;
}

function rejectionReason(code: CloseCodeDefinition): RejectionReason {
  switch (code.code) {
    case CLOSE_CODES.AUTH_REQUIRED.code:
      return 'auth_required';
    case CLOSE_CODES.TOKEN_EXPIRED.code:
      return 'token_expired';
    default:
      return 'auth_failed';
  }
}
