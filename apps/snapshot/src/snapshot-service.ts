import type { Bus, Subscription } from '@tickwire/bus';
import { allInstrumentsWildcard, allTicksWildcard, instrumentSubject, republishSubject, tickShardWildcard } from '@tickwire/protocol';
import type { Logger, Registry } from '@tickwire/runtime';
import type { Pingable, SnapshotStore } from '@tickwire/store';
import { BadInputReporter } from './bad-input';
import { CoalescingWriter } from './coalescing-writer';
import { InstrumentDirectory } from './instrument-directory';
import { SessionMidnight } from './session-midnight';
import { SnapshotMetrics } from './snapshot-metrics';
import { SymbolTable } from './symbol-table';
import { TickIntake } from './tick-intake';

/** Symbols (and instruments) held at most; updates for more are counted as bad input and ignored. */
export const DEFAULT_MAX_SYMBOLS = 100_000;
/** Closed bars per symbol kept for writing while the store is down (one hour of minutes). */
export const DEFAULT_CANDLE_BACKLOG = 60;
export const DEFAULT_EXCHANGE_TZ = 'America/New_York';

export interface SnapshotServiceOptions {
  /**
   * `publish` asks the normalizers for the latest states at start (a bus without it, e.g. the intake
   * benchmark's, asks nothing). None on a replica that owns no shards (`SHARDS=none`): it writes nothing
   * and only keeps the store's status for the reads it serves.
   */
  readonly bus?: Pick<Bus, 'subscribe'> & Partial<Pick<Bus, 'publish'>>;
  readonly store: SnapshotStore & Partial<Pingable>;
  /** Shards this replica owns (every `md.tick.<shard>.*` and `md.instrument.<shard>` of them); may be none. */
  readonly shards: readonly number[];
  readonly shardCount: number;
  readonly flushIntervalMs?: number;
  readonly retryMaxDelayMs?: number;
  readonly maxSymbols?: number;
  readonly candleBacklog?: number;
  /** IANA zone whose local midnight starts the trading day (trade times are ns since that midnight). */
  readonly exchangeTimeZone?: string;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly onStoreStatus?: (up: boolean, reason: string) => void;
  /** Clock for retry backoff (tests). */
  readonly nowMs?: () => number;
}

export interface SnapshotService {
  readonly table: SymbolTable;
  readonly writer: CoalescingWriter;
  readonly intake: TickIntake;
  readonly instruments: InstrumentDirectory;
  readonly metrics: SnapshotMetrics;
  readonly badInput: BadInputReporter;
  /** Stops taking updates from the bus. */
  unsubscribe(): void;
  /** Stops the flush timer and writes what is left, once. */
  drain(): Promise<void>;
}

const NO_PAYLOAD = new Uint8Array(0);

/** The subjects a replica owning `shards` listens to: one wildcard when it owns them all. */
export function subscriptionsFor(shards: readonly number[], shardCount: number): { ticks: string[]; instruments: string[] } {
  const owned = new Set(shards);
  const all = owned.size === shardCount && shards.every((s) => s < shardCount);
  if (all) return { ticks: [allTicksWildcard], instruments: [allInstrumentsWildcard] };
  const sorted = [...owned].sort((a, b) => a - b);
  return { ticks: sorted.map(tickShardWildcard), instruments: sorted.map(instrumentSubject) };
}

/** Wires the service over a bus and a store; `main.ts` passes NATS and Redis, tests and the benchmark pass others. */
export function startSnapshotService(options: SnapshotServiceOptions): SnapshotService {
  const bus = options.bus;
  if (bus === undefined && options.shards.length > 0) throw new Error(`a replica owning shards ${options.shards.join(',')} needs a bus to take their ticks from`);
  const maxSymbols = options.maxSymbols ?? DEFAULT_MAX_SYMBOLS;
  const badInput = new BadInputReporter(options.logger);
  // The metrics' gauges read the parts built below; a holder closes the loop.
  const parts: { table?: SymbolTable; writer?: CoalescingWriter; instruments?: InstrumentDirectory } = {};
  const metrics = new SnapshotMetrics(options.registry, {
    symbols: () => parts.table?.size ?? 0,
    dirtySymbols: () => parts.writer?.dirtyCount ?? 0,
    instruments: () => parts.instruments?.size ?? 0,
    badInput: () => badInput.counts,
  });
  const table = (parts.table = new SymbolTable(maxSymbols, options.candleBacklog ?? DEFAULT_CANDLE_BACKLOG, metrics));
  const instruments = (parts.instruments = new InstrumentDirectory(maxSymbols, badInput));
  const writer = (parts.writer = new CoalescingWriter({
    store: options.store,
    table,
    instruments,
    metrics,
    logger: options.logger,
    ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
    ...(options.retryMaxDelayMs === undefined ? {} : { retryMaxDelayMs: options.retryMaxDelayMs }),
    ...(options.onStoreStatus === undefined ? {} : { onStoreStatus: options.onStoreStatus }),
    ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }),
  }));
  const intake = new TickIntake(table, writer, new SessionMidnight(options.exchangeTimeZone ?? DEFAULT_EXCHANGE_TZ), metrics, badInput);
  const subjects = subscriptionsFor(options.shards, options.shardCount);
  const subscriptions: Subscription[] = bus === undefined ? [] : [...subjects.ticks.map((subject) => bus.subscribe(subject, intake.onTick)), ...subjects.instruments.map((subject) => bus.subscribe(subject, instruments.onInstrument))];
  // A replica starts knowing nothing. Were the store emptied too (Redis restarted without persistence), a
  // quiet symbol would stay unknown until it trades again: ask each shard's normalizer for every symbol's
  // latest state. They come with the seqs already published, so what the store holds is not overwritten.
  // (After the subscriptions: NATS keeps a connection's order, so the answers find them in place.)
  const publish = bus?.publish?.bind(bus);
  if (publish !== undefined && options.shards.length > 0) {
    for (const shard of options.shards) publish(republishSubject(shard), NO_PAYLOAD);
    options.logger.info({ event: 'snapshot.republish_asked', shards: options.shards }, 'asked the normalizers for the latest state of every symbol');
  }
  writer.start();
  // The first flush finds out whether the store answers (readiness), without waiting a whole interval.
  void writer.flush();
  return {
    table,
    writer,
    intake,
    instruments,
    metrics,
    badInput,
    unsubscribe: () => {
      for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    },
    drain: () => writer.stop(),
  };
}
