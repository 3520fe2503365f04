import type { Bus, BusStatus, BusStatusListener, Closable, Drainable, MessageHandler, RequestOptions, SubscribeOptions, Subscription } from '../bus';
import { BusError } from '../errors';
import { StatusListeners } from '../status-listeners';
import { assertPublishSubject, assertQueueName, assertSubscribeSubject } from '../subject';
import { SubjectIndex } from './subject-index';

export type HandlerErrorReporter = (error: unknown, subject: string) => void;

const reportToStderr: HandlerErrorReporter = (error, subject) => {
  process.stderr.write(`bus: message handler for ${subject} threw: ${String(error)}\n`);
};

class MemorySubscription implements Subscription {
  active = true;
  constructor(
    readonly connection: InMemoryBus,
    readonly subject: string,
    readonly queue: string | undefined,
    readonly handler: MessageHandler,
  ) {}

  unsubscribe(): void {
    this.connection.removeSubscription(this);
  }
}

interface Delivery {
  readonly subscription: MemorySubscription | undefined;
  readonly data: Uint8Array;
  readonly subject: string;
  readonly reply: string | undefined;
  /** Set on flush markers only. */
  readonly done: (() => void) | undefined;
}

/**
 * The in-memory "server": connections made from one broker see each other's messages, the way
 * services connected to one NATS server do. Delivery is asynchronous (never inside `publish`) and
 * keeps per-publisher order, as NATS does.
 */
export class InMemoryBroker {
  private readonly index = new SubjectIndex<MemorySubscription>();
  private readonly queueCursor = new Map<string, number>();
  private pending: Delivery[] = [];
  private scheduled = false;
  private nextConnectionId = 1;

  constructor(private readonly onHandlerError: HandlerErrorReporter = reportToStderr) {}

  connect(): InMemoryBus {
    return new InMemoryBus(this, this.nextConnectionId++);
  }

  /** @internal */
  addSubscription(subscription: MemorySubscription): void {
    this.index.add(subscription.subject, subscription);
  }

  /** @internal */
  removeSubscription(subscription: MemorySubscription): void {
    this.index.remove(subscription.subject, subscription);
  }

  /** @internal Returns how many subscriptions the message was routed to. */
  route(subject: string, data: Uint8Array, reply: string | undefined): number {
    const matched = this.index.match(subject);
    if (matched.length === 0) return 0;
    let routed = 0;
    let groups: Map<string, MemorySubscription[]> | undefined;
    for (const subscription of matched) {
      if (subscription.queue === undefined) {
        this.enqueue({ subscription, data, subject, reply, done: undefined });
        routed++;
      } else {
        groups ??= new Map();
        const members = groups.get(subscription.queue);
        if (members) members.push(subscription);
        else groups.set(subscription.queue, [subscription]);
      }
    }
    if (groups) {
      for (const [queue, members] of groups) {
        // Round robin per (queue, subject) spreads load evenly and deterministically.
        const key = `${queue}\u0000${subject}`;
        const cursor = this.queueCursor.get(key) ?? 0;
        this.queueCursor.set(key, cursor + 1);
        this.enqueue({ subscription: members[cursor % members.length], data, subject, reply, done: undefined });
        routed++;
      }
    }
    return routed;
  }

  /** @internal Resolves once every delivery queued before the call has been handed to its handler. */
  whenDelivered(): Promise<void> {
    return new Promise((resolve) => this.enqueue({ subscription: undefined, data: EMPTY, subject: '', reply: undefined, done: resolve }));
  }

  private enqueue(delivery: Delivery): void {
    this.pending.push(delivery);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.pump);
    }
  }

  private readonly pump = (): void => {
    // Take the current batch; anything published by handlers goes to the next turn, so one busy
    // subject cannot starve timers and I/O.
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    for (const delivery of batch) {
      if (delivery.done) {
        delivery.done();
        continue;
      }
      const subscription = delivery.subscription!;
      if (!subscription.active) continue;
      try {
        subscription.handler(delivery.data, delivery.subject, delivery.reply);
      } catch (error) {
        this.onHandlerError(error, delivery.subject);
      }
    }
  };
}

const EMPTY = new Uint8Array(0);

/** One connection to an `InMemoryBroker`. */
export class InMemoryBus implements Bus, Drainable, Closable {
  private readonly subscriptions = new Set<MemorySubscription>();
  private readonly statusListeners = new StatusListeners('connected');
  private accepting = true;
  private nextInbox = 1;

  constructor(
    private readonly broker: InMemoryBroker,
    private readonly connectionId: number,
  ) {}

  get status(): BusStatus {
    return this.statusListeners.current;
  }

  onStatus(listener: BusStatusListener): () => void {
    return this.statusListeners.add(listener);
  }

  publish(subject: string, data: Uint8Array, reply?: string): void {
    assertPublishSubject(subject);
    if (!this.accepting) throw new BusError('BUS_ERR_CLOSED', `cannot publish to ${subject}`);
    this.broker.route(subject, data, reply);
  }

  subscribe(subject: string, handler: MessageHandler, options?: SubscribeOptions): Subscription {
    assertSubscribeSubject(subject);
    if (options?.queue !== undefined) assertQueueName(options.queue);
    if (!this.accepting) throw new BusError('BUS_ERR_CLOSED', `cannot subscribe to ${subject}`);
    const subscription = new MemorySubscription(this, subject, options?.queue, handler);
    this.subscriptions.add(subscription);
    this.broker.addSubscription(subscription);
    return subscription;
  }

  /** @internal */
  removeSubscription(subscription: MemorySubscription): void {
    if (!subscription.active) return;
    subscription.active = false;
    this.subscriptions.delete(subscription);
    this.broker.removeSubscription(subscription);
  }

  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Uint8Array> {
    assertPublishSubject(subject);
    if (!this.accepting) return Promise.reject(new BusError('BUS_ERR_CLOSED', `cannot request ${subject}`));
    const inbox = `_INBOX.mem${this.connectionId}.${this.nextInbox++}`;
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.unsubscribe();
        reject(new BusError('BUS_ERR_REQUEST_TIMEOUT', `${subject} after ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const subscription = this.subscribe(inbox, (reply) => {
        clearTimeout(timer);
        subscription.unsubscribe();
        resolve(reply);
      });
      if (this.broker.route(subject, data, inbox) === 0) {
        clearTimeout(timer);
        subscription.unsubscribe();
        reject(new BusError('BUS_ERR_NO_RESPONDERS', subject));
      }
    });
  }

  flush(): Promise<void> {
    if (this.statusListeners.current === 'closed') return Promise.reject(new BusError('BUS_ERR_CLOSED', 'flush'));
    return this.broker.whenDelivered();
  }

  async drain(): Promise<void> {
    if (!this.accepting) return;
    this.accepting = false;
    await this.broker.whenDelivered();
    this.closeNow();
  }

  async close(): Promise<void> {
    this.accepting = false;
    this.closeNow();
  }

  private closeNow(): void {
    for (const subscription of [...this.subscriptions]) this.removeSubscription(subscription);
    this.statusListeners.set('closed');
  }
}
