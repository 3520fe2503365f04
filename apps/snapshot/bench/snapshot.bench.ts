// The snapshot service against a real local nats-server and redis-server, each side in its own process:
// 1. absorb: a publisher process sends full-state MarketUpdates for 8,000 symbols on md.tick as fast as
//    nats-server takes them; the service (this process) absorbs them through the NATS bus adapter and
//    writes coalesced snapshots to Redis every 250 ms. Reported: updates/s absorbed (first to last update
//    received), the service's CPU per update (this process, user + system: what one core can absorb
//    without the publisher and nats-server sharing the machine), Redis writes, coalescing ratio.
//    The publisher writes prepared `PUB` frames to a plain socket (snapshot-worker.ts): through nats.js it
//    cost ~1.8 us of CPU per update, about as much as the service itself, on the same two cores, so
//    it, not the service, set the rate.
//    Then the same with REPLICAS service processes, each owning an equal share of the shards (the
//    deployment's shard ownership, docs/architecture.md): the aggregate updates/s and CPU per update.
//    Publisher, nats-server, Redis and the replicas all share this machine's cores: the figure is what
//    the machine does as a whole, not what a replica would do with a core to itself.
// 2. read: GetSnapshots of 100 random symbols over loopback gRPC from a client in another process
//    (SnapshotClient, which decodes every snapshot: in this process its work delayed the server's),
//    one call at a time, with the absorb load stopped, served by the SnapshotService in a process of its
//    own (as deployed: not sharing a heap with this process's absorb runs, and with the Node options the
//    service lists, SNAPSHOT_NODE_OPTIONS, as the replicas too) over the Redis those runs filled; client
//    and server processes start when the reads do; p50/p99/p99.9 and the server's CPU per call. To
//    place a tail: the bucket of the server's own duration histogram holding its p99 (the handler: store
//    read and encoding), and the same calls from a client that does not decode the answer. Then reads
//    while this process absorbs a publisher's run and serves them too, as a replica that owns shards
//    does both; and while it absorbs with the reads served by the read-server process instead, as a
//    reads-only replica (SHARDS=none) serves them.
// For scale, in the same run: the same NATS path with a handler that does nothing, the service's intake
// fed in-process (its own cost per update), GetSnapshots over an in-memory store (no Redis) and of one
// symbol, and the floor under all of them: a plain node:http2 round trip of the same sizes (no gRPC).
// One scenario: `npm run bench -- snapshot [--quick] --json`.
import { createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { median, printResult } from '@tickwire/bench-kit';
import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { GetSnapshotsRequest, shardOf, SubscriptionMode, tickSubjectForSymbol } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { startSnapshotGrpcServer } from '@tickwire/snapshot-grpc';
import { createRedisStore, MemorySnapshotStore, type SnapshotStore } from '@tickwire/store';
import { startNats, startRedis, WorkerProcesses } from '@tickwire/testing';
import { SNAPSHOT_NODE_OPTIONS } from '../src/snapshot-app';
import { startSnapshotService } from '../src/snapshot-service';
import { FLUSH_INTERVAL_MS, type LatencySummary, patchVarint5, type PublisherResult, READ_BATCH, type ReadServerResult, SHARDS, summarize, SYMBOLS, symbolNames, template, watchArrivals, type WorkerCommand, type WorkerReply } from './snapshot-load';

type BenchWorkers = WorkerProcesses<WorkerCommand, WorkerReply>;

function startWorkers(count: number, name: string, execArgv: readonly string[] = []): BenchWorkers {
  return WorkerProcesses.start<WorkerCommand, WorkerReply>(count, WORKER_SCRIPT, { stdio: ['ignore', 2, 2], replyTimeoutMs: WORKER_REPLY_TIMEOUT_MS, name, execArgv });
}

/** Worker processes that run the service (replicas, the read server) get the Node options it is deployed with. */
const SERVICE_EXEC_ARGV = SNAPSHOT_NODE_OPTIONS.map((option) => option.flag);

const quick = process.argv.includes('--quick');
const UPDATES = quick ? 400_000 : 2_000_000;
const RUNS = 3;
const READS = quick ? 2_000 : 10_000;
const READ_WARMUP = 500;
/** A worker's longest answer: a whole absorb run, or READS calls on a loaded machine. */
const WORKER_REPLY_TIMEOUT_MS = 180_000;
const WORKER_SCRIPT = join(__dirname, 'snapshot-worker.js');

/** Service processes in the replicas phase, each owning SHARDS / REPLICAS shards. */
const REPLICAS = 2;

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

const ms = (us: number): number => Number((us / 1e3).toFixed(3));

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const [nats, redis] = await Promise.all([startNats(), startRedis()]);
  const logger = createLogger({ service: 'snapshot', level: 'silent' });
  const store = await createRedisStore({ url: redis.url, keyPrefix: 'bench:' });
  const bus = await connectNatsBus({ servers: nats.url, name: 'bench-snapshot' });
  const publisher = startWorkers(1, 'snapshot publisher');
  // Started when the reads begin: a process idle through the absorb runs (~90 s) had V8's memory reducer
  // shrink its heap, and then compacted every ~100 calls (hand-taken, docs/benchmarks.md).
  let readers: BenchWorkers | undefined;
  let readServer: BenchWorkers | undefined;
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
      const noop = await absorbRun(publisher, nats.url, bus, run + 1, () => count);
      counting.unsubscribe();
      noopRates.push(noop.rate);
      noopCpuPerUpdate.push(noop.cpuUsPerUpdate);
      const service = startSnapshotService({ bus, store, shards: Array.from({ length: SHARDS }, (_, s) => s), shardCount: SHARDS, flushIntervalMs: FLUSH_INTERVAL_MS, logger, registry: createMetrics({ service: 'snapshot', defaultMetrics: false }) });
      const absorb = await absorbRun(publisher, nats.url, bus, run + 1, () => service.metrics.updatesIn + service.metrics.staleUpdates);
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

    const replicaSet = await startReplicas(publisher, nats.url, redis.url);
    for (let run = 0; run < RUNS; run += 1) {
      const replicas = await replicaSet.run(RUNS + run + 1);
      replicaRates.push(replicas.rate);
      replicaCpuPerUpdate.push(replicas.cpuUsPerUpdate);
      process.stderr.write(
        `snapshot replicas run ${run + 1}/${RUNS}: ${REPLICAS} service processes over NATS ${(replicas.rate / 1e3).toFixed(0)}k updates/s together, ${replicas.cpuUsPerUpdate.toFixed(2)} us CPU per update (${replicas.received}/${UPDATES} absorbed; publisher ${(replicas.publishedPerSec / 1e3).toFixed(0)}k/s); load average ${loadavg()[0]!.toFixed(2)}\n`,
      );
    }
    await replicaSet.stop();

    readers = startWorkers(1, 'snapshot reader');
    readServer = startWorkers(1, 'snapshot read server', SERVICE_EXEC_ARGV);
    const loadReads = loadavg()[0]!;
    const overRedis: ReadServer = { workers: readServer, redisUrl: redis.url, memory: false };
    const full = await readLatencies(readers, overRedis, SubscriptionMode.FULL);
    const quote = await readLatencies(readers, overRedis, SubscriptionMode.QUOTE);
    const fullRaw = await readLatencies(readers, overRedis, SubscriptionMode.FULL, false);
    const memoryFull = await readLatencies(readers, { ...overRedis, memory: true }, SubscriptionMode.FULL);
    const single = await readLatencies(readers, overRedis, SubscriptionMode.FULL, true, 1);
    const floor = await http2Floor(readers);
    const during = await readsDuringAbsorb(publisher, readers, nats.url, bus, store, 2 * RUNS + 1);
    const duringApart = await readsDuringAbsorb(publisher, readers, nats.url, bus, store, 2 * RUNS + 2, overRedis);
    const line = (name: string, r: { latency: LatencySummary; serverCpuUsPerCall: number; handlerP99AtMostMs: number }): string =>
      `${name}: p50 ${r.latency.p50.toFixed(0)} us, p99 ${r.latency.p99.toFixed(0)} us, p99.9 ${r.latency.p999.toFixed(0)} us, max ${r.latency.max.toFixed(0)} us over ${r.latency.samples} calls; server CPU ${r.serverCpuUsPerCall.toFixed(0)} us per call; handler p99 <= ${r.handlerP99AtMostMs} ms`;
    process.stderr.write(
      `GetSnapshots x${READ_BATCH}, client and server each in a process of its own, absorb load stopped (load average ${loadReads.toFixed(2)}):\n  ${line('over Redis FULL', full)}\n  ${line('over Redis FULL, client not decoding', fullRaw)}\n  ${line('over Redis QUOTE', quote)}\n  ${line('over memory FULL', memoryFull)}\n  ${line('1 symbol over Redis FULL', single)}\n` +
        `  the floor, plain node:http2 POST of a 100-symbol request answered with a 100-symbol answer's bytes: p50 ${floor.p50.toFixed(0)} us, p99 ${floor.p99.toFixed(0)} us, p99.9 ${floor.p999.toFixed(0)} us, max ${floor.max.toFixed(0)} us over ${floor.samples} calls\n` +
        `GetSnapshots x${READ_BATCH} FULL over Redis while the same process absorbs (${(during.absorbRate / 1e3).toFixed(0)}k updates/s): p50 ${during.latency.p50.toFixed(0)} us, p99 ${during.latency.p99.toFixed(0)} us, p99.9 ${during.latency.p999.toFixed(0)} us, max ${during.latency.max.toFixed(0)} us over ${during.latency.samples} calls\n` +
        `  the same from a reads-only replica (SHARDS=none: the read-server process) while this process absorbs (${(duringApart.absorbRate / 1e3).toFixed(0)}k updates/s): p50 ${duringApart.latency.p50.toFixed(0)} us, p99 ${duringApart.latency.p99.toFixed(0)} us, p99.9 ${duringApart.latency.p999.toFixed(0)} us, max ${duringApart.latency.max.toFixed(0)} us over ${duringApart.latency.samples} calls\n`,
    );

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
      getSnapshots1P50Ms: ms(single.latency.p50),
      getSnapshots1P99Ms: ms(single.latency.p99),
      http2FloorP50Ms: ms(floor.p50),
      http2FloorP99Ms: ms(floor.p99),
      http2FloorP999Ms: ms(floor.p999),
      reads: READS,
      readClient: 'another process',
      readServer: 'another process',
      serviceNodeOptions: SERVICE_EXEC_ARGV.join(' '),
      readsDuringAbsorb: false,
      getSnapshots100DuringAbsorbP50Ms: ms(during.latency.p50),
      getSnapshots100DuringAbsorbP99Ms: ms(during.latency.p99),
      getSnapshots100DuringAbsorbP999Ms: ms(during.latency.p999),
      readsDuringAbsorbSamples: during.latency.samples,
      updatesPerSecDuringReads: Math.round(during.absorbRate),
      getSnapshots100ReadsOnlyReplicaDuringAbsorbP50Ms: ms(duringApart.latency.p50),
      getSnapshots100ReadsOnlyReplicaDuringAbsorbP99Ms: ms(duringApart.latency.p99),
      getSnapshots100ReadsOnlyReplicaDuringAbsorbP999Ms: ms(duringApart.latency.p999),
      updatesPerSecDuringReadsOnlyReplicaReads: Math.round(duringApart.absorbRate),
      loadAverage: [Number(loadBefore.toFixed(2)), Number(loadReads.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
      servers: nats.backend,
      node: process.version,
    });
  } finally {
    publisher.close();
    readers?.close();
    readServer?.close();
    await bus.close();
    await store.close();
    await Promise.all([nats.stop(), redis.stop()]);
  }
}

/** Where reads are served: the read-server worker, over Redis or over an in-memory copy of its snapshots. */
interface ReadServer {
  readonly workers: BenchWorkers;
  readonly redisUrl: string;
  readonly memory: boolean;
}

/** A GetSnapshots server started for one measurement; `stop()` resolves with its share of the calls since `mark()`. */
interface StartedReadServer {
  readonly address: string;
  mark(): Promise<void>;
  stop(): Promise<ReadServerResult>;
}

/** Starts the SnapshotService afresh in `target`'s process (its duration histogram holds one measurement). */
async function serveFrom(target: ReadServer): Promise<StartedReadServer> {
  const { workers, ...serve } = target;
  const { address } = await workers.request(0, { type: 'serve-reads', ...serve }, 'serving-reads');
  return {
    address,
    mark: async () => void (await workers.request(0, { type: 'mark-reads' }, 'marked')),
    stop: async () => {
      const { cpuUs, handlerP99AtMostMs } = await workers.request(0, { type: 'stop-reads' }, 'reads-stopped');
      return { cpuUs, handlerP99AtMostMs };
    },
  };
}

/**
 * GetSnapshots latency over loopback gRPC: the server in the read-server process, the client in the reader
 * process; with the server's CPU per measured call.
 */
async function readLatencies(readers: BenchWorkers, target: ReadServer, mode: SubscriptionMode, decoded = true, batch = READ_BATCH): Promise<{ latency: LatencySummary; serverCpuUsPerCall: number; handlerP99AtMostMs: number }> {
  const server = await serveFrom(target);
  const read = { type: 'read', address: server.address, mode, decoded, seed: 12_345, batch } as const;
  const measured = (async () => {
    await readers.request(0, { ...read, calls: READ_WARMUP }, 'read-samples');
    await server.mark();
    return (await readers.request(0, { ...read, calls: READS }, 'read-samples')).samplesUs;
  })();
  // Stopped whether the reads succeed or not, so the next measurement can serve.
  const [samples] = await Promise.allSettled([measured]);
  const share = await server.stop();
  if (samples.status === 'rejected') throw samples.reason;
  return { latency: summarize(samples.value), serverCpuUsPerCall: share.cpuUs / samples.value.length, handlerP99AtMostMs: share.handlerP99AtMostMs };
}

/**
 * The same round trip without gRPC, the store or any decoding: a node:http2 server (what grpc-js runs on)
 * here answering every POST with a fixed body of a 100-symbol FULL answer's size, the client in the reader
 * process posting a request of a 100-symbol request's size. What this machine's scheduler and Node's HTTP/2
 * cost alone: no GetSnapshots figure can be lower.
 */
async function http2Floor(readers: BenchWorkers): Promise<LatencySummary> {
  const answer = Buffer.alloc(READ_BATCH * (template(symbolNames()[0]!, 1).bytes.length + 3), 7);
  const requestBytes = GetSnapshotsRequest.encode({ symbols: symbolNames().slice(0, READ_BATCH), mode: SubscriptionMode.FULL }).finish().length;
  const server = createHttp2Server();
  server.on('stream', (stream) => {
    stream.on('data', () => undefined);
    stream.once('end', () => {
      stream.respond({ ':status': 200 });
      stream.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const read = { type: 'read-http2', address: `127.0.0.1:${(server.address() as AddressInfo).port}`, requestBytes } as const;
    await readers.request(0, { ...read, calls: READ_WARMUP }, 'latencies');
    return await readers.request(0, { ...read, calls: READS }, 'latencies');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * GetSnapshots FULL over Redis while this process absorbs a publisher's run through the service: served by
 * this process too, as a replica that owns shards does both on one event loop, or by the read-server
 * process (`replica`), as a `SHARDS=none` replica serves them apart from the absorbing. READS / 5 calls
 * (about as long as the run): the calls that outlast it are measured without the load, so this is a floor
 * on what the load costs the reads.
 */
async function readsDuringAbsorb(publisher: BenchWorkers, readers: BenchWorkers, natsUrl: string, bus: NatsBus, store: SnapshotStore, epoch: number, replica?: ReadServer): Promise<{ latency: LatencySummary; absorbRate: number }> {
  const logger = createLogger({ service: 'snapshot', level: 'silent' });
  const registry = createMetrics({ service: 'snapshot', defaultMetrics: false });
  const service = startSnapshotService({ bus, store, shards: Array.from({ length: SHARDS }, (_, s) => s), shardCount: SHARDS, flushIntervalMs: FLUSH_INTERVAL_MS, logger, registry });
  const server: { readonly address: string; stop(): Promise<unknown> } =
    replica === undefined ? await startSnapshotGrpcServer({ store, port: 0, logger, registry }).then((grpc) => ({ address: grpc.address, stop: () => grpc.close(1_000) })) : await serveFrom(replica);
  try {
    const read = { type: 'read', address: server.address, mode: SubscriptionMode.FULL, decoded: true, seed: 54_321, batch: READ_BATCH } as const;
    await readers.request(0, { ...read, calls: READ_WARMUP }, 'read-samples');
    const [absorb, { samplesUs }] = await Promise.all([absorbRun(publisher, natsUrl, bus, epoch, () => service.metrics.updatesIn + service.metrics.staleUpdates), readers.request(0, { ...read, calls: Math.round(READS / 5) }, 'read-samples')]);
    return { latency: summarize(samplesUs), absorbRate: absorb.rate };
  } finally {
    service.unsubscribe();
    await service.drain();
    await server.stop();
  }
}

/** REPLICAS replica processes owning equal shares of the shards; `run` measures one absorb run into all of them. */
async function startReplicas(publisher: BenchWorkers, natsUrl: string, redisUrl: string): Promise<{ run(epoch: number): Promise<{ rate: number; cpuUsPerUpdate: number; received: number; publishedPerSec: number }>; stop(): Promise<void> }> {
  const symbolShards = symbolNames().map((symbol) => shardOf(symbol, SHARDS));
  const per = SHARDS / REPLICAS;
  const shardsOf = (index: number): number[] => Array.from({ length: per }, (_, i) => index * per + i);
  const expected = Array.from({ length: REPLICAS }, (_, index) => {
    const shards = shardsOf(index);
    let count = 0;
    for (let n = 0; n < UPDATES; n += 1) if (shards.includes(symbolShards[n % SYMBOLS]!)) count += 1;
    return count;
  });
  // Kept for every run, so their code is as warm as the single service's.
  const replicas = startWorkers(REPLICAS, 'snapshot replica', SERVICE_EXEC_ARGV);
  await replicas.all((index) => ({ type: 'serve-shards', natsUrl, redisUrl, shards: shardsOf(index) }), 'serving');
  return {
    async run(epoch) {
      await replicas.all((index) => ({ type: 'watch', expected: expected[index]! }), 'watching');
      const [published, done] = await Promise.all([runPublisher(publisher, natsUrl, epoch), replicas.all(() => ({ type: 'arrivals' }), 'arrivals')]);
      const received = done.reduce((sum, r) => sum + r.received, 0);
      const first = done.reduce((min, r) => (BigInt(r.firstNs) < min ? BigInt(r.firstNs) : min), BigInt(done[0]!.firstNs));
      const last = done.reduce((max, r) => (BigInt(r.lastNs) > max ? BigInt(r.lastNs) : max), 0n);
      return { rate: received / (Number(last - first) / 1e9), cpuUsPerUpdate: done.reduce((sum, r) => sum + r.cpuUs, 0) / received, received, publishedPerSec: published.publishedPerSec };
    },
    async stop() {
      await replicas.all(() => ({ type: 'stop' }), 'stopped');
      replicas.close();
    },
  };
}

async function runPublisher(publisher: BenchWorkers, natsUrl: string, epoch: number): Promise<PublisherResult> {
  return publisher.request(0, { type: 'publish', natsUrl, epoch, updates: UPDATES }, 'published');
}

/**
 * One absorb run: the publisher process sends UPDATES updates; `received()` says how many arrived so far.
 * Returns updates/s and this process's CPU per update from the first to the last arrival. Ends when all
 * arrived, nothing arrived for 2 s, or at RUN_LIMIT_MS.
 */
async function absorbRun(publisher: BenchWorkers, natsUrl: string, bus: NatsBus, epoch: number, received: () => number): Promise<{ rate: number; cpuUsPerUpdate: number } & PublisherResult> {
  await bus.flush();
  const [arrivals, published] = await Promise.all([watchArrivals(received, UPDATES), runPublisher(publisher, natsUrl, epoch)]);
  return { rate: arrivals.seen / (Number(arrivals.last - arrivals.first) / 1e9), cpuUsPerUpdate: arrivals.cpuUs / arrivals.seen, ...published };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
