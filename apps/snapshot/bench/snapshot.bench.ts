// The snapshot service against a real local nats-server and redis-server, each side in its own process:
// 1. absorb: a publisher process sends full-state MarketUpdates for 8,000 symbols on md.tick as fast as
//    nats-server takes them; the service (this process) absorbs them through the NATS bus adapter and
//    writes coalesced snapshots to Redis every 250 ms. Reported: updates/s absorbed (first to last update
//    received), the service's CPU per update (this process, user + system: what one core can absorb
//    without the publisher and nats-server sharing the machine), Redis writes, coalescing ratio.
//    The publisher writes prepared `PUB` frames to a plain socket (see `publisher`): through nats.js it
//    cost ~1.8 us of CPU per update, about as much as the service itself, on the same two cores, so
//    it, not the service, set the rate.
//    Then the same with REPLICAS service processes, each owning an equal share of the shards (the
//    deployment's shard ownership, docs/architecture.md): the aggregate updates/s and CPU per update.
//    Publisher, nats-server, Redis and the replicas all share this machine's cores: the figure is what
//    the machine does as a whole, not what a replica would do with a core to itself.
// 2. read: GetSnapshots of 100 random symbols over loopback gRPC from a client in another process
//    (SnapshotClient, which decodes every snapshot: in this process its work delayed the server's),
//    one call at a time, with the absorb load stopped; p50/p99/p99.9 and the server's CPU per call. To
//    place a tail: the bucket of the server's own duration histogram holding its p99 (the handler: store
//    read and encoding), and the same calls from a client that does not decode the answer.
// For scale, in the same run: the same NATS path with a handler that does nothing, the service's intake
// fed in-process (its own cost per update), and GetSnapshots over an in-memory store (no Redis).
// One scenario: `npm run bench -- snapshot [--quick] --json`.
import { fork } from 'node:child_process';
import { credentials, makeGenericClientConstructor, Metadata } from '@grpc/grpc-js';
import { connect as connectTcp } from 'node:net';
import { loadavg } from 'node:os';
import { median, printResult } from '@tickwire/bench-kit';
import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { GetSnapshotsRequest, MarketUpdate, shardOf, SubscriptionMode, tickSubjectForSymbol, TradeKind, TradePrint } from '@tickwire/protocol';
import { SnapshotServiceService } from '@tickwire/protocol/grpc';
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

/** Service processes in the replicas phase, each owning SHARDS / REPLICAS shards. */
const REPLICAS = 2;
/** Updates per socket write of the publisher (~390 bytes each). */
const PUBLISH_CHUNK_BYTES = 1 << 20;

interface PublisherResult {
  readonly publishedPerSec: number;
  readonly bytesPerUpdate: number;
}

/** What a replica process reports after its share of an absorb run (times: the machine's monotonic clock, ns). */
interface ReplicaResult {
  readonly received: number;
  readonly firstNs: string;
  readonly lastNs: string;
  readonly cpuUs: number;
  readonly writes: number;
}

interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly samples: number;
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

/**
 * The load generator (its own process): the updates as NATS `PUB` frames written to a plain socket in
 * 1 MiB chunks, honouring the socket's backpressure, then a PING whose PONG says nats-server has read
 * everything. A frame is only `PUB <subject> <size>\r\n<payload>\r\n`, prepared per symbol; the
 * service under test still receives through nats.js. Sends its rate on the IPC channel.
 */
async function publisher(natsUrl: string, epoch: number, updates: number): Promise<void> {
  const url = new URL(natsUrl);
  const socket = connectTcp(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  const pong = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      received = (received + chunk.toString('latin1')).slice(-4_096);
      if (received.includes('-ERR')) reject(new Error(`nats-server refused the publisher: ${received.slice(received.indexOf('-ERR'), received.indexOf('-ERR') + 200)}`));
      else if (received.includes('PONG')) resolve();
    });
    socket.once('error', reject);
  });
  socket.write('CONNECT {"verbose":false,"pedantic":false,"name":"bench-snapshot-publisher"}\r\n');
  const symbols = symbolNames();
  const templates = symbols.map((symbol) => template(symbol, epoch));
  const heads = symbols.map((symbol, s) => Buffer.from(`PUB ${tickSubjectForSymbol(symbol, SHARDS)} ${templates[s]!.bytes.length}\r\n`, 'latin1'));
  const seqs = new Array<number>(SYMBOLS).fill(0);
  let chunk = Buffer.allocUnsafe(PUBLISH_CHUNK_BYTES);
  let at = 0;
  const started = process.hrtime.bigint();
  for (let n = 0; n < updates; n += 1) {
    const s = n % SYMBOLS;
    const t = templates[s]!;
    const head = heads[s]!;
    if (at + head.length + t.bytes.length + 2 > chunk.length) {
      if (!socket.write(chunk.subarray(0, at))) await new Promise((resolve) => socket.once('drain', resolve));
      chunk = Buffer.allocUnsafe(PUBLISH_CHUNK_BYTES);
      at = 0;
    }
    seqs[s]! += 1;
    patchVarint5(t.bytes, t.seqAt, seqs[s]!);
    patchVarint5(t.bytes, t.matchAt, n + 1);
    at += head.copy(chunk, at);
    chunk.set(t.bytes, at);
    at += t.bytes.length;
    chunk[at++] = 0x0d;
    chunk[at++] = 0x0a;
  }
  socket.write(chunk.subarray(0, at));
  socket.write('PING\r\n');
  await pong;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  socket.end();
  process.send!({ publishedPerSec: updates / seconds, bytesPerUpdate: templates[0]!.bytes.length } satisfies PublisherResult);
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

function summarize(latenciesUs: number[]): LatencySummary {
  latenciesUs.sort((a, b) => a - b);
  return { p50: percentile(latenciesUs, 50), p99: percentile(latenciesUs, 99), p999: percentile(latenciesUs, 99.9), max: latenciesUs[latenciesUs.length - 1]!, samples: latenciesUs.length };
}

function cpuUs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

const ms = (us: number): number => Number((us / 1e3).toFixed(3));

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const [nats, redis] = await Promise.all([startNats(), startRedis()]);
  const logger = createLogger({ service: 'snapshot', level: 'silent' });
  const store = await createRedisStore({ url: redis.url, keyPrefix: 'bench:' });
  const bus = await connectNatsBus({ servers: nats.url, name: 'bench-snapshot' });
  const rates: number[] = [];
  const cpuPerUpdate: number[] = [];
  const noopRates: number[] = [];
  const noopCpuPerUpdate: number[] = [];
  const publisherRates: number[] = [];
  const intakeRates: number[] = [];
  const replicaRates: number[] = [];
  const replicaCpuPerUpdate: number[] = [];
  let absorbed = 0;
  let writes = 0;
  let bytesPerUpdate = 0;
  try {
    for (let run = 0; run < RUNS; run += 1) {
      intakeRates.push(intakeOnly(UPDATES));
      let count = 0;
      const counting = bus.subscribe('md.tick.>', () => void (count += 1));
      const noop = await absorbRun(nats.url, bus, run + 1, () => count);
      counting.unsubscribe();
      noopRates.push(noop.rate);
      noopCpuPerUpdate.push(noop.cpuUsPerUpdate);
      const service = startSnapshotService({ bus, store, shards: Array.from({ length: SHARDS }, (_, s) => s), shardCount: SHARDS, flushIntervalMs: FLUSH_INTERVAL_MS, logger, registry: createMetrics({ service: 'snapshot', defaultMetrics: false }) });
      const absorb = await absorbRun(nats.url, bus, run + 1, () => service.metrics.updatesIn + service.metrics.staleUpdates);
      service.unsubscribe();
      await service.drain();
      absorbed = service.metrics.updatesIn;
      writes = service.metrics.snapshotsWritten;
      bytesPerUpdate = absorb.bytesPerUpdate;
      rates.push(absorb.rate);
      cpuPerUpdate.push(absorb.cpuUsPerUpdate);
      publisherRates.push(absorb.publishedPerSec);
      process.stderr.write(
        `snapshot run ${run + 1}/${RUNS}: service over NATS ${(absorb.rate / 1e3).toFixed(0)}k updates/s, ${absorb.cpuUsPerUpdate.toFixed(2)} us CPU per update (${absorbed}/${UPDATES} absorbed, ${writes} Redis writes, coalescing ${(absorbed / Math.max(1, writes)).toFixed(1)}:1; publisher ${(absorb.publishedPerSec / 1e3).toFixed(0)}k/s); ` +
          `NATS with a no-op handler ${(noop.rate / 1e3).toFixed(0)}k msg/s, ${noop.cpuUsPerUpdate.toFixed(2)} us CPU per message; intake in-process ${(intakeRates[run]! / 1e6).toFixed(2)}M updates/s; load average ${loadavg()[0]!.toFixed(2)}\n`,
      );
    }

    const replicaSet = await startReplicas(nats.url, redis.url);
    for (let run = 0; run < RUNS; run += 1) {
      const replicas = await replicaSet.run(RUNS + run + 1);
      replicaRates.push(replicas.rate);
      replicaCpuPerUpdate.push(replicas.cpuUsPerUpdate);
      process.stderr.write(
        `snapshot replicas run ${run + 1}/${RUNS}: ${REPLICAS} service processes over NATS ${(replicas.rate / 1e3).toFixed(0)}k updates/s together, ${replicas.cpuUsPerUpdate.toFixed(2)} us CPU per update (${replicas.received}/${UPDATES} absorbed; publisher ${(replicas.publishedPerSec / 1e3).toFixed(0)}k/s); load average ${loadavg()[0]!.toFixed(2)}\n`,
      );
    }
    await replicaSet.stop();

    const symbols = symbolNames();
    const memory = new MemorySnapshotStore();
    await memory.putLatest((await store.getLatest(symbols)).flatMap((entry) => (entry ? [entry] : [])));
    const loadReads = loadavg()[0]!;
    const full = await readLatencies(store, SubscriptionMode.FULL);
    const quote = await readLatencies(store, SubscriptionMode.QUOTE);
    const fullRaw = await readLatencies(store, SubscriptionMode.FULL, false);
    const memoryFull = await readLatencies(memory, SubscriptionMode.FULL);
    const line = (name: string, r: { latency: LatencySummary; serverCpuUsPerCall: number; handlerP99AtMostMs: number }): string =>
      `${name}: p50 ${r.latency.p50.toFixed(0)} us, p99 ${r.latency.p99.toFixed(0)} us, p99.9 ${r.latency.p999.toFixed(0)} us, max ${r.latency.max.toFixed(0)} us over ${r.latency.samples} calls; server CPU ${r.serverCpuUsPerCall.toFixed(0)} us per call; handler p99 <= ${r.handlerP99AtMostMs} ms`;
    process.stderr.write(`GetSnapshots x${READ_BATCH}, client in another process, absorb load stopped (load average ${loadReads.toFixed(2)}):\n  ${line('over Redis FULL', full)}\n  ${line('over Redis FULL, client not decoding', fullRaw)}\n  ${line('over Redis QUOTE', quote)}\n  ${line('over memory FULL', memoryFull)}\n`);

    printResult({
      scenario: 'snapshot',
      updates: UPDATES,
      symbols: SYMBOLS,
      runs: RUNS,
      bytesPerUpdate,
      medianUpdatesPerSec: Math.round(median(rates)),
      medianServiceCpuUsPerUpdate: Number(median(cpuPerUpdate).toFixed(3)),
      serviceUpdatesPerCoreSec: Math.round(1e6 / median(cpuPerUpdate)),
      medianPublisherUpdatesPerSec: Math.round(median(publisherRates)),
      replicas: REPLICAS,
      medianReplicasUpdatesPerSec: Math.round(median(replicaRates)),
      medianReplicasCpuUsPerUpdate: Number(median(replicaCpuPerUpdate).toFixed(3)),
      medianNatsNoopMsgsPerSec: Math.round(median(noopRates)),
      medianNatsNoopCpuUsPerMsg: Number(median(noopCpuPerUpdate).toFixed(3)),
      medianIntakeUpdatesPerSec: Math.round(median(intakeRates)),
      updatesAbsorbedLastRun: absorbed,
      redisWritesLastRun: writes,
      coalescingRatio: Number((absorbed / Math.max(1, writes)).toFixed(1)),
      flushIntervalMs: FLUSH_INTERVAL_MS,
      getSnapshots100P50Ms: ms(full.latency.p50),
      getSnapshots100P99Ms: ms(full.latency.p99),
      getSnapshots100P999Ms: ms(full.latency.p999),
      getSnapshots100MaxMs: ms(full.latency.max),
      getSnapshots100ServerCpuUsPerCall: Math.round(full.serverCpuUsPerCall),
      getSnapshots100HandlerP99AtMostMs: full.handlerP99AtMostMs,
      getSnapshots100UndecodedP50Ms: ms(fullRaw.latency.p50),
      getSnapshots100UndecodedP99Ms: ms(fullRaw.latency.p99),
      getSnapshots100UndecodedP999Ms: ms(fullRaw.latency.p999),
      getSnapshots100QuoteP50Ms: ms(quote.latency.p50),
      getSnapshots100QuoteP99Ms: ms(quote.latency.p99),
      getSnapshots100QuoteP999Ms: ms(quote.latency.p999),
      getSnapshots100QuoteServerCpuUsPerCall: Math.round(quote.serverCpuUsPerCall),
      getSnapshots100MemoryP50Ms: ms(memoryFull.latency.p50),
      getSnapshots100MemoryP99Ms: ms(memoryFull.latency.p99),
      getSnapshots100MemoryP999Ms: ms(memoryFull.latency.p999),
      reads: READS,
      readClient: 'another process',
      readsDuringAbsorb: false,
      loadAverage: [Number(loadBefore.toFixed(2)), Number(loadReads.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
      servers: nats.backend,
      node: process.version,
    });
  } finally {
    await bus.close();
    await store.close();
    await Promise.all([nats.stop(), redis.stop()]);
  }
}

/**
 * A client that hands back the response bytes undecoded: its latency is the server's and the transport's
 * alone, without the 100 `MarketUpdate` decodes (and their garbage) `SnapshotClient` does per call.
 */
const RawSnapshotClient = makeGenericClientConstructor({ getSnapshots: { ...SnapshotServiceService.getSnapshots, responseDeserialize: (bytes: Buffer): Buffer => bytes } }, 'tickwire.v1.SnapshotService');

/** GetSnapshots through `RawSnapshotClient`; resolves with the response's size in bytes. */
function rawGetSnapshots(client: InstanceType<typeof RawSnapshotClient>, symbols: string[], mode: SubscriptionMode): Promise<number> {
  return new Promise((resolve, reject) => {
    (client as unknown as { getSnapshots(request: GetSnapshotsRequest, metadata: Metadata, done: (error: Error | null, response?: Buffer) => void): void }).getSnapshots(GetSnapshotsRequest.fromPartial({ symbols, mode }), new Metadata(), (error, response) => (error ? reject(error) : resolve(response!.length)));
  });
}

/**
 * The reader (its own process): READS calls of READ_BATCH random symbols, one at a time, after
 * READ_WARMUP; `decoded` through SnapshotClient (what the edge sees), else through `RawSnapshotClient`.
 */
async function reader(address: string, mode: SubscriptionMode, decoded: boolean): Promise<void> {
  const client = new SnapshotClient(address);
  const raw = new RawSnapshotClient(address, credentials.createInsecure());
  const symbols = symbolNames();
  let seed = 12_345;
  const pick = (): string[] =>
    Array.from({ length: READ_BATCH }, () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return symbols[seed % SYMBOLS]!;
    });
  const latencies: number[] = [];
  for (let i = 0; i < READ_WARMUP + READS; i += 1) {
    const batch = pick();
    const t0 = process.hrtime.bigint();
    const answered = decoded ? (await client.getSnapshots(batch, mode)).snapshots.length : await rawGetSnapshots(raw, batch, mode);
    const us = Number(process.hrtime.bigint() - t0) / 1e3;
    if (decoded ? answered !== READ_BATCH : answered < READ_BATCH * 10) throw new Error(`GetSnapshots answered ${answered} ${decoded ? 'snapshots' : 'bytes'} for ${READ_BATCH} symbols`);
    if (i === READ_WARMUP - 1) process.send!({ warm: true });
    if (i >= READ_WARMUP) latencies.push(us);
  }
  client.close();
  raw.close();
  process.send!(summarize(latencies));
}

/**
 * The server's own share of a call: the upper bound of the duration bucket (handler start to answer
 * handed to gRPC: the store read and the encoding) that holds the 99th percentile of GetSnapshots calls,
 * warm-up included. Against the client's p99 it says whether a tail is in the handler or outside it
 * (HTTP/2, scheduling, the client).
 */
async function handlerP99AtMostMs(registry: ReturnType<typeof createMetrics>): Promise<number> {
  const histogram = (await registry.getMetricsAsJSON()).find((metric) => metric.name === 'tickwire_snapshot_grpc_request_duration_seconds');
  const buckets = ((histogram?.values ?? []) as { metricName?: string; labels: Record<string, string | number>; value: number }[]).filter((v) => v.metricName?.endsWith('_bucket') && v.labels['method'] === 'GetSnapshots');
  const total = buckets.find((b) => b.labels['le'] === '+Inf')?.value ?? 0;
  const bound = buckets.find((b) => b.labels['le'] !== '+Inf' && b.value >= 0.99 * total)?.labels['le'];
  return bound === undefined ? Number.POSITIVE_INFINITY : Number(bound) * 1e3;
}

/** GetSnapshots latency over loopback gRPC: the server here, the client in a child process; with the server's CPU per measured call. */
async function readLatencies(store: SnapshotStore, mode: SubscriptionMode, decoded = true): Promise<{ latency: LatencySummary; serverCpuUsPerCall: number; handlerP99AtMostMs: number }> {
  const logger = createLogger({ service: 'snapshot', level: 'silent' });
  const registry = createMetrics({ service: 'snapshot', defaultMetrics: false });
  const server = await startSnapshotGrpcServer({ store, port: 0, logger, registry });
  try {
    const child = fork(__filename, ['--reader', server.address, String(mode), decoded ? 'decoded' : 'raw', ...process.argv.slice(2)]);
    let cpuFrom = process.cpuUsage();
    const latency = await new Promise<LatencySummary>((resolve, reject) => {
      child.on('message', (message: { warm?: true } & LatencySummary) => {
        if (message.warm) cpuFrom = process.cpuUsage();
        else resolve(message);
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the reader exited with ${String(code)}`)));
    });
    return { latency, serverCpuUsPerCall: cpuUs(cpuFrom) / latency.samples, handlerP99AtMostMs: await handlerP99AtMostMs(registry) };
  } finally {
    await server.close(1_000);
  }
}

/**
 * A replica (its own process, kept for every run so its code is as warm as the single service's): the
 * service over NATS and Redis for `shards`. On `{ watch: n }` it waits for n more updates (or for
 * nothing to arrive for 2 s, or RUN_LIMIT_MS) and answers with its first and last arrival and its CPU in
 * between; on `{ stop: true }` it drains and exits.
 */
async function replica(natsUrl: string, redisUrl: string, shards: readonly number[]): Promise<void> {
  const bus = await connectNatsBus({ servers: natsUrl, name: `bench-snapshot-replica-${shards.join('_')}` });
  const store = await createRedisStore({ url: redisUrl, keyPrefix: 'bench:' });
  const service = startSnapshotService({ bus, store, shards, shardCount: SHARDS, flushIntervalMs: FLUSH_INTERVAL_MS, logger: createLogger({ service: 'snapshot', level: 'silent' }), registry: createMetrics({ service: 'snapshot', defaultMetrics: false }) });
  const received = (): number => service.metrics.updatesIn + service.metrics.staleUpdates;
  await bus.flush();
  await new Promise<void>((resolve) => {
    process.on('message', (message: { watch?: number; stop?: true }) => {
      if (message.stop) return resolve();
      const before = received();
      const writesBefore = service.metrics.snapshotsWritten;
      process.send!({ watching: true });
      void watchArrivals(() => received() - before, message.watch!).then((arrivals) => {
        const result: ReplicaResult = { received: arrivals.seen, firstNs: String(arrivals.first), lastNs: String(arrivals.last), cpuUs: arrivals.cpuUs, writes: service.metrics.snapshotsWritten - writesBefore };
        process.send!(result);
      });
    });
    process.send!({ ready: true });
  });
  service.unsubscribe();
  await service.drain();
  await bus.close();
  await store.close();
}

/** REPLICAS replica processes owning equal shares of the shards; `run` measures one absorb run into all of them. */
async function startReplicas(natsUrl: string, redisUrl: string): Promise<{ run(epoch: number): Promise<{ rate: number; cpuUsPerUpdate: number; received: number; publishedPerSec: number }>; stop(): Promise<void> }> {
  const symbolShards = symbolNames().map((symbol) => shardOf(symbol, SHARDS));
  const replicas = Array.from({ length: REPLICAS }, (_, index) => {
    const per = SHARDS / REPLICAS;
    const shards = Array.from({ length: per }, (_, i) => index * per + i);
    let expected = 0;
    for (let n = 0; n < UPDATES; n += 1) if (shards.includes(symbolShards[n % SYMBOLS]!)) expected += 1;
    const child = fork(__filename, ['--replica', natsUrl, redisUrl, shards.join(',')]);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    /** The next message from the replica; a replica that exits instead fails the run. */
    const next = (): Promise<unknown> => Promise.race([new Promise((resolve) => child.once('message', resolve)), exited.then((code) => Promise.reject(new Error(`replica ${index} exited with ${String(code)}`)))]);
    return { child, exited, next, expected };
  });
  await Promise.all(replicas.map((r) => r.next()));
  return {
    async run(epoch) {
      const watching = replicas.map((r) => r.next());
      for (const r of replicas) r.child.send({ watch: r.expected });
      await Promise.all(watching);
      const results = replicas.map((r) => r.next() as Promise<ReplicaResult>);
      const publisher = await runPublisher(natsUrl, epoch);
      const done = await Promise.all(results);
      const received = done.reduce((sum, r) => sum + r.received, 0);
      const first = done.reduce((min, r) => (BigInt(r.firstNs) < min ? BigInt(r.firstNs) : min), BigInt(done[0]!.firstNs));
      const last = done.reduce((max, r) => (BigInt(r.lastNs) > max ? BigInt(r.lastNs) : max), 0n);
      return { rate: received / (Number(last - first) / 1e9), cpuUsPerUpdate: done.reduce((sum, r) => sum + r.cpuUs, 0) / received, received, publishedPerSec: publisher.publishedPerSec };
    },
    async stop() {
      for (const r of replicas) r.child.send({ stop: true });
      await Promise.all(replicas.map((r) => r.exited));
    },
  };
}

/** Forks the publisher for one run and resolves with its figures once it has exited. */
async function runPublisher(natsUrl: string, epoch: number): Promise<PublisherResult> {
  const child = fork(__filename, ['--publisher', natsUrl, String(epoch), String(UPDATES)]);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const result = await Promise.race([new Promise<PublisherResult>((resolve) => child.once('message', resolve)), exited.then((code) => Promise.reject(new Error(`the publisher exited with ${String(code)}`)))]);
  await exited;
  return result;
}

/**
 * Polls `received()` every 5 ms from the first arrival until `expected` arrived, nothing arrived for
 * 2 s, or RUN_LIMIT_MS: the first and last arrival (monotonic ns) and this process's CPU in between.
 */
async function watchArrivals(received: () => number, expected: number): Promise<{ seen: number; first: bigint; last: bigint; cpuUs: number }> {
  let first = 0n;
  let last = 0n;
  let cpuFrom = process.cpuUsage();
  let cpuToLast = 0;
  let seen = 0;
  const started = Date.now();
  let idleSince = Date.now();
  while (Date.now() - started < RUN_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = received();
    if (now !== seen) {
      if (seen === 0) {
        first = process.hrtime.bigint();
        cpuFrom = process.cpuUsage();
      }
      last = process.hrtime.bigint();
      cpuToLast = cpuUs(cpuFrom);
      seen = now;
      idleSince = Date.now();
    }
    if (seen >= expected || (seen > 0 && Date.now() - idleSince > 2_000)) break;
  }
  return { seen, first, last, cpuUs: cpuToLast };
}

/**
 * One absorb run: a publisher process sends UPDATES updates; `received()` says how many arrived so far.
 * Returns updates/s and this process's CPU per update from the first to the last arrival. Ends when all
 * arrived, nothing arrived for 2 s, or at RUN_LIMIT_MS.
 */
async function absorbRun(natsUrl: string, bus: NatsBus, epoch: number, received: () => number): Promise<{ rate: number; cpuUsPerUpdate: number } & PublisherResult> {
  await bus.flush();
  const [arrivals, publisher] = await Promise.all([watchArrivals(received, UPDATES), runPublisher(natsUrl, epoch)]);
  return { rate: arrivals.seen / (Number(arrivals.last - arrivals.first) / 1e9), cpuUsPerUpdate: arrivals.cpuUs / arrivals.seen, ...publisher };
}

const role = process.argv[2];
const done = (): void => process.exit(0);
const fail = (error: unknown): void => {
  console.error(error);
  process.exit(1);
};
if (role === '--publisher') publisher(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5])).then(done, fail);
else if (role === '--replica') replica(process.argv[3]!, process.argv[4]!, process.argv[5]!.split(',').map(Number)).then(done, fail);
else if (role === '--reader') reader(process.argv[3]!, Number(process.argv[4]) as SubscriptionMode, process.argv[5] === 'decoded').then(done, fail);
else main().catch(fail);
