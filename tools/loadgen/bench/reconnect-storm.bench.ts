// Market-open reconnect storm, side by side: N clients (19,000; quick 1,000) x 20 of 200 symbols are connected
// and receiving (updates keep flowing at a low rate, one for every client every 250 ms); then every client
// drops its connection at the same instant and reconnects at a uniformly random moment within the next
// `--spread-ms` (2 s; quick 0.5 s), retrying with full-jitter backoff when refused. Measured per storm, from the
// drop: the time until every client is resubscribed (acknowledged) and until every client has received a live
// update again. Several storms per peer, the median reported (a storm that leaves clients out ends the peer's
// series: it is reported as not completed).
// Tickwire's entry (the reference) is one edge process, its MAX_CONNECTIONS raised to 19,500 (~19,030 open files,
// under the 20,000 limit), like the peers, which are single processes too. Two edges behind HAProxy (`edge-x2`) run
// as well; on 2 cores the balancer doubles every byte's socket work: with all clients connected the flow alone
// took 1.92 of the 2 cores there, against 1.72 for one edge. Two edge processes on one port (`edge-p2`, the
// edge's PROCESSES=2: no balancer) use both cores without that hop; the goal is reported for it too.
// The edges admit 3,000 upgrades/s per process here (`ADMISSION_RATE`; the default, 500, keeps admission to a
// quarter of a core for the sake of connected clients' latency): at market open nearly every client is the one
// reconnecting, and 19,000 within the 8 s an upgrade may wait asks more than 2,000/s of one process.
// `--edge-env ADMISSION_RATE=N` overrides it.
// What the machine gives a storm, measured per peer in the same run: the CPU the peer and the load generator
// spend setting a client up with no update flowing, and the cores the flow takes once every client is back. The
// storm's last clients are admitted on a machine the flow has nearly filled.
// One scenario: `npm run bench -- reconnect-storm [--quick] --json` (`--peers edge-x2,nats-ws`, `--storms 1`).
import { intFlag, printResult } from '@tickwire/bench-kit';
import { connectNatsBus } from '@tickwire/bus';
import { interleavedSymbolOrder, workerCountFor } from '../src/connection-plan';
import { LoadWorkerPool } from '../src/load-worker-pool';
import { medianOf } from '../src/peer-comparison';
import { readCpuSeconds } from '../src/process-sampler';
import { wallClockNs } from '../src/wall-clock';
import type { StormReply } from '../src/worker-protocol';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { edgeEnvFlags, log, REPO_ROOT, sleep, startUpstream, WORKER_SCRIPT } from './edge-rig';
import { closeClients, fullPlan, openClients, peerRss, publisherFor, round, tallies } from './peer-load';
import { edgeCpuProfFlag, HAPROXY_CONFIG, haproxyConfigFlag, PEERS, peersFlag, startPeer, type PeerName, type RunningPeer } from './peer-rig';
import { QUIET_WAIT_MS, runPeers } from './peer-runs';
import { BackgroundTicks } from './tick-publisher';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const CLIENTS = intFlag(argv, '--clients', quick ? 1_000 : 19_000);
const SUBSCRIPTIONS = intFlag(argv, '--subscriptions', 20);
const SYMBOLS = intFlag(argv, '--symbols', 200);
const WORKERS = intFlag(argv, '--workers', workerCountFor(CLIENTS, 2));
const STORMS = intFlag(argv, '--storms', quick ? 1 : 3);
const SPREAD_MS = intFlag(argv, '--spread-ms', quick ? 500 : 2_000);
/** A storm that has not settled after this long is reported as incomplete. */
const STORM_TIMEOUT_MS = intFlag(argv, '--storm-timeout-ms', quick ? 20_000 : 60_000);
/** Updates published per second during the storm (interleaved: each client gets one every symbols / (rate * perConnection) s). */
const RATE = intFlag(argv, '--rate', 40);
const PAUSE_MS = quick ? 200 : 3_000;
/** Updates flow this long before the first storm: settling, then measuring what the flow costs. */
const FLOWING_MS = quick ? 500 : 1_500;
const FLOW_MEASURE_MS = quick ? 500 : 3_000;
/** The edges' environment in this scenario: admissions per second per process (see the top), then `--edge-env`. */
const EDGE_ENV: Readonly<Record<string, string>> = { ADMISSION_RATE: '3000', ...edgeEnvFlags(argv) };
const PEER_LIST = peersFlag(argv, ['edge', 'edge-p2', 'edge-x2', 'nats-ws', 'socketio', 'plain-ws']);
const REFERENCE: PeerName = PEER_LIST.includes('edge') ? 'edge' : PEER_LIST[0]!;
const GOAL_MS = 10_000;
const HAPROXY_CONFIG_USED = haproxyConfigFlag(argv) ?? HAPROXY_CONFIG;
const METRICS = ['allReceivingMs', 'allResubscribedMs', 'p50ReceivingMs', 'p99ReceivingMs', 'failedClients', 'retries', 'peerCpuSeconds', 'workersCpuSeconds', 'setupCpuMsPerClient', 'flowCores', 'flowServerCores'] as const;
const CORES = availableParallelism();

interface Storm {
  readonly dropped: number;
  readonly back: number;
  readonly receiving: number;
  readonly failed: number;
  readonly retries: number;
  /** ms from the drop until the last client was resubscribed / receiving; null when some never were. */
  readonly allResubscribedMs: number | null;
  readonly allReceivingMs: number | null;
  readonly p50ReceivingMs: number | null;
  readonly p99ReceivingMs: number | null;
  /** CPU seconds the peer's processes used from the drop until the storm settled, and the load generator's. */
  readonly peerCpuSeconds: number;
  readonly workersCpuSeconds: number;
  readonly peerRssAfterBytes: number;
  readonly errors: readonly string[];
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function storm(pool: LoadWorkerPool, peer: RunningPeer): Promise<Storm> {
  const cpuBefore = peer.pids.reduce((a, pid) => a + readCpuSeconds(pid), 0);
  // Every worker gets the command well before the moment; they all drop at once.
  const atNs = wallClockNs() + (quick ? 0.3e9 : 1e9);
  const replies: StormReply[] = await pool.all(() => ({ type: 'storm', atNs, spreadMs: SPREAD_MS, timeoutMs: STORM_TIMEOUT_MS }), 'stormed', STORM_TIMEOUT_MS + 30_000);
  const peerCpuSeconds = peer.pids.reduce((a, pid) => a + readCpuSeconds(pid), 0) - cpuBefore;
  const resubscribed = replies.flatMap((r) => r.resubscribedMs).sort((a, b) => a - b);
  const receiving = replies.flatMap((r) => r.receivingMs).sort((a, b) => a - b);
  const dropped = replies.reduce((a, r) => a + r.dropped, 0);
  const failed = replies.reduce((a, r) => a + r.failed, 0);
  return {
    dropped,
    back: resubscribed.length,
    receiving: receiving.length,
    failed,
    retries: replies.reduce((a, r) => a + r.retries, 0),
    allResubscribedMs: resubscribed.length === dropped ? round(resubscribed.at(-1) ?? 0, 1) : null,
    allReceivingMs: receiving.length === dropped ? round(receiving.at(-1) ?? 0, 1) : null,
    p50ReceivingMs: quantile(receiving, 0.5),
    p99ReceivingMs: quantile(receiving, 0.99),
    peerCpuSeconds: round(peerCpuSeconds),
    workersCpuSeconds: round(replies.reduce((a, r) => a + r.cpuSeconds, 0)),
    peerRssAfterBytes: peerRss(peer),
    errors: replies.flatMap((r) => r.errors).slice(0, 5),
  };
}

async function main(): Promise<void> {
  const upstream = await startUpstream(SYMBOLS);
  const pool = LoadWorkerPool.start(WORKERS, WORKER_SCRIPT);
  const bus = await connectNatsBus({ servers: upstream.nats.url, name: 'bench-reconnect-storm-publisher' });
  try {
    const plan = fullPlan(upstream, SUBSCRIPTIONS);
    const order = interleavedSymbolOrder(SYMBOLS, SUBSCRIPTIONS);
    const result = await runPeers({ peers: PEER_LIST, runs: 1, reference: REFERENCE, metrics: METRICS, keepGoing: !quick, quietWaitMs: quick ? 0 : QUIET_WAIT_MS, scenario: 'reconnect-storm' }, async (name) => {
      const peer = await startPeer(name, { upstream, clients: CLIENTS, edgeEnv: EDGE_ENV, haproxyConfig: HAPROXY_CONFIG_USED, edgeCpuProfDir: edgeCpuProfFlag(argv) });
      const publisher = await publisherFor(peer, upstream, bus);
      // CPU seconds the peer's processes and the load generator's have used so far.
      const cpuNow = async (): Promise<{ server: number; all: number }> => {
        const server = peer.pids.reduce((a, pid) => a + readCpuSeconds(pid), 0);
        return { server, all: server + (await tallies(pool, false)).reduce((a, r) => a + r.cpuSeconds, 0) };
      };
      let ticks: BackgroundTicks | undefined;
      try {
        const cpuBeforeSetup = await cpuNow();
        const opened = await openClients(pool, peer, plan, CLIENTS, { concurrency: 200 });
        const cpuAfterSetup = await cpuNow();
        const setupCpuSeconds = cpuAfterSetup.all - cpuBeforeSetup.all;
        log(`reconnect-storm: ${name}: ${CLIENTS} clients connected and subscribed in ${opened.seconds.toFixed(1)} s, on ${setupCpuSeconds.toFixed(1)} s of CPU (server ${(cpuAfterSetup.server - cpuBeforeSetup.server).toFixed(1)} s)`);
        ticks = new BackgroundTicks(upstream.ticks, publisher.bus, RATE, order);
        await sleep(FLOWING_MS);
        const cpuBeforeFlow = await cpuNow();
        const flowStarted = performance.now();
        await sleep(FLOW_MEASURE_MS);
        const cpuAfterFlow = await cpuNow();
        const flowSeconds = (performance.now() - flowStarted) / 1e3;
        const flowCores = (cpuAfterFlow.all - cpuBeforeFlow.all) / flowSeconds;
        const flowServerCores = (cpuAfterFlow.server - cpuBeforeFlow.server) / flowSeconds;
        log(`reconnect-storm: ${name}: with every client connected the flow takes ${flowCores.toFixed(2)} of ${CORES} cores (server ${flowServerCores.toFixed(2)})`);
        const flowing = await tallies(pool, true);
        if (flowing.reduce((a, r) => a + r.tally.updates, 0) === 0) throw new Error(`${name}: no updates arrive before the storm`);
        const storms: Storm[] = [];
        for (let i = 0; i < STORMS; i++) {
          const s = await storm(pool, peer);
          storms.push(s);
          log(
            `reconnect-storm: ${name} storm ${i + 1}/${STORMS}: ${s.back}/${s.dropped} resubscribed (all by ${s.allResubscribedMs ?? 'never'} ms), ${s.receiving} receiving (all by ${s.allReceivingMs ?? 'never'} ms; p50 ${s.p50ReceivingMs} p99 ${s.p99ReceivingMs} ms), ` +
              `${s.retries} retries, CPU peer ${s.peerCpuSeconds} s, load generator ${s.workersCpuSeconds} s${s.errors.length > 0 ? `; errors: ${s.errors.join('; ')}` : ''}`,
          );
          // A storm that left clients out has answered the question for this peer; the next would start short.
          if (s.allReceivingMs === null) break;
          await sleep(PAUSE_MS);
        }
        // A storm that never completed counts as slower than any that did.
        const med = (key: 'allReceivingMs' | 'allResubscribedMs' | 'p50ReceivingMs' | 'p99ReceivingMs'): number | null => {
          const m = medianOf(storms.map((s) => s[key] ?? Number.POSITIVE_INFINITY));
          return m === null || !Number.isFinite(m) ? null : m;
        };
        return {
          figures: {
            allReceivingMs: med('allReceivingMs'),
            allResubscribedMs: med('allResubscribedMs'),
            p50ReceivingMs: med('p50ReceivingMs'),
            p99ReceivingMs: med('p99ReceivingMs'),
            failedClients: Math.max(...storms.map((s) => s.failed)),
            retries: medianOf(storms.map((s) => s.retries)),
            peerCpuSeconds: medianOf(storms.map((s) => s.peerCpuSeconds)),
            workersCpuSeconds: medianOf(storms.map((s) => s.workersCpuSeconds)),
            setupCpuMsPerClient: round((setupCpuSeconds / CLIENTS) * 1e3, 3),
            flowCores: round(flowCores),
            flowServerCores: round(flowServerCores),
          },
          detail: storms,
        };
      } finally {
        await ticks?.stop();
        await closeClients(pool);
        await publisher.release();
        await peer.stop();
      }
    });
    // The goal holds for Tickwire as deployed: one process, and the processes of one machine on one port.
    const stormGoal = (peer: PeerName): Record<string, unknown> => {
      const measured = result.peers[peer]?.['allReceivingMs'] ?? null;
      return { label: `${CLIENTS.toLocaleString('en-US')}-client storm, ${PEERS[peer].label}: all receiving again`, measured, unit: 'ms', comparison: '<', target: GOAL_MS, met: measured !== null && measured < GOAL_MS };
    };
    printResult({
      scenario: 'reconnect-storm',
      clients: CLIENTS,
      subscriptionsPerClient: SUBSCRIPTIONS,
      symbols: SYMBOLS,
      spreadMs: SPREAD_MS,
      publishedPerSec: RATE,
      edgeAdmissionRate: Number(EDGE_ENV['ADMISSION_RATE']),
      storms: STORMS,
      workers: WORKERS,
      haproxyConfig: relative(REPO_ROOT, HAPROXY_CONFIG_USED),
      reference: REFERENCE,
      peerLabels: Object.fromEntries(PEER_LIST.map((p) => [p, PEERS[p].label])),
      peers: result.peers,
      ratios: result.ratios,
      cores: CORES,
      goals: { stormUnder10s: stormGoal(REFERENCE), ...(PEER_LIST.includes('edge-p2') ? { stormUnder10sOnePort: stormGoal('edge-p2') } : {}) },
      perRun: result.perRun,
      errors: result.errors,
      loadAverage: result.loadAverage.map((v) => round(v)),
      othersCores: result.othersCores,
      node: process.version,
    });
  } finally {
    await bus.close();
    pool.close();
    await upstream.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
