// The peers the comparison scenarios load, each started as the processes a user would run, behind one
// interface: where clients connect, which client protocol they speak (`src/peer-clients.ts`), and which
// processes serve them (memory and CPU are summed over those).
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { PeerProtocol } from '../src/peer-clients';
import { findFreePort } from '@tickwire/testing';
import { childPidsNamed } from '../src/process-sampler';
import { edgeMetrics, REPO_ROOT, sleep, SOCKETIO_SCRIPT, startEdgeProcess, startNatsProcess, startNodePeerProcess, startPlainWsProcess, stopChild, track, waitFor, type ChildServer, type Upstream } from './edge-rig';

export const PEER_NAMES = ['edge', 'edge-json', 'edge-p2', 'edge-x2', 'nats-ws', 'socketio', 'plain-ws'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

export interface PeerInfo {
  /** How the report names it. */
  readonly label: string;
  readonly protocol: PeerProtocol;
}

export const PEERS: Readonly<Record<PeerName, PeerInfo>> = Object.freeze({
  edge: { label: 'Tickwire edge, 1 process (binary)', protocol: 'tickwire-proto' },
  'edge-json': { label: 'Tickwire edge, 1 process (JSON)', protocol: 'tickwire-json' },
  'edge-p2': { label: 'Tickwire edge, 2 processes on one port', protocol: 'tickwire-proto' },
  'edge-x2': { label: 'Tickwire edge, 2 processes behind HAProxy', protocol: 'tickwire-proto' },
  'nats-ws': { label: 'nats-server WebSocket', protocol: 'nats' },
  socketio: { label: 'Socket.IO, room per symbol', protocol: 'socketio' },
  'plain-ws': { label: 'plain ws broadcast', protocol: 'plain-ws' },
});

/** The balancer config the deployment uses (rendered from the environment, never edited here). */
export const HAPROXY_CONFIG = join(REPO_ROOT, 'infra/haproxy/haproxy.cfg');
/** Edge processes in `edge-p2` (`PROCESSES`) and in `edge-x2` (the config has three server lines; the third points at a closed port and stays down, as in tools/e2e). */
export const EDGE_PROCESSES = 2;
/**
 * Clients per HAProxy process. Each proxied client costs HAProxy two sockets and one process may open 20,000
 * files here, so HAProxy derives a maxconn of ~9,990 from the limit; several HAProxy processes bind the same
 * address (HAProxy sets SO_REUSEPORT, the kernel spreads connections over them).
 */
export const HAPROXY_CLIENTS_PER_PROCESS = 8_000;
/** The edge's own default, kept under the 20,000 open files a process may have here. */
const EDGE_MAX_CONNECTIONS = 18_000;

/** `--peers a,b,c` (in that order), or `fallback`. */
export function peersFlag(argv: readonly string[], fallback: readonly PeerName[]): PeerName[] {
  const at = argv.indexOf('--peers');
  if (at < 0) return [...fallback];
  const names = String(argv[at + 1]).split(',');
  const unknown = names.filter((n) => !(PEER_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--peers takes a comma-separated list of ${PEER_NAMES.join(', ')}; unknown: ${unknown.join(', ')}`);
  return names as PeerName[];
}

export interface RunningPeer {
  readonly name: PeerName;
  readonly protocol: PeerProtocol;
  /** Where every client connects. */
  readonly url: string;
  /** The processes serving the clients (edges and balancers; the Node or Go server). */
  readonly pids: readonly number[];
  /** Inspector ports of its Node processes, to force a GC before reading memory (none for nats-server and HAProxy). */
  readonly inspectPorts: readonly number[];
  /** Edge ops ports (/metrics). */
  readonly opsPorts: readonly number[];
  /** Where updates must be published for this peer's clients: the upstream NATS, or the peer's own nats-server. */
  readonly natsUrl: string;
  stop(): Promise<void>;
}

export interface PeerOptions {
  readonly upstream: Upstream;
  /** Clients the run will open (sizes limits and the number of balancer processes). */
  readonly clients: number;
  /** Start Node processes with `--inspect` (memory after a forced GC). */
  readonly inspect?: boolean;
  /** More edge environment. */
  readonly edgeEnv?: Readonly<Record<string, string>>;
  /** Another HAProxy config for `edge-x2` (experiments: `--haproxy-config <file>`); default infra/haproxy/haproxy.cfg. */
  readonly haproxyConfig?: string;
  /** Write V8 CPU profiles of the edge processes here (`--edge-cpu-prof`); they appear when the edges exit. */
  readonly edgeCpuProfDir?: string;
}

/** `--edge-cpu-prof`: CPU profiles of the edges into bench-results/tmp/edge-cpu-prof/ (git-ignored). */
export function edgeCpuProfFlag(argv: readonly string[]): string | undefined {
  return argv.includes('--edge-cpu-prof') ? join(REPO_ROOT, 'bench-results/tmp/edge-cpu-prof') : undefined;
}

/** `--haproxy-config <file>`, for experiments with the balancer's settings (the report names the file used). */
export function haproxyConfigFlag(argv: readonly string[]): string | undefined {
  const at = argv.indexOf('--haproxy-config');
  return at < 0 ? undefined : String(argv[at + 1]);
}

function fromChild(name: PeerName, url: string, server: ChildServer, natsUrl: string): RunningPeer {
  return { name, protocol: PEERS[name].protocol, url, pids: [server.pid], inspectPorts: server.inspectPort === undefined ? [] : [server.inspectPort], opsPorts: server.opsPort > 0 ? [server.opsPort] : [], natsUrl, stop: () => server.stop() };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until the edge group on `opsPort` reports all `EDGE_PROCESSES` ready (`tickwire_processes_ready`). */
async function allProcessesReady(opsPort: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if ((await edgeMetrics(opsPort)).value('tickwire_processes_ready') === EDGE_PROCESSES) return;
    if (Date.now() > deadline) throw new Error(`edge-p2: ${EDGE_PROCESSES} processes not ready within 30 s`);
    await sleep(100);
  }
}

/** Starts one peer; the caller stops it. */
export async function startPeer(name: PeerName, options: PeerOptions): Promise<RunningPeer> {
  const { upstream } = options;
  const edgeOptions = { upstream, inspect: options.inspect ?? false, env: options.edgeEnv ?? {}, ...(options.edgeCpuProfDir === undefined ? {} : { cpuProfDir: options.edgeCpuProfDir }) };
  switch (name) {
    case 'edge':
    case 'edge-json': {
      const edge = await startEdgeProcess({ ...edgeOptions, maxConnections: Math.max(EDGE_MAX_CONNECTIONS, options.clients + 500) });
      return fromChild(name, `ws://127.0.0.1:${edge.port}/v1/stream?token=${upstream.token}`, edge, upstream.nats.url);
    }
    case 'edge-p2': {
      // No inspector: the processes would inherit the primary's inspector port, so no forced GC here (the memory
      // figures after a full GC are n/a for it, as for nats-server).
      const edge = await startEdgeProcess({ ...edgeOptions, inspect: false, env: { ...edgeOptions.env, PROCESSES: String(EDGE_PROCESSES) }, maxConnections: Math.max(EDGE_MAX_CONNECTIONS, options.clients + 500) });
      // The primary is ready once one process is: wait for all, and count their CPU and memory with its own.
      await allProcessesReady(edge.opsPort);
      const processes = childPidsNamed(edge.pid, 'node');
      if (processes.length !== EDGE_PROCESSES) throw new Error(`edge-p2: expected ${EDGE_PROCESSES} edge processes under pid ${edge.pid}, found ${processes.length}`);
      return { ...fromChild(name, `ws://127.0.0.1:${edge.port}/v1/stream?token=${upstream.token}`, edge, upstream.nats.url), pids: [edge.pid, ...processes] };
    }
    case 'edge-x2':
      return startBalancedEdges(options, edgeOptions);
    case 'nats-ws': {
      // A fresh nats-server of its own (as every other peer is a fresh process), clients on its WebSocket
      // listener; the publisher publishes to it directly.
      const nats = await startNatsProcess();
      return { name, protocol: 'nats', url: nats.wsUrl, pids: [nats.pid], inspectPorts: [], opsPorts: [], natsUrl: nats.url, stop: () => nats.stop() };
    }
    case 'socketio': {
      const server = await startNodePeerProcess(SOCKETIO_SCRIPT, 'socket.io server', { natsUrl: upstream.nats.url, inspect: options.inspect ?? false });
      return fromChild(name, `ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket`, server, upstream.nats.url);
    }
    case 'plain-ws': {
      const server = await startPlainWsProcess({ natsUrl: upstream.nats.url, inspect: options.inspect ?? false });
      return fromChild(name, `ws://127.0.0.1:${server.port}/`, server, upstream.nats.url);
    }
  }
}

/** `edge-x2`: two edge processes and enough HAProxy processes (all on one port) with infra/haproxy/haproxy.cfg. */
async function startBalancedEdges(options: PeerOptions, edgeOptions: { upstream: Upstream; inspect: boolean; env: Readonly<Record<string, string>>; cpuProfDir?: string }): Promise<RunningPeer> {
  const edges: ChildServer[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    for (let i = 0; i < EDGE_PROCESSES; i++) {
      const edge = await startEdgeProcess({ ...edgeOptions, maxConnections: EDGE_MAX_CONNECTIONS });
      edges.push(edge);
      stops.push(() => edge.stop());
    }
    const listen = await findFreePort();
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      LISTEN_ADDR: `127.0.0.1:${listen}`,
      EDGE1: `127.0.0.1:${edges[0]!.port}`,
      EDGE1_OPS_PORT: String(edges[0]!.opsPort),
      EDGE2: `127.0.0.1:${edges[1]!.port}`,
      EDGE2_OPS_PORT: String(edges[1]!.opsPort),
      // The config lists three servers; the third points at a closed port and is marked down.
      EDGE3: `127.0.0.1:${await findFreePort()}`,
      EDGE3_OPS_PORT: String(await findFreePort()),
    };
    const balancers = Math.max(1, Math.ceil(options.clients / HAPROXY_CLIENTS_PER_PROCESS));
    const pids: number[] = [];
    // HAProxy logs every connection to stdout (the config's choice): dropped, unless TICKWIRE_BENCH_HAPROXY_LOG names a file to append them to.
    const logFile = process.env['TICKWIRE_BENCH_HAPROXY_LOG'];
    const logFd = logFile === undefined ? 'ignore' : openSync(logFile, 'a');
    for (let i = 0; i < balancers; i++) {
      const child = track(spawn('haproxy', ['-db', '-f', options.haproxyConfig ?? HAPROXY_CONFIG], { cwd: REPO_ROOT, env, stdio: ['ignore', logFd, logFd] }));
      stops.push(() => stopChild(child, 5_000));
      await waitFor(() => canConnect(listen), 'haproxy', child);
      pids.push(child.pid!);
    }
    // The first failed check (connection refused) marks the third server down; until then a refused
    // connection is retried on another server (`retry-on conn-failure`, `option redispatch`).
    await sleep(1_500);
    return {
      name: 'edge-x2',
      protocol: 'tickwire-proto',
      url: `ws://127.0.0.1:${listen}/v1/stream?token=${options.upstream.token}`,
      pids: [...edges.map((e) => e.pid), ...pids],
      inspectPorts: edges.flatMap((e) => (e.inspectPort === undefined ? [] : [e.inspectPort])),
      opsPorts: edges.map((e) => e.opsPort),
      natsUrl: options.upstream.nats.url,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
