import { connect, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, DiscardPolicy, jetstream, jetstreamManager, StorageType, type ConsumerMessages, type JetStreamClient, type StreamInfo } from '@nats-io/jetstream';
import type { Bus, BusStatus, BusStatusListener, Closable, Drainable, MessageHandler, ReplaySubscription, RequestOptions, StreamPublish, StreamReplay, SubscribeOptions, Subscription } from '../bus';
import { BusError } from '../errors';
import type { HandlerErrorReporter } from '../memory/memory-bus';
import { StatusListeners } from '../status-listeners';
import { assertPublishSubject, assertQueueName, assertSubscribeSubject } from '../subject';

/** Reconnect forever: a market-data service has nothing better to do than wait for its broker. */
export const DEFAULT_RECONNECT_WAIT_MS = 250;
/** Random extra wait per reconnect attempt so a fleet does not reconnect in lockstep. */
export const DEFAULT_RECONNECT_JITTER_MS = 500;
export const DEFAULT_PING_INTERVAL_MS = 5_000;
/**
 * How long each pull of a stream replay waits. The server sends idle heartbeats every half of it, and the
 * ordered consumer recreates itself after two missed ones: with the client's default (30 s) a replay
 * whose consumer lived on a NATS server that died stalled for 30 s; with 2 s it resumes within about 2 s.
 */
export const REPLAY_PULL_EXPIRES_MS = 2_000;
/** A replay that delivered nothing this long while its stream holds newer messages gets a new consumer. */
export const REPLAY_STALL_MS = 3_000;
/** A rewound replay opens its new consumer after this pause (a replica catching up gets the time to). */
export const REPLAY_REWIND_PAUSE_MS = 500;

export interface NatsBusOptions {
  /** One URL, a comma-separated list, or an array (cluster seeds). */
  readonly servers: string | readonly string[];
  /** Connection name shown by the server (`nats-server` monitoring). */
  readonly name: string;
  readonly reconnectWaitMs?: number;
  readonly reconnectJitterMs?: number;
  readonly pingIntervalMs?: number;
  readonly onHandlerError?: HandlerErrorReporter;
  /** A replay's consumer stalled and was replaced, starting at stream sequence `fromSeq` (for logs). */
  readonly onReplayRestarted?: (subject: string, fromSeq: number) => void;
}

function serverList(servers: string | readonly string[]): string[] {
  const list = typeof servers === 'string' ? servers.split(',') : [...servers];
  return list.map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * Connects to NATS and returns a `Bus`. The first connection is retried forever too (services come up
 * before their broker in a fresh deployment); the promise settles once connected.
 */
export async function connectNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  try {
    const connection = await connect({
      servers: serverList(options.servers),
      name: options.name,
      reconnect: true,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      reconnectTimeWait: options.reconnectWaitMs ?? DEFAULT_RECONNECT_WAIT_MS,
      reconnectJitter: options.reconnectJitterMs ?? DEFAULT_RECONNECT_JITTER_MS,
      pingInterval: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
      maxPingOut: 3,
    });
    return new NatsBus(connection, options.onHandlerError ?? defaultReporter, options.onReplayRestarted);
  } catch (error) {
    throw new BusError('BUS_ERR_CONNECT_FAILED', `${serverList(options.servers).join(',')}: ${String(error)}`, { cause: error });
  }
}

const defaultReporter: HandlerErrorReporter = (error, subject) => {
  process.stderr.write(`bus: message handler for ${subject} threw: ${String(error)}\n`);
};

class NatsSubscription implements Subscription {
  constructor(
    readonly subject: string,
    readonly queue: string | undefined,
    private readonly inner: { unsubscribe(): void },
  ) {}

  unsubscribe(): void {
    this.inner.unsubscribe();
  }
}

class NatsReplaySubscription extends NatsSubscription implements ReplaySubscription {
  constructor(
    subject: string,
    private readonly replay: { unsubscribe(): void; rewind(): void },
  ) {
    super(subject, undefined, replay);
  }

  rewind(): void {
    this.replay.rewind();
  }
}

export class NatsBus implements Bus, Drainable, Closable, StreamReplay, StreamPublish {
  private readonly statusListeners = new StatusListeners('connected');
  private accepting = true;
  private streams: JetStreamClient | undefined;

  constructor(
    /** The underlying connection, for adapters that need NATS-only features (e.g. KV for leases). */
    readonly connection: NatsConnection,
    private readonly onHandlerError: HandlerErrorReporter,
    private readonly onReplayRestarted?: (subject: string, fromSeq: number) => void,
  ) {
    void this.watchStatus();
    void connection.closed().then((error) => {
      this.accepting = false;
      this.statusListeners.set('closed', error ? String(error) : undefined);
    });
  }

  get status(): BusStatus {
    return this.statusListeners.current;
  }

  onStatus(listener: BusStatusListener): () => void {
    return this.statusListeners.add(listener);
  }

  publish(subject: string, data: Uint8Array, reply?: string): void {
    assertPublishSubject(subject);
    if (!this.accepting) throw new BusError('BUS_ERR_CLOSED', `cannot publish to ${subject}`);
    this.connection.publish(subject, data, reply === undefined ? undefined : { reply });
  }

  subscribe(subject: string, handler: MessageHandler, options?: SubscribeOptions): Subscription {
    assertSubscribeSubject(subject);
    const queue = options?.queue;
    if (queue !== undefined) assertQueueName(queue);
    if (!this.accepting) throw new BusError('BUS_ERR_CLOSED', `cannot subscribe to ${subject}`);
    const report = this.onHandlerError;
    const inner = this.connection.subscribe(subject, {
      ...(queue === undefined ? {} : { queue }),
      callback: (error, msg) => {
        if (error) {
          report(error, subject);
          return;
        }
        try {
          handler(msg.data, msg.subject, msg.reply);
        } catch (handlerError) {
          report(handlerError, msg.subject);
        }
      },
    });
    return new NatsSubscription(subject, queue, inner);
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Uint8Array> {
    assertPublishSubject(subject);
    if (!this.accepting) throw new BusError('BUS_ERR_CLOSED', `cannot request ${subject}`);
    try {
      const reply = await this.connection.request(subject, data, { timeout: options.timeoutMs });
      return reply.data;
    } catch (error) {
      throw translateRequestError(error, subject, options.timeoutMs);
    }
  }

  async flush(): Promise<void> {
    if (!this.accepting && this.statusListeners.current === 'closed') throw new BusError('BUS_ERR_CLOSED', 'flush');
    await this.connection.flush();
  }

  async drain(): Promise<void> {
    if (this.connection.isClosed()) return;
    this.accepting = false;
    if (!this.connection.isDraining()) await this.connection.drain();
    await this.connection.closed();
  }

  async close(): Promise<void> {
    this.accepting = false;
    if (!this.connection.isClosed()) await this.connection.close();
  }

  async ensureStream(name: string, subjects: readonly string[], maxAgeMs: number, replicas = 1): Promise<void> {
    const manager = await jetstreamManager(this.connection);
    let existing: StreamInfo | undefined;
    try {
      existing = await manager.streams.info(name);
    } catch {
      await manager.streams.add({ name, subjects: [...subjects], max_age: maxAgeMs * 1_000_000, storage: StorageType.File, discard: DiscardPolicy.Old, num_replicas: replicas });
      return;
    }
    // A stream created before the replica count was raised (R1 is lost with its one server): scale it.
    if (existing.config.num_replicas !== replicas) await manager.streams.update(name, { num_replicas: replicas });
  }

  async publishToStream(subject: string, data: Uint8Array, msgId: string, timeoutMs: number): Promise<void> {
    assertPublishSubject(subject);
    if (!this.accepting) throw new BusError('BUS_ERR_CLOSED', `cannot publish to ${subject}`);
    await (this.streams ??= jetstream(this.connection)).publish(subject, data, { msgID: msgId, timeout: timeoutMs });
  }

  async replay(stream: string, subject: string, handler: MessageHandler, onCaughtUp: () => void): Promise<ReplaySubscription> {
    assertSubscribeSubject(subject);
    const manager = await jetstreamManager(this.connection);
    /** The stream sequence of the newest message on the subject (0: none), or undefined when the stream did not answer. */
    const newestOnSubject = async (): Promise<number | undefined> => {
      try {
        return (await manager.streams.getMessage(stream, { last_by_subj: subject }))?.seq ?? 0;
      } catch {
        return undefined;
      }
    };
    // The backlog is everything up to the last message on the subject at this moment.
    const backlogEnd = (await newestOnSubject()) ?? 0;
    let caughtUp = backlogEnd === 0;
    if (caughtUp) onCaughtUp();
    const report = this.onHandlerError;
    /** Stream sequence of the last message handed over, and when; and of the one before it (for rewind). */
    let delivered = 0;
    let deliveredBefore = 0;
    let progressAt = Date.now();
    /** Only the newest consumer delivers: one given up for stalled must not come back in between. */
    let generation = 0;
    const open = async (): Promise<ConsumerMessages> => {
      const mine = ++generation;
      const consumer = await jetstream(this.connection).consumers.get(stream, delivered === 0 ? { filter_subjects: subject } : { filter_subjects: subject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: delivered + 1 });
      return consumer.consume({
        expires: REPLAY_PULL_EXPIRES_MS,
        callback: (message) => {
          if (mine !== generation || message.seq <= delivered) return;
          deliveredBefore = delivered;
          delivered = message.seq;
          progressAt = Date.now();
          try {
            handler(message.data, message.subject, undefined);
          } catch (error) {
            report(error, message.subject);
          }
          if (!caughtUp && message.seq >= backlogEnd) {
            caughtUp = true;
            onCaughtUp();
          }
        },
      });
    };
    let messages = await open();
    let stopped = false;
    /** Consumers are replaced one at a time, in order: the watchdog's and the rewinds' (see below). */
    let replacing: Promise<void> = Promise.resolve();
    let replacements = 0;
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, REPLAY_REWIND_PAUSE_MS).unref());
    /** A new consumer starting at stream sequence `fromSeq`, retried while the stream has no leader. */
    const replace = (fromSeq: number | (() => Promise<number | undefined>), delayFirst: boolean): void => {
      replacements++;
      replacing = replacing
        .then(async () => {
          if (delayFirst) await pause();
          while (!stopped) {
            try {
              const from = typeof fromSeq === 'number' ? fromSeq : await fromSeq();
              if (from === undefined || stopped) return;
              delivered = from - 1;
              void messages.close().catch(() => undefined);
              messages = await open();
              progressAt = Date.now();
              this.onReplayRestarted?.(subject, from);
              return;
            } catch {
              // The stream has no leader yet (a server died): try again shortly.
              await pause();
            }
          }
        })
        .finally(() => {
          replacements--;
        });
    };
    // The ordered consumer lives on one server. When that server dies the client library keeps asking
    // it for the consumer's info and never makes a new one, so the replay would stall until the server
    // returned: a consumer that delivered nothing for REPLAY_STALL_MS while the stream holds newer
    // messages on the subject is replaced by one starting after the last message delivered. So is one
    // whose stream does not say what it holds (its API timing out through a failover): replacing an idle
    // consumer costs nothing, and only asking again can find the stream's new leader.
    const watchdog = setInterval(() => {
      if (replacements > 0 || stopped || Date.now() - progressAt < REPLAY_STALL_MS) return;
      replace(async () => {
        const newest = await newestOnSubject();
        return newest === undefined || newest > delivered ? delivered + 1 : undefined;
      }, false);
    }, REPLAY_STALL_MS);
    watchdog.unref();
    return new NatsReplaySubscription(subject, {
      unsubscribe: () => {
        stopped = true;
        clearInterval(watchdog);
        void messages.close().catch(() => undefined);
      },
      rewind: () => {
        // Nothing more from the current consumer; the next one starts after the message before this one.
        generation++;
        replace(deliveredBefore + 1, true);
      },
    });
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.connection.status()) {
      switch (status.type) {
        case 'disconnect':
          this.statusListeners.set('disconnected', status.server);
          break;
        case 'reconnecting':
          this.statusListeners.set('reconnecting');
          break;
        case 'reconnect':
          this.statusListeners.set('connected', status.server);
          break;
        default:
          break;
      }
    }
  }
}

function translateRequestError(error: unknown, subject: string, timeoutMs: number): BusError {
  const cause = error instanceof RequestError && error.cause !== undefined ? error.cause : error;
  if (cause instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders())) {
    return new BusError('BUS_ERR_NO_RESPONDERS', subject, { cause: error });
  }
  if (cause instanceof TimeoutError) return new BusError('BUS_ERR_REQUEST_TIMEOUT', `${subject} after ${timeoutMs} ms`, { cause: error });
  return new BusError('BUS_ERR_REQUEST_FAILED', `${subject}: ${String(error)}`, { cause: error });
}
