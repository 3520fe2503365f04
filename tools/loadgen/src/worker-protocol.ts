import type { TallySnapshot } from './delivery-tally';

/** Coordinator -> worker. A worker handles one command at a time and answers each with one reply. */
export type WorkerCommand =
  | {
      readonly type: 'open';
      /** e.g. `ws://127.0.0.1:8080/v1/stream?token=...` */
      readonly url: string;
      /** Global index of this worker's first connection (addresses and symbols follow from it). */
      readonly start: number;
      readonly count: number;
      readonly addressCount: number;
      /** Offered `Sec-WebSocket-Protocol`, if any. */
      readonly subprotocol?: string;
      /** Subscribe after `welcome` and wait for the ack (the edge); absent: just hold the socket (a plain server). */
      readonly subscribe?: { readonly symbols: readonly string[]; readonly perConnection: number; readonly mode: number };
      /** Connections being opened at once. */
      readonly concurrency: number;
      /** Give up on a connection (open, welcome, ack) after this long. */
      readonly timeoutMs: number;
    }
  | { readonly type: 'tally'; readonly reset: boolean }
  | { readonly type: 'close' };

export interface OpenedReply {
  readonly type: 'opened';
  /** Sockets open now (and subscribed, when asked). */
  readonly open: number;
  readonly failed: number;
  /** Subscriptions the edge acknowledged with `ok`. */
  readonly subscriptionsOk: number;
  readonly seconds: number;
  /** The first few failure reasons. */
  readonly errors: readonly string[];
}

export interface TallyReply {
  readonly type: 'tally';
  readonly tally: TallySnapshot;
  readonly open: number;
  /** Close codes seen since the worker started, e.g. { "4200": 3 } for slow-consumer closes. */
  readonly closes: Readonly<Record<string, number>>;
  /** The worker's own CPU seconds (user + system) since it started. */
  readonly cpuSeconds: number;
}

export type WorkerReply = OpenedReply | TallyReply | { readonly type: 'closed' } | { readonly type: 'failed'; readonly error: string };
