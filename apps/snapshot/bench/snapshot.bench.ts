// The snapshot service against a real local nats-server and redis-server:
// 1. absorb: a publisher (a worker thread: its own core, its own NATS connection) sends full-state
//    MarketUpdates for 8,000 symbols on md.tick as fast as NATS takes them; the service (this thread)
//    absorbs them through the NATS bus adapter and writes coalesced snapshots to Redis every 250 ms.
//    Reported: updates/s absorbed (first to last update received), Redis writes, coalescing ratio.
// 2. read: GetSnapshots of 100 random symbols over loopback gRPC (SnapshotClient -> server -> Redis),
//    one call at a time; p50/p99 latency.
// For scale, in the same run: the same NATS path with a handler that does nothing (the bus's own
// ceiling on this machine), the service's intake fed in-process (its own cost per update), and
// GetSnapshots over an in-memory store (gRPC's share of the latency).
// One scenario: `npm run bench -- snapshot [--quick] --json`.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { median, printResult } from '@tickwire/bench-kit';
import { connectNatsBus } from '@tickwire/bus';
import { MarketUpdate, SubscriptionMode, tickSubjectForSymbol, TradeKind, TradePrint } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { SnapshotClient, startSnapshotGrpcServer } from '@tickwire/snapshot-grpc';
import { createRedisStore, MemorySnapshotStore, type SnapshotStore } from '@tickwire/store';
import { startNats, startRedis } from '@tickwire/testing';
import { startSnapshotService } from '../src/snapshot-service';

const quick = process.argv.includes('--quick');
const SYMBOLS = 8_000;
const SHARDS = 16;
const UPDATES = quick ? 400_000 : 2_000_000;
const RUNS = 3;
const READS = quick ? 2_000 : 10_000;
const READ_WARMUP = 500;
const READ_BATCH = 100;
const FLUSH_INTERVAL_MS = 250;
/** Bound on one absorb run: a run that stalls (dropped messages) ends here. */
const RUN_LIMIT_MS = 60_000;

interface PublisherInput {
  readonly natsUrl: string;
  readonly epoch: number;
  readonly updates: number;
}

/**
 * A full-state update (quote, OHLC, VWAP, ten levels a side, one print) with `seq` and the print's
 * match number as 5-byte varints, so the publisher patches them in place instead of encoding each
 * update (encoding would make the publisher, not the service, the bottleneck). Padded varints are
 * valid protobuf: every decoder reads them.
 */
function template(symbol: string, epoch: number): { bytes: Uint8Array; seqAt: number; matchAt: number } {
  const levels = (base: number, step: number) => Array.from({ length: 10 }, (_, i) => ({ price: base + i * step, size: BigInt(100 * (i + 1)), orders: i + 1 }));
  const body = MarketUpdate.encode(
    MarketUpdate.fromPartial({
      symbol,
      epoch: BigInt(epoch),
      exchangeTsNs: 36_000_000_000_000n,
      ingestTsNs: 1_784_124_000_000_000_000n,
      publishTsNs: 1_784_124_000_000_100_000n,
      ltp: 1_234_500,
      lastSize: 100n,
      quote: { bidPrice: 1_234_400, bidSize: 500n, askPrice: 1_234_600, askSize: 300n },
      ohlc: { open: 1_200_000, high: 1_250_000, low: 1_190_000, close: 1_234_500 },
      volume: 1_000_000n,
      vwap: 1_221_234.5,
      depth: { bids: levels(1_234_400, -100), asks: levels(1_234_600, 100) },
      status: 1,
      changed: 0x4b,
    }),
  ).finish();
  const trade = TradePrint.encode({ price: 1_234_500, size: 100n, matchNumber: 0n, exchangeTsNs: 36_000_000_000_000n, kind: TradeKind.CONTINUOUS }).finish();
  const tradeField = [0x72, 6 + trade.length, 0x18, 0x80, 0x80, 0x80, 0x80, 0x00, ...trade];
  const bytes = Uint8Array.from([0x10, 0x80, 0x80, 0x80, 0x80, 0x00, ...body, ...tradeField]);
  return { bytes, seqAt: 1, matchAt: 1 + 5 + body.length + 3 };
}

function patchVarint5(bytes: Uint8Array, at: number, value: number): void {
  for (let i = 0; i < 4; i += 1) bytes[at + i] = (Math.floor(value / 2 ** (7 * i)) & 0x7f) | 0x80;
  bytes[at + 4] = Math.floor(value / 2 ** 28) & 0x7f;
}

async function publisher(input: PublisherInput): Promise<void> {
  const bus = await connectNatsBus({ servers: input.natsUrl, name: 'bench-snapshot-publisher' });
  const symbols = symbolNames();
  const templates = symbols.map((symbol) => template(symbol, input.epoch));
  const subjects = symbols.map((symbol) => tickSubjectForSymbol(symbol, SHARDS));
  const seqs = new Array<number>(SYMBOLS).fill(0);
  for (let n = 0; n < input.updates; n += 1) {
    const s = n % SYMBOLS;
    const t = templates[s]!;
    // publish takes ownership of the bytes: a copy per update, as a normalizer's encoder would produce.
    const bytes = t.bytes.slice();
    seqs[s]! += 1;
    patchVarint5(bytes, t.seqAt, seqs[s]!);
    patchVarint5(bytes, t.matchAt, n + 1);
    bus.publish(subjects[s]!, bytes);
    // Let the client write out what it has every so often (and keep its buffer bounded).
    if (n % 20_000 === 19_999) await bus.flush();
  }
  await bus.flush();
  await bus.close();
  parentPort?.postMessage({ done: true, bytesPerUpdate: templates[0]!.bytes.length });
}

function symbolNames(): string[] {
  return Array.from({ length: SYMBOLS }, (_, i) => `S${i.toString(36).toUpperCase().padStart(4, '0')}`);
}

/** The service's intake alone, fed the publisher's updates in-process: its own cost per update. */
function intakeOnly(updates: number): number {
  const service = startSnapshotService({ bus: { subscribe: () => ({ subject: '', queue: undefined, unsubscribe: () => undefined }) }, store: new MemorySnapshotStore(), shards: [0], shardCount: 1, flushIntervalMs: 60_000, logger: createLogger({ service: 'snapshot', level: 'silent' }), registry: createMetrics({ service: 'snapshot', defaultMetrics: false }) });
  const symbols = symbolNames();
  const templates = symbols.map((symbol) => template(symbol, 1));
  const subjects = symbols.map((symbol) => tickSubjectForSymbol(symbol, SHARDS));
  const seqs = new Array<number>(SYMBOLS).fill(0);
  const started = process.hrtime.bigint();
  for (let n = 0; n < updates; n += 1) {
    const s = n % SYMBOLS;
    const t = templates[s]!;
    seqs[s]! += 1;
    // Patched in place: the intake copies what it keeps, so reusing the buffer is what a bus delivery looks like.
    patchVarint5(t.bytes, t.seqAt, seqs[s]!);
    patchVarint5(t.bytes, t.matchAt, n + 1);
    service.intake.onTick(t.bytes, subjects[s]!);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (service.metrics.updatesIn !== updates) throw new Error(`intake absorbed ${service.metrics.updatesIn} of ${updates}`);
  service.unsubscribe();
  void service.drain();
  return updates / seconds;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const [nats, redis] = await Promise.all([startNats(), startRedis()]);
  const logger = createLogger({ service: 'snapshot', level: 'silent' });
  const store = await createRedisStore({ url: redis.url, keyPrefix: 'bench:' });
  const bus = await connectNatsBus({ servers: nats.url, name: 'bench-snapshot' });
  const rates: number[] = [];
  const noopRates: number[] = [];
  const intakeRates: number[] = [];
  let absorbed = 0;
  let writes = 0;
  let bytesPerUpdate = 0;
  try {
    for (let run = 0; run < RUNS; run += 1) {
      intakeRates.push(intakeOnly(UPDATES));
      noopRates.push(await absorbRun(nats.url, bus, run + 1, undefined));
      const service = startSnapshotService({ bus, store, shards: Array.from({ length: SHARDS }, (_, s) => s), shardCount: SHARDS, flushIntervalMs: FLUSH_INTERVAL_MS, logger, registry: createMetrics({ service: 'snapshot', defaultMetrics: false }) });
      const rate = await absorbRun(nats.url, bus, run + 1, () => service.metrics.updatesIn + service.metrics.staleUpdates, (bytes) => (bytesPerUpdate = bytes));
      service.unsubscribe();
      await service.drain();
      absorbed = service.metrics.updatesIn;
      writes = service.metrics.snapshotsWritten;
      rates.push(rate);
      process.stderr.write(
        `snapshot run ${run + 1}/${RUNS}: service over NATS ${(rate / 1e3).toFixed(0)}k updates/s (${absorbed}/${UPDATES} absorbed, ${writes} Redis writes, coalescing ${(absorbed / Math.max(1, writes)).toFixed(1)}:1); ` +
          `NATS with a no-op handler ${(noopRates[run]! / 1e3).toFixed(0)}k msg/s; intake in-process ${(intakeRates[run]! / 1e6).toFixed(2)}M updates/s\n`,
      );
    }

    const symbols = symbolNames();
    const memory = new MemorySnapshotStore();
    await memory.putLatest((await store.getLatest(symbols)).flatMap((entry) => (entry ? [entry] : [])));
    const reads = await readLatencies(store, symbols);
    const memoryReads = await readLatencies(memory, symbols);
    const full = reads.full;
    const quote = reads.quote;
    process.stderr.write(`GetSnapshots x${READ_BATCH} over Redis FULL: p50 ${full.p50.toFixed(0)} us, p99 ${full.p99.toFixed(0)} us; QUOTE: p50 ${quote.p50.toFixed(0)} us, p99 ${quote.p99.toFixed(0)} us; over memory FULL: p50 ${memoryReads.full.p50.toFixed(0)} us, p99 ${memoryReads.full.p99.toFixed(0)} us\n`);

    const rate = median(rates);
    printResult({
      scenario: 'snapshot',
      updates: UPDATES,
      symbols: SYMBOLS,
      runs: RUNS,
      bytesPerUpdate,
      medianUpdatesPerSec: Math.round(rate),
      medianNatsNoopMsgsPerSec: Math.round(median(noopRates)),
      medianIntakeUpdatesPerSec: Math.round(median(intakeRates)),
      updatesAbsorbedLastRun: absorbed,
      redisWritesLastRun: writes,
      coalescingRatio: Number((absorbed / Math.max(1, writes)).toFixed(1)),
      flushIntervalMs: FLUSH_INTERVAL_MS,
      getSnapshots100P50Ms: Number((full.p50 / 1e3).toFixed(3)),
      getSnapshots100P99Ms: Number((full.p99 / 1e3).toFixed(3)),
      getSnapshots100QuoteP99Ms: Number((quote.p99 / 1e3).toFixed(3)),
      getSnapshots100MemoryP50Ms: Number((memoryReads.full.p50 / 1e3).toFixed(3)),
      getSnapshots100MemoryP99Ms: Number((memoryReads.full.p99 / 1e3).toFixed(3)),
      reads: READS,
      servers: nats.backend,
      node: process.version,
    });
  } finally {
    await bus.close();
    await store.close();
    await Promise.all([nats.stop(), redis.stop()]);
  }
}

/** GetSnapshots of READ_BATCH random symbols over loopback gRPC, one call at a time. */
async function readLatencies(store: SnapshotStore, symbols: readonly string[]): Promise<{ full: { p50: number; p99: number }; quote: { p50: number; p99: number } }> {
  const logger = createLogger({ service: 'snapshot', level: 'silent' });
  const server = await startSnapshotGrpcServer({ store, port: 0, logger, registry: createMetrics({ service: 'snapshot', defaultMetrics: false }) });
  const client = new SnapshotClient(server.address);
  try {
    let seed = 12_345;
    const pick = (): string[] =>
      Array.from({ length: READ_BATCH }, () => {
        seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
        return symbols[seed % SYMBOLS]!;
      });
    const measure = async (mode: SubscriptionMode): Promise<{ p50: number; p99: number }> => {
      const latencies: number[] = [];
      for (let i = 0; i < READ_WARMUP + READS; i += 1) {
        const batch = pick();
        const t0 = process.hrtime.bigint();
        const response = await client.getSnapshots(batch, mode);
        const us = Number(process.hrtime.bigint() - t0) / 1e3;
        if (response.snapshots.length !== READ_BATCH) throw new Error(`GetSnapshots returned ${response.snapshots.length} of ${READ_BATCH}`);
        if (i >= READ_WARMUP) latencies.push(us);
      }
      latencies.sort((a, b) => a - b);
      return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
    };
    return { full: await measure(SubscriptionMode.FULL), quote: await measure(SubscriptionMode.QUOTE) };
  } finally {
    client.close();
    await server.close(1_000);
  }
}

/**
 * One absorb run: a publisher worker sends UPDATES updates; `received()` says how many arrived so far.
 * Returns updates/s from the first to the last arrival. Ends when all arrived, nothing arrived for 2 s,
 * or at RUN_LIMIT_MS. Without `received`, a subscription that only counts is the consumer (the bus's own ceiling).
 */
async function absorbRun(natsUrl: string, bus: Awaited<ReturnType<typeof connectNatsBus>>, epoch: number, received: (() => number) | undefined, onBytes?: (bytes: number) => void): Promise<number> {
  let count = 0;
  const subscription = received === undefined ? bus.subscribe('md.tick.>', () => void (count += 1)) : undefined;
  const arrived = received ?? ((): number => count);
  await bus.flush();
  const worker = new Worker(__filename, { workerData: { natsUrl, epoch, updates: UPDATES } satisfies PublisherInput });
  const published = new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { bytesPerUpdate: number }) => resolve(message.bytesPerUpdate));
    worker.once('error', reject);
  });
  let first = 0n;
  let last = 0n;
  let seen = 0;
  const started = Date.now();
  let idleSince = Date.now();
  while (Date.now() - started < RUN_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = arrived();
    if (now !== seen) {
      if (seen === 0) first = process.hrtime.bigint();
      last = process.hrtime.bigint();
      seen = now;
      idleSince = Date.now();
    }
    if (seen >= UPDATES || (seen > 0 && Date.now() - idleSince > 2_000)) break;
  }
  onBytes?.(await published);
  await worker.terminate();
  subscription?.unsubscribe();
  return seen / (Number(last - first) / 1e9);
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  publisher(workerData as PublisherInput).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
