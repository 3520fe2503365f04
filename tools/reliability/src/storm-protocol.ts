import type { FailedReply } from '@tickwire/testing';

/** Refusals a storm worker saw, by what the edge answered: `HTTP 503`, `close 4200`, `ECONNRESET`, `timed out`, ... */
export type Refusals = Record<string, number>;

/** Test -> storm worker; each command gets one reply. */
export type StormCommand =
  | {
      readonly type: 'open';
      /** `ws://127.0.0.1:<port>/v1/stream?token=...` */
      readonly url: string;
      /** Global index of this worker's first client: its source address (127.0.0.<1 + index % addressCount>) follows. */
      readonly firstIndex: number;
      readonly count: number;
      readonly addressCount: number;
      /** Client i subscribes (ltp) to `perClient` consecutive symbols of these, from (i * perClient) mod length. */
      readonly symbols: readonly string[];
      readonly perClient: number;
      readonly timeoutMs: number;
    }
  /**
   * Drops every client at once (`terminate()`); each reconnects after a uniform random delay in [0, spreadMs)
   * (0: all at once), retrying refusals with full-jitter backoff, until `timeoutMs` after the drop.
   */
  | { readonly type: 'storm'; readonly spreadMs: number; readonly timeoutMs: number }
  /**
   * Opens `count` more clients that subscribe and unsubscribe random `symbols` (SubscriptionChurner) at
   * `messagesPerSec` each for `durationMs`; they stay connected, holding what they hold, until `close`.
   */
  | { readonly type: 'churn'; readonly url: string; readonly count: number; readonly symbols: readonly string[]; readonly maxHeld: number; readonly messagesPerSec: number; readonly durationMs: number }
  /** Closes every client (crowd and churners) and waits until they are closed. */
  | { readonly type: 'close' };

export type StormReply =
  | { readonly type: 'opened'; readonly open: number; readonly ms: number; readonly refusals: Refusals }
  | {
      readonly type: 'stormed';
      readonly dropped: number;
      /** Per client served again: ms from the drop to its subscribe ack, and to its first live update after it. */
      readonly subscribedMs: readonly number[];
      readonly servedMs: readonly number[];
      readonly unserved: number;
      readonly retries: number;
      readonly refusals: Refusals;
    }
  | {
      readonly type: 'churned';
      readonly sent: number;
      /** What each churner holds now, as the edge must see it. */
      readonly held: readonly (readonly string[])[];
      /** Refused subscriptions and error messages the churners got. */
      readonly refusals: number;
    }
  | { readonly type: 'closed' }
  | FailedReply;
