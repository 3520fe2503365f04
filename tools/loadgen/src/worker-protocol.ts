import type { FailedReply } from '@tickwire/testing';
import type { TallySnapshot } from './delivery-tally';
import type { PeerProtocol, SubscriptionPlan } from './peer-clients';

/** Coordinator -> worker. A worker handles one command at a time and answers each with one reply. */
export type WorkerCommand =
  | {
      readonly type: 'open';
      /** e.g. `ws://127.0.0.1:8080/v1/stream?token=...` */
      readonly url: string;
      /** The peer's client protocol (`peer-clients.ts`). */
      readonly protocol: PeerProtocol;
      /** Global index of this worker's first connection (addresses and symbols follow from it). */
      readonly start: number;
      readonly count: number;
      readonly addressCount: number;
      /** What each connection subscribes to; a connection is ready once the peer acknowledged it. */
      readonly plan: SubscriptionPlan;
      /**
       * Slow consumers: once subscribed, stop reading (the socket is paused, so the kernel buffers fill and
       * then the server's). Their frames are not counted.
       */
      readonly stall?: boolean;
      /** Connections being opened at once. */
      readonly concurrency: number;
      /** Give up on a connection (open, handshake, subscription) after this long. */
      readonly timeoutMs: number;
    }
  | { readonly type: 'tally'; readonly reset: boolean }
  | {
      /**
       * A reconnect storm: at `atNs` (wall clock) every open connection that is not stalled is dropped
       * (`terminate()`), and each one reconnects and resubscribes at `atNs` + a uniform random delay in
       * [0, spreadMs), retrying after a failure (full-jitter backoff) until `timeoutMs` after `atNs`.
       */
      readonly type: 'storm';
      readonly atNs: number;
      readonly spreadMs: number;
      readonly timeoutMs: number;
    }
  | { readonly type: 'close' };

export interface OpenedReply {
  readonly type: 'opened';
  /** Sockets open now (and subscribed). */
  readonly open: number;
  readonly failed: number;
  readonly seconds: number;
  /** The first few failure reasons. */
  readonly errors: readonly string[];
}

export interface TallyReply {
  readonly type: 'tally';
  readonly tally: TallySnapshot;
  readonly open: number;
  /** Close codes seen since the worker started, e.g. { "4200": 3 } for slow-consumer closes (not counting the worker's own drops, nor stalled connections). */
  readonly closes: Readonly<Record<string, number>>;
  /** The same for the stalled connections (`stall: true`): the peer closing its slow consumers. */
  readonly stalledCloses: Readonly<Record<string, number>>;
  /** The worker's own CPU seconds (user + system) since it started. */
  readonly cpuSeconds: number;
}

export interface StormReply {
  readonly type: 'stormed';
  /** Connections dropped at `atNs`. */
  readonly dropped: number;
  /** Per reconnected connection, ms after `atNs`: subscription acknowledged, and first live update after it. */
  readonly resubscribedMs: readonly number[];
  readonly receivingMs: readonly number[];
  /** Connections that never came back within the time limit. */
  readonly failed: number;
  /** Connection attempts that failed and were retried. */
  readonly retries: number;
  /** This worker's CPU seconds from the drop until the storm settled (the load generator's share). */
  readonly cpuSeconds: number;
  readonly errors: readonly string[];
}

export type WorkerReply = OpenedReply | TallyReply | StormReply | { readonly type: 'closed' } | FailedReply;
