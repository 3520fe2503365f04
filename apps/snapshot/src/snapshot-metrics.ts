import { Counter, Histogram, type Registry } from 'prom-client';
import { counterFrom, gaugeFrom, METRIC_PREFIX } from '@tickwire/runtime';
import type { BadInputCode } from './bad-input';
import type { CandleCounters } from './candle-series';

const PREFIX = `${METRIC_PREFIX}snapshot_`;

/** Store operations timed by `tickwire_snapshot_store_latency_seconds{op}`. */
export type StoreOperation = 'putLatest' | 'appendCandles' | 'putInstruments' | 'ping';

/**
 * The snapshot service's metrics. Hot-path counts are plain fields read at scrape time (a field
 * increment per update, never a prom-client call); store latency is observed per store call (a few
 * per flush interval).
 */
export class SnapshotMetrics implements CandleCounters {
  updatesIn = 0;
  staleUpdates = 0;
  tradesIn = 0;
  snapshotsWritten = 0;
  storeStaleSkips = 0;
  candlesWritten = 0;
  instrumentsWritten = 0;
  flushFailures = 0;
  incompleteBars = 0;
  droppedBars = 0;
  duplicateTrades = 0;
  lateTrades = 0;
  storeUp = 0;
  private readonly storeLatency: Histogram<'op'>;

  constructor(registry: Registry, gauges: { symbols: () => number; dirtySymbols: () => number; instruments: () => number; badInput: () => ReadonlyMap<BadInputCode, number> }) {
    const counter = (name: string, help: string, read: () => number): void => void counterFrom(registry, `${PREFIX}${name}`, help, read);
    const gauge = (name: string, help: string, read: () => number): void => void gaugeFrom(registry, `${PREFIX}${name}`, help, read);
    counter('updates_in_total', 'MarketUpdates absorbed from md.tick (newer than the state held)', () => this.updatesIn);
    counter('updates_stale_total', 'MarketUpdates ignored because the state held was as new or newer (epoch, seq)', () => this.staleUpdates);
    counter('trades_in_total', 'Trade prints folded into candles', () => this.tradesIn);
    counter('writes_total', 'Snapshots written to the store (one per symbol per flush at most)', () => this.snapshotsWritten);
    counter('store_stale_total', 'Snapshot writes the store skipped because it held a newer (epoch, seq), e.g. from another replica', () => this.storeStaleSkips);
    counter('candles_written_total', 'One-minute bars written to the store', () => this.candlesWritten);
    counter('instruments_written_total', 'Instruments written to the store', () => this.instrumentsWritten);
    counter('flush_failures_total', 'Flushes that failed (store down or refusing); retried with backoff', () => this.flushFailures);
    counter('candles_incomplete_total', 'Bars not written because the service may have missed some of their prints', () => this.incompleteBars);
    counter('candles_dropped_total', 'Closed bars dropped from the write backlog while the store was down', () => this.droppedBars);
    counter('trades_duplicate_total', 'Prints skipped as already counted (match number not increasing)', () => this.duplicateTrades);
    counter('trades_late_total', 'Prints older than the bar in progress, not counted', () => this.lateTrades);
    gauge('coalescing_ratio', 'Updates absorbed per snapshot written, since start', () => (this.snapshotsWritten === 0 ? 0 : this.updatesIn / this.snapshotsWritten));
    gauge('store_up', '1 while the store answers, 0 while it is down', () => this.storeUp);
    gauge('symbols', 'Symbols held in memory (one newest state each)', gauges.symbols);
    gauge('dirty_symbols', 'Symbols whose newest state is not yet in the store', gauges.dirtySymbols);
    gauge('instruments', 'Instruments held in memory', gauges.instruments);
    const badInput = gauges.badInput;
    new Counter({
      name: `${PREFIX}bad_input_total`,
      help: 'Bus messages not used, by reason (codes in docs/operations.md)',
      labelNames: ['reason'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [reason, count] of badInput()) this.inc({ reason }, count);
      },
    });
    this.storeLatency = new Histogram({
      name: `${PREFIX}store_latency_seconds`,
      help: 'Store calls (Redis round trips, pipelined per call), by operation',
      labelNames: ['op'],
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2, 5],
      registers: [registry],
    });
  }

  observeStore(op: StoreOperation, startedNs: bigint): void {
    this.storeLatency.observe({ op }, Number(process.hrtime.bigint() - startedNs) / 1e9);
  }
}
