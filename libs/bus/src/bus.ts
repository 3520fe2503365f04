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

/** What services hold: a bus they can drain at shutdown. */
export type ManagedBus = Bus & Drainable & Closable;
