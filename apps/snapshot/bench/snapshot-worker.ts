// The snapshot bench's worker processes (snapshot.bench.ts starts them with WorkerProcesses): the
// publisher, the GetSnapshots reader, the replicas of the service, and the SnapshotService serving reads,
// each in its own process so that its CPU is not counted as the measured service's and its garbage does
// not pause it.
import { connect as connectHttp2 } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import { credentials, makeGenericClientConstructor, Metadata } from '@grpc/grpc-js';
import { connectNatsBus } from '@tickwire/bus';
import { GetSnapshotsRequest, type SubscriptionMode, tickSubjectForSymbol } from '@tickwire/protocol';
import { SnapshotServiceService } from '@tickwire/protocol/grpc';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { SnapshotClient, startSnapshotGrpcServer, type SnapshotGrpcServer } from '@tickwire/snapshot-grpc';
import { createRedisStore, MemorySnapshotStore, type SnapshotStore } from '@tickwire/store';
import { PrometheusSamples, serveWorkerCommands } from '@tickwire/testing';
import { startSnapshotService, type SnapshotService } from '../src/snapshot-service';
import { cpuUs, FLUSH_INTERVAL_MS, type LatencySummary, patchVarint5, summarize, type PublisherResult, type ReadServerResult, type ReplicaResult, SHARDS, SYMBOLS, symbolNames, template, watchArrivals, type WorkerCommand, type WorkerReply } from './snapshot-load';

/** Updates per socket write of the publisher (~390 bytes each). */
const PUBLISH_CHUNK_BYTES = 1 << 20;

/**
 * The load generator (its own process): the updates as NATS `PUB` frames written to a plain socket in
 * 1 MiB chunks, honouring the socket's backpressure, then a PING whose PONG says nats-server has read
 * everything. A frame is only `PUB <subject> <size>\r\n<payload>\r\n`, prepared per symbol; the
 * service under test still receives through nats.js. Resolves with its rate.
 */
async function publish(natsUrl: string, epoch: number, updates: number): Promise<PublisherResult> {
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
  return { publishedPerSec: updates / seconds, bytesPerUpdate: templates[0]!.bytes.length };
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
 * `calls` GetSnapshots of `batch` random symbols (from `seed`), one at a time; `decoded` through
 * SnapshotClient (what the edge sees), else through `RawSnapshotClient`. Resolves with each call's
 * latency (us), in call order.
 */
async function read(address: string, mode: SubscriptionMode, decoded: boolean, calls: number, seed: number, batch: number): Promise<number[]> {
  let state = seed;
  const client = new SnapshotClient(address);
  const raw = new RawSnapshotClient(address, credentials.createInsecure());
  const symbols = symbolNames();
  const pick = (): string[] =>
    Array.from({ length: batch }, () => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return symbols[state % SYMBOLS]!;
    });
  const latencies: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const symbols = pick();
    const t0 = process.hrtime.bigint();
    const answered = decoded ? (await client.getSnapshots(symbols, mode)).snapshots.length : await rawGetSnapshots(raw, symbols, mode);
    const us = Number(process.hrtime.bigint() - t0) / 1e3;
    if (decoded ? answered !== batch : answered < batch * 10) throw new Error(`GetSnapshots answered ${answered} ${decoded ? 'snapshots' : 'bytes'} for ${batch} symbols`);
    latencies.push(us);
  }
  client.close();
  raw.close();
  return latencies;
}

/**
 * The floor under any GetSnapshots figure on this machine: `calls` plain HTTP/2 POSTs of `requestBytes`,
 * one at a time, to the bench's HTTP/2 server (node:http2, which grpc-js runs on), which answers each
 * with a fixed body of a 100-symbol answer's size and does nothing else: no gRPC, no store, no decoding.
 */
async function readHttp2(address: string, calls: number, requestBytes: number): Promise<LatencySummary> {
  const session = connectHttp2(`http://${address}`);
  const body = Buffer.alloc(requestBytes, 1);
  const post = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': '/floor' });
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => void (bytes += chunk.length));
      stream.once('end', () => resolve(bytes));
      stream.once('error', reject);
      stream.end(body);
    });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < calls; i += 1) {
      const t0 = process.hrtime.bigint();
      const bytes = await post();
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e3);
      if (bytes === 0) throw new Error('the HTTP/2 floor server answered an empty body');
    }
  } finally {
    session.close();
  }
  return summarize(latencies);
}

/** The replica this worker runs (`serve-shards`), and the run it is watching. */
let served: { service: SnapshotService; close(): Promise<void> } | undefined;
let watched: Promise<ReplicaResult> | undefined;

/** The service over NATS and Redis for `shards`, as a deployment's replica owning them runs it. */
async function serveShards(natsUrl: string, redisUrl: string, shards: readonly number[]): Promise<void> {
  const bus = await connectNatsBus({ servers: natsUrl, name: `bench-snapshot-replica-${shards.join('_')}` });
  const store = await createRedisStore({ url: redisUrl, keyPrefix: 'bench:' });
  const service = startSnapshotService({ bus, store, shards, shardCount: SHARDS, flushIntervalMs: FLUSH_INTERVAL_MS, logger: createLogger({ service: 'snapshot', level: 'silent' }), registry: createMetrics({ service: 'snapshot', defaultMetrics: false }) });
  await bus.flush();
  served = {
    service,
    async close() {
      service.unsubscribe();
      await service.drain();
      await bus.close();
      await store.close();
    },
  };
}

/** Starts watching for `expected` more updates; the result comes with the `arrivals` command. */
function watch(expected: number): void {
  const service = served!.service;
  const received = (): number => service.metrics.updatesIn + service.metrics.staleUpdates;
  const before = received();
  const writesBefore = service.metrics.snapshotsWritten;
  watched = watchArrivals(() => received() - before, expected).then((arrivals) => ({ received: arrivals.seen, firstNs: String(arrivals.first), lastNs: String(arrivals.last), cpuUs: arrivals.cpuUs, writes: service.metrics.snapshotsWritten - writesBefore }));
}

/** The SnapshotService this worker serves reads with (`serve-reads`), as a process of its own. */
let reading: { server: SnapshotGrpcServer; registry: ReturnType<typeof createMetrics>; closeStore(): Promise<void>; cpuFrom: NodeJS.CpuUsage } | undefined;

/**
 * Starts the SnapshotService over the Redis the absorb runs filled, or over an in-memory store holding the
 * same snapshots. Resolves with its address.
 */
async function serveReads(redisUrl: string, memory: boolean): Promise<string> {
  if (reading) throw new Error('serve-reads while already serving');
  const redis = await createRedisStore({ url: redisUrl, keyPrefix: 'bench:' });
  let store: SnapshotStore = redis;
  if (memory) {
    const copy = new MemorySnapshotStore();
    await copy.putLatest((await redis.getLatest(symbolNames())).flatMap((entry) => (entry ? [entry] : [])));
    await redis.close();
    store = copy;
  }
  const registry = createMetrics({ service: 'snapshot', defaultMetrics: false });
  const server = await startSnapshotGrpcServer({ store, port: 0, logger: createLogger({ service: 'snapshot', level: 'silent' }), registry });
  reading = { server, registry, closeStore: memory ? async () => undefined : () => redis.close(), cpuFrom: process.cpuUsage() };
  return server.address;
}

async function stopReads(): Promise<ReadServerResult> {
  if (!reading) throw new Error('stop-reads before serve-reads');
  const { server, registry, closeStore, cpuFrom } = reading;
  reading = undefined;
  const result = { cpuUs: cpuUs(cpuFrom), handlerP99AtMostMs: handlerP99AtMostMs(await registry.metrics()) };
  await server.close(1_000);
  await closeStore();
  return result;
}

function handlerP99AtMostMs(exposition: string): number {
  const bound = new PrometheusSamples(exposition).histogramQuantileAtMost(new PrometheusSamples(''), 'tickwire_snapshot_grpc_request_duration_seconds', 0.99, { method: 'GetSnapshots' });
  return (bound ?? Number.POSITIVE_INFINITY) * 1e3;
}

async function handle(command: WorkerCommand): Promise<WorkerReply> {
  switch (command.type) {
    case 'publish':
      return { type: 'published', ...(await publish(command.natsUrl, command.epoch, command.updates)) };
    case 'read':
      return { type: 'read-samples', samplesUs: await read(command.address, command.mode, command.decoded, command.calls, command.seed, command.batch) };
    case 'read-http2':
      return { type: 'latencies', ...(await readHttp2(command.address, command.calls, command.requestBytes)) };
    case 'serve-shards':
      await serveShards(command.natsUrl, command.redisUrl, command.shards);
      return { type: 'serving' };
    case 'watch':
      if (!served) throw new Error('watch before serve-shards');
      watch(command.expected);
      return { type: 'watching' };
    case 'arrivals':
      if (!watched) throw new Error('arrivals before watch');
      return { type: 'arrivals', ...(await watched) };
    case 'stop':
      await served?.close();
      served = undefined;
      return { type: 'stopped' };
    case 'serve-reads':
      return { type: 'serving-reads', address: await serveReads(command.redisUrl, command.memory) };
    case 'mark-reads':
      if (!reading) throw new Error('mark-reads before serve-reads');
      reading.cpuFrom = process.cpuUsage();
      return { type: 'marked' };
    case 'stop-reads':
      return { type: 'reads-stopped', ...(await stopReads()) };
  }
}

serveWorkerCommands(handle);
