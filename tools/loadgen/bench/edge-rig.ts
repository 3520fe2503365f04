// What both edge scenarios share: NATS and a snapshot gRPC service as local processes / in this process, the
// edge (`apps/edge/dist/main.js`) and the plain `ws` peer as child processes, tokens, RSS and metrics reads,
// and a guarantee that every child process is killed when the benchmark ends, however it ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { median } from '@tickwire/bench-kit';
import { MarketUpdate, tickSubjectForSymbol, UPDATE_FIELDS_ALL } from '@tickwire/protocol';
import { createLogger } from '@tickwire/runtime';
import { startSnapshotGrpcServer, type SnapshotGrpcServer } from '@tickwire/snapshot-grpc';
import { MemorySnapshotStore } from '@tickwire/store';
import { findFreePort, PrometheusSamples } from '@tickwire/testing';
import { readRssBytes } from '../src/process-sampler';
import type { TickSource } from './tick-publisher';
import { symbolName } from '../src/connection-plan';

export const REPO_ROOT = resolve(__dirname, '../../../..');
export const EDGE_MAIN = join(REPO_ROOT, 'apps/edge/dist/main.js');
export const WORKER_SCRIPT = join(__dirname, '../src/load-worker.js');
export const PLAIN_WS_SCRIPT = join(__dirname, '../src/plain-ws-server.js');
export const SOCKETIO_SCRIPT = join(__dirname, '../src/socketio-server.js');
export const SHARD_COUNT = 16;
const SECRET = 'loadgen-bench-secret-that-is-long-enough-0123456789';
const READY_TIMEOUT_MS = 30_000;

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every child process this benchmark started; killed on exit, on a signal, and on an uncaught failure. */
const children = new Set<ChildProcess>();
function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.once('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => {
  killChildren();
  process.exit(130);
});

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** The full client-visible state of `symbol` at `seq`, as the normalizer publishes it (every `changed` bit set). */
export function marketUpdate(symbol: string, seq: number, publishTsNs: bigint): MarketUpdate {
  return {
    ...MarketUpdate.fromPartial({}),
    symbol,
    seq: BigInt(seq),
    epoch: 1n,
    exchangeTsNs: publishTsNs,
    ingestTsNs: publishTsNs,
    publishTsNs,
    ltp: 1_000_000 + (seq % 1000),
    lastSize: 100n,
    volume: BigInt(seq * 100),
    vwap: 100.25,
    ohlc: { open: 990_000, high: 1_010_000, low: 985_000, close: 1_000_000 + (seq % 1000) },
    quote: { bidPrice: 999_900, bidSize: 10n, askPrice: 1_000_100 + (seq % 1000), askSize: 20n },
    depth: { bids: [{ price: 999_900, size: 10n, orders: 1 }, { price: 999_800, size: 30n, orders: 3 }], asks: [{ price: 1_000_100, size: 20n, orders: 2 }, { price: 1_000_200, size: 40n, orders: 4 }] },
    changed: UPDATE_FIELDS_ALL,
    trades: [],
  };
}

/** A local nats-server process: the upstream of every peer, and with its WebSocket listener a peer itself. */
export interface NatsProcess {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  /** `ws://127.0.0.1:<port>`: nats-server's WebSocket listener (clients speak the NATS protocol over it). */
  readonly wsUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * `nats-server` from PATH with a client listener and a WebSocket listener (no TLS, no compression) on free
 * loopback ports, its other settings at their defaults. Always a local process: the WebSocket listener
 * needs a config file, and nothing should sit between the load and the server but loopback.
 */
export async function startNatsProcess(): Promise<NatsProcess> {
  const port = await findFreePort();
  const wsPort = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-bench-nats-'));
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, `listen: "127.0.0.1:${port}"\nwebsocket {\n  host: "127.0.0.1"\n  port: ${wsPort}\n  no_tls: true\n  compression: false\n}\n`);
  const child = track(spawn('nats-server', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (output.length < 10_000) output += chunk;
  });
  try {
    await waitFor(async () => /Server is ready/.test(output), 'nats-server', child);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    pid: child.pid!,
    async stop() {
      await stopChild(child, 5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Upstream {
  readonly nats: NatsProcess;
  readonly grpc: SnapshotGrpcServer;
  readonly symbols: readonly string[];
  /** The md.tick subject of each symbol (same order). */
  readonly subjects: readonly string[];
  /** What publishers publish from: symbols, subjects, sequence numbers and the store (kept at the latest state). */
  readonly ticks: TickSource;
  readonly token: string;
  readonly secret: string;
  stop(): Promise<void>;
}

/** NATS (a local process, with its WebSocket listener) and the snapshot service (gRPC in this process, over a memory store holding seq 1 of every symbol). */
export async function startUpstream(symbolCount: number): Promise<Upstream> {
  const symbols = Array.from({ length: symbolCount }, (_, i) => symbolName(i));
  const store = new MemorySnapshotStore();
  const now = BigInt(Date.now()) * 1_000_000n;
  await store.putLatest(symbols.map((symbol) => ({ symbol, epoch: 1n, seq: 1n, data: MarketUpdate.encode({ ...marketUpdate(symbol, 1, now), snapshot: true }).finish() })));
  const nats = await startNatsProcess();
  const grpc = await startSnapshotGrpcServer({ store, port: 0, logger: createLogger({ service: 'bench-snapshot', level: 'warn' }) });
  const token = await new SignJWT({ tier: 'realtime', ent: { symbols: ['*'] } })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('loadgen')
    .setIssuedAt()
    .setExpirationTime('4h')
    .sign(new TextEncoder().encode(SECRET));
  const subjects = symbols.map((s) => tickSubjectForSymbol(s, SHARD_COUNT));
  return {
    nats,
    grpc,
    symbols,
    subjects,
    ticks: { symbols, subjects, seqs: new Array<number>(symbolCount).fill(1), store },
    token,
    secret: SECRET,
    async stop() {
      await grpc.close(0);
      await nats.stop();
    },
  };
}

export interface ChildServer {
  readonly pid: number;
  readonly port: number;
  /** Ops port (edge only): /metrics, /readyz. */
  readonly opsPort: number;
  /** Inspector port when started with `inspect`, for {@link collectGarbage}. */
  readonly inspectPort: number | undefined;
  stop(): Promise<void>;
}

export async function waitFor(check: () => Promise<boolean>, what: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what}: the process exited (${child.exitCode ?? child.signalCode})`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${READY_TIMEOUT_MS} ms`);
    await sleep(100);
  }
}

export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface EdgeProcessOptions {
  readonly upstream: Upstream;
  readonly maxConnections: number;
  /** Write a V8 CPU profile of the edge into this directory (`node --cpu-prof`); it appears when the edge exits. */
  readonly cpuProfDir?: string;
  /** Start with `--inspect` on a free loopback port (to force a GC before reading memory). */
  readonly inspect?: boolean;
  /** More edge environment (experiments: `--edge-env HEARTBEAT_INTERVAL=10m`). */
  readonly env?: Readonly<Record<string, string>>;
}

/** `--edge-env KEY=VALUE` flags (repeatable). */
export function edgeEnvFlags(argv: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  argv.forEach((arg, i) => {
    if (arg !== '--edge-env') return;
    const [key, ...value] = String(argv[i + 1]).split('=');
    if (key === undefined || !/^[A-Z_][A-Z0-9_]*$/.test(key) || value.length === 0) throw new Error(`--edge-env needs KEY=VALUE, got ${String(argv[i + 1])}`);
    env[key] = value.join('=');
  });
  return env;
}

async function inspectArgs(inspect: boolean | undefined): Promise<{ args: string[]; port: number | undefined }> {
  if (inspect !== true) return { args: [], port: undefined };
  const port = await findFreePort();
  return { args: [`--inspect=127.0.0.1:${port}`], port };
}

/** The edge as it runs in production: `node apps/edge/dist/main.js`, configured by environment; resolves once /readyz says so. */
export async function startEdgeProcess(options: EdgeProcessOptions): Promise<ChildServer> {
  const port = await findFreePort();
  const opsPort = await findFreePort();
  const inspect = await inspectArgs(options.inspect);
  const nodeArgs: string[] = [...inspect.args];
  if (options.cpuProfDir !== undefined) {
    mkdirSync(options.cpuProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  }
  const child = track(
    spawn(process.execPath, [...nodeArgs, EDGE_MAIN], {
      cwd: REPO_ROOT,
      // The edge's NDJSON logs go to our stderr: stdout carries the result.
      stdio: ['ignore', 2, 2],
      env: {
        PATH: process.env['PATH'] ?? '',
        NATS_URL: options.upstream.nats.url,
        SHARD_COUNT: String(SHARD_COUNT),
        SNAPSHOT_ADDRESS: options.upstream.grpc.address,
        JWT_HS256_SECRET: options.upstream.secret,
        HOST: '127.0.0.1',
        PORT: String(port),
        OPS_HOST: '127.0.0.1',
        OPS_PORT: String(opsPort),
        MAX_CONNECTIONS: String(options.maxConnections),
        MAX_CONNECTIONS_PER_IP: String(options.maxConnections),
        LOG_LEVEL: 'warn',
        DRAIN_WINDOW: '1ms',
        ...options.env,
      },
    }),
  );
  await waitFor(async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).ok, 'edge', child);
  return { pid: child.pid!, port, opsPort, inspectPort: inspect.port, stop: () => stopChild(child, 10_000) };
}

/**
 * A Node peer server (`src/plain-ws-server.ts`, `src/socketio-server.ts`): `node <script>` with PORT and
 * NATS_URL (it then relays md.tick); resolves once it prints "listening <port>" (after connecting to NATS).
 */
export async function startNodePeerProcess(script: string, what: string, options: { readonly natsUrl?: string; readonly inspect?: boolean } = {}): Promise<ChildServer> {
  const port = await findFreePort();
  const inspect = await inspectArgs(options.inspect);
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', PORT: String(port), ...(options.natsUrl === undefined ? {} : { NATS_URL: options.natsUrl }) };
  const child = track(spawn(process.execPath, [...inspect.args, script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 2], env }));
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    if (out.length < 1_000) out += chunk;
  });
  await waitFor(async () => out.includes('listening'), what, child);
  return { pid: child.pid!, port, opsPort: 0, inspectPort: inspect.port, stop: () => stopChild(child, 5_000) };
}

/** The plain `ws` peer (`src/plain-ws-server.ts`). */
export function startPlainWsProcess(options: { readonly natsUrl?: string; readonly inspect?: boolean } = {}): Promise<ChildServer> {
  return startNodePeerProcess(PLAIN_WS_SCRIPT, 'plain ws server', options);
}

/** Median of `reads` VmRSS reads `intervalMs` apart, after waiting `settleMs` (no GC can be forced in another process). */
export async function settledRss(pid: number, settleMs = 2_000, reads = 5, intervalMs = 300): Promise<number> {
  await sleep(settleMs);
  const values: number[] = [];
  for (let i = 0; i < reads; i++) {
    if (i > 0) await sleep(intervalMs);
    values.push(readRssBytes(pid));
  }
  return median(values);
}

/** Sample values of the edge's /metrics, by metric name (with labels, e.g. `tickwire_edge_rejections_total{reason="slow_consumer"}`). */
export async function edgeMetrics(opsPort: number): Promise<PrometheusSamples> {
  return new PrometheusSamples(await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text());
}

/**
 * A full garbage collection in another Node process through its inspector (`--inspect`): the Chrome DevTools
 * protocol's `HeapProfiler.collectGarbage`. Lets a benchmark read memory that is retained, not garbage
 * waiting for the next GC, without any hook in the measured program.
 */
export async function collectGarbage(inspectPort: number): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString('utf8')) as { id?: number }).id === 1) resolve();
    });
  });
  socket.close();
}
