/**
 * The `Bus` port: publish bytes to a subject, subscribe with NATS wildcard semantics. Adapters: NATS
 * (production) and in-memory (embedded mode, fast unit tests). Both pass `describeBusContract`.
 *
 * Payloads are opaque bytes. The publisher may reuse its buffer once `publish` returns; subscribers
 * must treat the bytes they receive as read-only (the in-memory adapter hands one copy to every subscriber).
 */
export type BusStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'closed';

/**
 * Called once per delivered message. Plain arguments rather than a message object, so a delivery
 * allocates nothing on our side. To answer a request, publish to `reply`.
 */
export type MessageHandler = (data: Uint8Array, subject: string, reply: string | undefined) => void;

export interface SubscribeOptions {
  /** Queue group: each message goes to exactly one member of the group. */
  readonly queue?: string;
}

export interface Subscription {
  readonly subject: string;
  readonly queue: string | undefined;
  unsubscribe(): void;
}

export interface RequestOptions {
  readonly timeoutMs: number;
}

export type BusStatusListener = (status: BusStatus, detail?: string) => void;

export interface Bus {
  /** Throws `BusError` (`BUS_ERR_INVALID_SUBJECT`, `BUS_ERR_CLOSED`) synchronously; never blocks. */
  publish(subject: string, data: Uint8Array, reply?: string): void;
  subscribe(subject: string, handler: MessageHandler, options?: SubscribeOptions): Subscription;
  /** Resolves with the first reply; rejects with `BUS_ERR_REQUEST_TIMEOUT` or `BUS_ERR_NO_RESPONDERS`. */
  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Uint8Array>;
  /** Resolves once everything published so far has reached the server (a round trip). */
  flush(): Promise<void>;
  readonly status: BusStatus;
  /** Returns a function that removes the listener. */
  onStatus(listener: BusStatusListener): () => void;
}

/** Delivers what is in flight, stops subscriptions, then closes. */
export interface Drainable {
  drain(): Promise<void>;
}

export interface Closable {
  close(): Promise<void>;
}

/**
 * Replay of a subject's history (NATS JetStream): an optional capability, not part of `Bus`. The NATS
 * adapter has it; the in-memory one does not (embedded mode has no history to replay).
 */
export interface StreamReplay {
  /**
   * Makes sure stream `name` keeps what is published on `subjects` for `maxAgeMs`, on `replicas` servers
   * (default 1; a cluster needs 3 to keep the stream through the loss of a server). Idempotent: an existing
   * stream with another replica count is changed to `replicas`.
   */
  ensureStream(name: string, subjects: readonly string[], maxAgeMs: number, replicas?: number): Promise<void>;
  /**
   * Delivers, in order, every message the stream holds on `subject`, then new ones as they come.
   * `onCaughtUp` is called once, when the messages held at the call have all been delivered.
   */
  replay(stream: string, subject: string, handler: MessageHandler, onCaughtUp: () => void): Promise<ReplaySubscription>;
}

/** A stream replay's subscription. */
export interface ReplaySubscription extends Subscription {
  /**
   * Called from the handler: delivers again from the message after the one delivered before the current
   * one (the current one included), through a new consumer, after a short pause. For a reader that finds
   * messages missing between the previous message and this one (its own sequence numbers jumped): the
   * stream may hold them while the server serving the consumer did not yet (a replica catching up).
   */
  rewind(): void;
}

/**
 * Publishing into a stream with the stream's acknowledgement (NATS JetStream): an optional capability.
 * A plain publish is lost while a stream has no leader (a server died and another is being elected); this
 * one rejects instead, so the caller can publish again. `msgId` makes a repeat of a stored message a
 * no-op within the stream's duplicate window (2 minutes by default).
 */
export interface StreamPublish {
  publishToStream(subject: string, data: Uint8Array, msgId: string, timeoutMs: number): Promise<void>;
}

export function canPublishToStream(bus: object): bus is StreamPublish {
  return typeof (bus as Partial<StreamPublish>).publishToStream === 'function';
}

export function canReplay(bus: object): bus is StreamReplay {
  return typeof (bus as Partial<StreamReplay>).replay === 'function' && typeof (bus as Partial<StreamReplay>).ensureStream === 'function';
}

/** What services hold: a bus they can drain at shutdown. */
export type ManagedBus = Bus & Drainable & Closable;
