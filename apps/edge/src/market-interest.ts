import type { Bus, Subscription } from '@tickwire/bus';
import { MarketUpdate, SubscriptionMode, tickSubjectForSymbol, type GetSnapshotsResponse } from '@tickwire/protocol';
import type { Logger } from '@tickwire/runtime';
import type { EdgeMetrics } from './edge-metrics';
import { SymbolChannel } from './symbol-channel';

/** The snapshot service as the edge uses it (`SnapshotClient` from @tickwire/snapshot-grpc fits). */
export interface SnapshotFetcher {
  getSnapshots(symbols: readonly string[], mode: SubscriptionMode): Promise<GetSnapshotsResponse>;
}

export type AcquireResult = { readonly status: 'ok'; readonly channel: SymbolChannel } | { readonly status: 'unknown' | 'unavailable' };

export interface MarketInterestOptions {
  readonly bus: Bus;
  readonly shardCount: number;
  readonly snapshots: SnapshotFetcher;
  /** How long a symbol nobody wants keeps its NATS subscription, so a quick resubscribe costs nothing. */
  readonly lingerMs: number;
  /** Symbols per GetSnapshots call. */
  readonly maxSymbolsPerFetch: number;
  readonly metrics: EdgeMetrics;
  readonly logger: Logger;
}

/** Defaults for the options above. */
export const DEFAULT_LINGER_MS = 5_000;
export const DEFAULT_MAX_SYMBOLS_PER_FETCH = 500;

interface Entry {
  readonly channel: SymbolChannel;
  readonly subscription: Subscription;
  waiters: ((result: AcquireResult) => void)[] | undefined;
  linger: NodeJS.Timeout | undefined;
}

const UNKNOWN: AcquireResult = Object.freeze({ status: 'unknown' });
const UNAVAILABLE: AcquireResult = Object.freeze({ status: 'unavailable' });

/**
 * Interest-based routing: the edge holds an md.tick subscription only for symbols some local client
 * wants, reference counted, with a linger before unsubscribing. The first interest in a symbol subscribes
 * on NATS first, then fetches the snapshot (subscribe, buffer, fetch, drop what the snapshot covers), so
 * the channel's state has no gap. All symbols first wanted in the same event-loop turn share one
 * GetSnapshots call, and a burst of subscriptions to one symbol makes one NATS subscription and one fetch.
 */
export class MarketInterest {
  private readonly entries = new Map<string, Entry>();
  private pendingFetch: string[] = [];
  private fetchScheduled = false;
  private closed = false;

  constructor(private readonly options: MarketInterestOptions) {}

  get symbolCount(): number {
    return this.entries.size;
  }

  /**
   * The edge's own copy of `symbol` when it carries it: each session keys its subscriptions with this one
   * string instead of the copy its request decoded (thousands of connections, one string per symbol).
   */
  canonicalSymbol(symbol: string): string {
    return this.entries.get(symbol)?.channel.symbol ?? symbol;
  }

  /**
   * The channel the edge holds for `symbol` (ready or still fetching its snapshot), if any. A session's live
   * subscription always holds a reference on it, so it is the one the session registered with: sessions
   * find their subscriptions by channel, not by keeping a map of symbols each.
   */
  channelOf(symbol: string): SymbolChannel | undefined {
    return this.entries.get(symbol)?.channel;
  }

  /** Takes a reference on `symbol`'s channel; resolves once it is ready. `unknown`/`unavailable` hold no reference. */
  acquire(symbol: string): Promise<AcquireResult> {
    let entry = this.entries.get(symbol);
    if (entry === undefined) entry = this.open(symbol);
    this.takeReference(entry);
    if (entry.channel.ready) return Promise.resolve({ status: 'ok', channel: entry.channel });
    const waiters = (entry.waiters ??= []);
    return new Promise((resolve) => waiters.push(resolve));
  }

  /**
   * Takes a reference on `symbol`'s channel if it is ready now, with no promise: the common case once the
   * edge carries a symbol (a subscribe of 20 symbols made ~13 KB of garbage going through `acquire`).
   * Undefined (and no reference) when it is not: then `acquire`.
   */
  acquireReady(symbol: string): SymbolChannel | undefined {
    const entry = this.entries.get(symbol);
    if (entry === undefined || !entry.channel.ready) return undefined;
    this.takeReference(entry);
    return entry.channel;
  }

  private takeReference(entry: Entry): void {
    entry.channel.refs++;
    if (entry.linger !== undefined) {
      clearTimeout(entry.linger);
      entry.linger = undefined;
    }
  }

  /** Drops a reference; the subscription goes after the linger when none is left. */
  release(channel: SymbolChannel): void {
    const entry = this.entries.get(channel.symbol);
    if (entry === undefined || entry.channel !== channel) return;
    channel.refs--;
    if (channel.refs > 0 || entry.linger !== undefined) return;
    entry.linger = setTimeout(() => {
      entry.linger = undefined;
      if (channel.refs === 0) this.drop(entry);
    }, this.options.lingerMs);
    entry.linger.unref();
  }

  /** Unsubscribes everything (shutdown). */
  close(): void {
    this.closed = true;
    for (const entry of [...this.entries.values()]) this.drop(entry);
  }

  private open(symbol: string): Entry {
    const { bus, shardCount, metrics, logger } = this.options;
    const channel = new SymbolChannel(symbol);
    const subject = tickSubjectForSymbol(symbol, shardCount);
    const subscription = bus.subscribe(subject, (data) => {
      let update: MarketUpdate;
      try {
        update = MarketUpdate.decode(data);
      } catch (err) {
        metrics.upstreamBadMessages++;
        logger.warn({ event: 'edge.upstream_bad_message', subject, bytes: data.length, err }, 'undecodable md.tick payload dropped');
        return;
      }
      metrics.upstreamUpdates++;
      const result = channel.onUpstream(update);
      if (result === 'duplicate') metrics.upstreamDuplicates++;
      else if (result === 'repaired') metrics.upstreamRepairs++;
    });
    const entry: Entry = { channel, subscription, waiters: undefined, linger: undefined };
    this.entries.set(symbol, entry);
    metrics.natsSubscriptions = this.entries.size;
    this.pendingFetch.push(symbol);
    if (!this.fetchScheduled) {
      this.fetchScheduled = true;
      setImmediate(() => void this.fetchPending());
    }
    return entry;
  }

  private async fetchPending(): Promise<void> {
    this.fetchScheduled = false;
    const symbols = this.pendingFetch;
    this.pendingFetch = [];
    const { maxSymbolsPerFetch } = this.options;
    const chunks: Promise<void>[] = [];
    for (let i = 0; i < symbols.length; i += maxSymbolsPerFetch) chunks.push(this.fetch(symbols.slice(i, i + maxSymbolsPerFetch)));
    await Promise.all(chunks);
  }

  private async fetch(symbols: string[]): Promise<void> {
    const { metrics, logger, snapshots } = this.options;
    metrics.snapshotFetches++;
    const stop = metrics.snapshotLatency.startTimer();
    let response: GetSnapshotsResponse | undefined;
    try {
      response = await snapshots.getSnapshots(symbols, SubscriptionMode.FULL);
    } catch (err) {
      metrics.snapshotFetchFailures++;
      logger.warn({ event: 'edge.snapshot_fetch_failed', symbols: symbols.length, first: symbols[0], err }, 'GetSnapshots failed; subscriptions without a live update get "unavailable"');
    } finally {
      stop();
    }
    const bySymbol = new Map<string, MarketUpdate>();
    for (const snapshot of response?.snapshots ?? []) bySymbol.set(snapshot.symbol, snapshot);
    for (const symbol of symbols) {
      const entry = this.entries.get(symbol);
      if (entry === undefined || entry.channel.ready) continue;
      // A live update that arrived meanwhile is full state too: it makes the symbol known even when the
      // snapshot service has not stored it yet (or is down).
      const ready = !this.closed && entry.channel.initialize(bySymbol.get(symbol));
      const result: AcquireResult = ready ? { status: 'ok', channel: entry.channel } : response === undefined ? UNAVAILABLE : UNKNOWN;
      const waiters = entry.waiters ?? [];
      entry.waiters = undefined;
      if (!ready) {
        // Nobody holds a reference on a channel that is not ready: the waiters' refs end here.
        entry.channel.refs = 0;
        this.drop(entry);
      }
      for (const resolve of waiters) resolve(result);
    }
  }

  private drop(entry: Entry): void {
    if (this.entries.get(entry.channel.symbol) !== entry) return;
    if (entry.linger !== undefined) clearTimeout(entry.linger);
    entry.subscription.unsubscribe();
    this.entries.delete(entry.channel.symbol);
    this.options.metrics.natsSubscriptions = this.entries.size;
    const waiters = entry.waiters;
    entry.waiters = undefined;
    if (waiters !== undefined) for (const resolve of waiters) resolve(UNAVAILABLE);
  }
}
