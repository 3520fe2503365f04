import type { Logger } from '@tickwire/runtime';
import { StoreError, type Pingable, type SnapshotEntry, type SnapshotStore } from '@tickwire/store';
import type { InstrumentDirectory } from './instrument-directory';
import { storedSnapshotBytes, uint64 } from './market-update-wire';
import type { SnapshotMetrics, StoreOperation } from './snapshot-metrics';
import type { SymbolState, SymbolTable } from './symbol-table';

/** Default flush interval: each symbol is written at most once per interval, however fast it ticks. */
export const DEFAULT_FLUSH_INTERVAL_MS = 250;
/** After a failed flush the next try waits one interval, doubling per failure up to this. */
export const DEFAULT_RETRY_MAX_DELAY_MS = 5_000;
/** Snapshots per `putLatest` call (each call is one pipelined batch of Redis scripts). */
export const DEFAULT_WRITE_BATCH = 1_000;
/** With nothing to write, the store is pinged this often so readiness notices an outage (and a recovery). */
const IDLE_PING_INTERVALS = 4;

export interface CoalescingWriterOptions {
  readonly store: SnapshotStore & Partial<Pingable>;
  readonly table: SymbolTable;
  readonly instruments: InstrumentDirectory;
  readonly metrics: SnapshotMetrics;
  readonly logger: Logger;
  readonly flushIntervalMs?: number;
  readonly retryMaxDelayMs?: number;
  readonly writeBatch?: number;
  /** Called when the store is found up or down (and at the first answer). */
  readonly onStoreStatus?: (up: boolean, reason: string) => void;
  readonly nowMs?: () => number;
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof StoreError) return { code: error.code, message: error.message };
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Writes the newest state of every symbol that changed, at most once per symbol per flush interval,
 * in pipelined batches (`putLatest`), plus the candles and instruments that changed. The updates in
 * between are coalesced in memory (`SymbolState`: one entry per symbol, so memory stays bounded
 * whatever the tick rate or the length of an outage).
 *
 * Store outages: a failed flush puts everything it took back as dirty, marks the store down and
 * retries with backoff. When the store answers again, every symbol, the bars in progress and the whole
 * instrument directory are written again, because the store may have come back empty (Redis without
 * persistence). The store's compare-and-set on `(epoch, seq)` makes this safe: a write never replaces a
 * newer state (written meanwhile by another replica, or before the outage) with an older one.
 */
export class CoalescingWriter {
  private dirty: SymbolState[] = [];
  private dirtyCandles: SymbolState[] = [];
  private readonly store: SnapshotStore & Partial<Pingable>;
  private readonly intervalMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly writeBatch: number;
  private readonly nowMs: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private storeUp: boolean | undefined;
  private failures = 0;
  private retryAtMs = 0;
  private lastContactMs = 0;

  constructor(private readonly options: CoalescingWriterOptions) {
    this.store = options.store;
    this.intervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.retryMaxDelayMs = Math.max(options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS, this.intervalMs);
    this.writeBatch = options.writeBatch ?? DEFAULT_WRITE_BATCH;
    this.nowMs = options.nowMs ?? Date.now;
  }

  get dirtyCount(): number {
    return this.dirty.length;
  }

  /** True once the store answered the last flush or ping, false after a failure, undefined before either. */
  get isStoreUp(): boolean | undefined {
    return this.storeUp;
  }

  /** Hot path: `state` holds an update not yet written. */
  markDirty(state: SymbolState): void {
    if (state.dirty) return;
    state.dirty = true;
    this.dirty.push(state);
  }

  /** Hot path: `state`'s candles have something to write. */
  markCandles(state: SymbolState): void {
    if (state.candles.queued) return;
    state.candles.queued = true;
    this.dirtyCandles.push(state);
  }

  /** Flushes every interval (a flush still running makes the next tick a no-op). */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer, waits for a flush in flight, then writes what is left once (shutdown). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.retryAtMs = 0;
    await this.flush();
  }

  /** One flush now, unless one is running (then it waits for that one) or a retry is not due yet. */
  flush(): Promise<void> {
    if (this.running) return this.running;
    if (this.nowMs() < this.retryAtMs) return Promise.resolve();
    this.running = this.flushOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async flushOnce(): Promise<void> {
    const wrote = (await this.writeLatest()) && (await this.writeCandles()) && (await this.writeInstruments());
    if (!wrote) return;
    if (this.storeUp !== true || this.nowMs() - this.lastContactMs >= IDLE_PING_INTERVALS * this.intervalMs) await this.ping();
  }

  private async writeLatest(): Promise<boolean> {
    if (this.dirty.length === 0) return true;
    const taken = this.dirty;
    this.dirty = [];
    for (let from = 0; from < taken.length; from += this.writeBatch) {
      const batch = taken.slice(from, from + this.writeBatch);
      const entries: SnapshotEntry[] = batch.map((state) => {
        state.dirty = false;
        return { symbol: state.symbol, epoch: uint64(state.epochHi, state.epochLo), seq: uint64(state.seqHi, state.seqLo), data: storedSnapshotBytes(state.bytes, state.length) };
      });
      const started = process.hrtime.bigint();
      try {
        const result = await this.store.putLatest(entries);
        this.options.metrics.observeStore('putLatest', started);
        this.options.metrics.snapshotsWritten += result.applied;
        this.options.metrics.storeStaleSkips += result.stale;
        this.succeeded();
      } catch (error) {
        this.options.metrics.observeStore('putLatest', started);
        // This batch and the ones not tried yet are still to be written.
        for (let i = from; i < taken.length; i += 1) this.markDirty(taken[i]!);
        this.failed('putLatest', error);
        return false;
      }
    }
    return true;
  }

  private async writeCandles(): Promise<boolean> {
    if (this.dirtyCandles.length === 0) return true;
    const taken = this.dirtyCandles;
    this.dirtyCandles = [];
    const started = process.hrtime.bigint();
    let firstError: unknown;
    // One call per symbol (one Redis script each), issued together: node-redis pipelines them.
    await Promise.all(
      taken.map(async (state) => {
        state.candles.queued = false;
        const entries = state.candles.take();
        if (entries.length === 0) return;
        try {
          await this.store.appendCandles(state.symbol, entries);
          state.candles.written();
          this.options.metrics.candlesWritten += entries.length;
        } catch (error) {
          state.candles.failed();
          this.markCandles(state);
          firstError ??= error;
        }
      }),
    );
    this.options.metrics.observeStore('appendCandles', started);
    if (firstError !== undefined) {
      this.failed('appendCandles', firstError);
      return false;
    }
    this.succeeded();
    return true;
  }

  private async writeInstruments(): Promise<boolean> {
    const directory = this.options.instruments;
    if (!directory.hasPending) return true;
    const entries = directory.take();
    const started = process.hrtime.bigint();
    try {
      for (let from = 0; from < entries.length; from += this.writeBatch) await this.store.putInstruments(entries.slice(from, from + this.writeBatch));
      this.options.metrics.observeStore('putInstruments', started);
      this.options.metrics.instrumentsWritten += entries.length;
      this.succeeded();
      return true;
    } catch (error) {
      this.options.metrics.observeStore('putInstruments', started);
      directory.restore(entries);
      this.failed('putInstruments', error);
      return false;
    }
  }

  private async ping(): Promise<void> {
    if (!this.store.ping) return;
    const started = process.hrtime.bigint();
    try {
      await this.store.ping();
      this.options.metrics.observeStore('ping', started);
      this.succeeded();
    } catch (error) {
      this.options.metrics.observeStore('ping', started);
      this.failed('ping', error);
    }
  }

  private succeeded(): void {
    this.lastContactMs = this.nowMs();
    this.failures = 0;
    this.retryAtMs = 0;
    if (this.storeUp === true) return;
    const wasDown = this.storeUp === false;
    this.storeUp = true;
    this.options.metrics.storeUp = 1;
    if (wasDown) {
      this.resync();
      this.options.logger.info({ event: 'store.recovered', symbols: this.options.table.size }, 'the store answers again: writing every symbol, bar in progress and instrument again');
    }
    this.options.onStoreStatus?.(true, 'store answering');
  }

  private failed(operation: StoreOperation, error: unknown): void {
    this.options.metrics.flushFailures += 1;
    this.failures += 1;
    const delay = Math.min(this.intervalMs * 2 ** Math.min(this.failures - 1, 20), this.retryMaxDelayMs);
    this.retryAtMs = this.nowMs() + delay;
    const { code, message } = describe(error);
    if (this.storeUp !== false) {
      this.storeUp = false;
      this.options.metrics.storeUp = 0;
      this.options.logger.warn({ event: 'store.down', operation, code, detail: message, dirtySymbols: this.dirty.length }, `store ${operation} failed: keeping the newest state in memory, retrying with backoff`);
      this.options.onStoreStatus?.(false, `store ${operation} failed: ${message}`);
    } else if (this.failures % 10 === 0) {
      this.options.logger.warn({ event: 'store.still_down', operation, code, detail: message, failures: this.failures, retryInMs: delay }, `store still failing after ${this.failures} tries`);
    }
  }

  /** Everything held is written again: the store may have lost it. */
  private resync(): void {
    for (const state of this.options.table.bySymbol.values()) {
      if (!state.empty) this.markDirty(state);
      if (state.candles.rewriteCurrent()) this.markCandles(state);
    }
    this.options.instruments.markAllDirty();
  }
}
