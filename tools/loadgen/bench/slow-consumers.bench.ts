// Slow consumers mixed in, side by side: H healthy clients x 20 of 200 symbols receive a steady fan-out
// (`--rate` delivered/s to them) while their latency is measured: first alone (baseline), then after S stalled
// clients join, each subscribed to every symbol and then never reading again (the socket is paused: the
// kernel buffers fill, then the server's). Two windows after the stall (45 s in all): while the buffers fill
// (the first third), and once the server is holding the backlog (the rest). The healthy clients' latency should not move; per peer: their p50/p99 in
// each window, p99 with / without, how many stalled clients the peer closed, and how its memory grew.
// One scenario: `npm run bench -- slow-consumers [--quick] --json` (`--peers edge,plain-ws`, `--runs 1`).
import { intFlag, printResult } from '@tickwire/bench-kit';
import { connectNatsBus } from '@tickwire/bus';
import { subscribersPerSymbol } from '../src/connection-plan';
import { LoadWorkerPool } from '../src/load-worker-pool';
import { edgeEnvFlags, edgeMetrics, log, startUpstream, WORKER_SCRIPT } from './edge-rig';
import { closeClients, cpuPidsOf, fullPlan, openClients, peerRss, publisherFor, round, runStep, tallies, type StepContext, type StepResult } from './peer-load';
import { edgeCpuProfFlag, haproxyConfigFlag, PEERS, peersFlag, startPeer, type PeerName, type RunningPeer } from './peer-rig';
import { QUIET_WAIT_MS, runPeers } from './peer-runs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const HEALTHY = intFlag(argv, '--healthy', quick ? 500 : 2_000);
const STALLED = intFlag(argv, '--stalled', quick ? 10 : 100);
const SUBSCRIPTIONS = intFlag(argv, '--subscriptions', 20);
const SYMBOLS = intFlag(argv, '--symbols', 200);
const WORKERS = intFlag(argv, '--workers', 2);
const RUNS = intFlag(argv, '--runs', quick ? 1 : 3);
/** Delivered updates/s to the healthy clients: well below every peer's limit (see peers-fanout). */
const RATE = intFlag(argv, '--rate', quick ? 10_000 : 40_000);
/** The baseline window (healthy clients alone). */
const WINDOW_MS = intFlag(argv, '--window-ms', quick ? 1_000 : 10_000);
/**
 * How long the stalled clients stay, split into a first third (kernel buffers filling) and the rest (the
 * server holding the backlog). Long enough for a stalled client's ~40 KB/s (protobuf) to fill the loopback
 * socket buffers (several hundred KB) and then the edge's 256 KB soft limit and 10 s slow-consumer timeout.
 */
const STALL_MS = intFlag(argv, '--stall-ms', quick ? 2_000 : 45_000);
const P99_LIMIT_MS = 50;
const PEER_LIST = peersFlag(argv, ['edge', 'nats-ws', 'socketio', 'plain-ws']);
const REFERENCE: PeerName = PEER_LIST.includes('edge') ? 'edge' : PEER_LIST[0]!;
const METRICS = ['p50MsBaseline', 'p99MsBaseline', 'p50MsFilling', 'p99MsFilling', 'p50MsBacklogged', 'p99MsBacklogged', 'p99Change', 'healthyLost', 'stalledClosed', 'peerRssGrowthMiB'] as const;

async function edgeConflated(peer: RunningPeer): Promise<number | null> {
  if (peer.opsPorts.length === 0) return null;
  let n = 0;
  for (const port of peer.opsPorts) n += (await edgeMetrics(port)).sum('tickwire_edge_conflated_updates_total');
  return n;
}

async function main(): Promise<void> {
  const upstream = await startUpstream(SYMBOLS);
  const pool = LoadWorkerPool.start(WORKERS, WORKER_SCRIPT);
  const bus = await connectNatsBus({ servers: upstream.nats.url, name: 'bench-slow-consumers-publisher' });
  try {
    const healthyPlan = fullPlan(upstream, SUBSCRIPTIONS);
    const stalledPlan = fullPlan(upstream, SYMBOLS);
    const fanout = subscribersPerSymbol(HEALTHY, SUBSCRIPTIONS, SYMBOLS);
    const result = await runPeers({ peers: PEER_LIST, runs: RUNS, reference: REFERENCE, metrics: METRICS, keepGoing: !quick, quietWaitMs: quick ? 0 : QUIET_WAIT_MS, scenario: 'slow-consumers' }, async (name) => {
      const peer = await startPeer(name, { upstream, clients: HEALTHY + STALLED, edgeEnv: edgeEnvFlags(argv), haproxyConfig: haproxyConfigFlag(argv), edgeCpuProfDir: edgeCpuProfFlag(argv) });
      const publisher = await publisherFor(peer, upstream, bus);
      try {
        await openClients(pool, peer, healthyPlan, HEALTHY);
        const ctx: StepContext = { pool, peer, upstream, bus: publisher.bus, fanout, cpuPids: cpuPidsOf(peer, pool, upstream), p99LimitMs: P99_LIMIT_MS };
        await runStep(ctx, RATE, quick ? 0.5 : 2, `slow-consumers ${name} warm-up`);
        const baseline = await runStep(ctx, RATE, WINDOW_MS / 1e3, `slow-consumers ${name} healthy only`);
        const rssBefore = peerRss(peer);
        const conflatedBefore = await edgeConflated(peer);
        await openClients(pool, peer, stalledPlan, STALLED, { start: HEALTHY, stall: true });
        const filling = await runStep(ctx, RATE, STALL_MS / 3e3, `slow-consumers ${name} + ${STALLED} stalled (filling)`);
        const backlogged = await runStep(ctx, RATE, (STALL_MS * 2) / 3e3, `slow-consumers ${name} + ${STALLED} stalled (backlogged)`);
        const rssAfter = peerRss(peer);
        const conflatedAfter = await edgeConflated(peer);
        const replies = await tallies(pool, false);
        const stalledClosed = replies.reduce((a, r) => a + Object.values(r.stalledCloses).reduce((x, y) => x + y, 0), 0);
        const healthyLost = [filling, backlogged].reduce((a, s) => a + (s.expected - s.delivered) + s.closes, 0);
        log(`slow-consumers: ${name}: healthy p99 ${baseline.p99Ms} -> ${filling.p99Ms} -> ${backlogged.p99Ms} ms; ${stalledClosed} of ${STALLED} stalled clients closed by the peer; RSS +${((rssAfter - rssBefore) / 2 ** 20).toFixed(1)} MiB`);
        const steps: Record<string, StepResult | number | null> = { baseline, filling, backlogged, conflatedForStalled: conflatedBefore === null ? null : conflatedAfter! - conflatedBefore };
        return {
          figures: {
            p50MsBaseline: baseline.p50Ms,
            p99MsBaseline: baseline.p99Ms,
            p50MsFilling: filling.p50Ms,
            p99MsFilling: filling.p99Ms,
            p50MsBacklogged: backlogged.p50Ms,
            p99MsBacklogged: backlogged.p99Ms,
            p99Change: baseline.p99Ms > 0 ? round(Math.max(filling.p99Ms, backlogged.p99Ms) / baseline.p99Ms) : null,
            healthyLost,
            stalledClosed,
            peerRssGrowthMiB: round((rssAfter - rssBefore) / 2 ** 20, 1),
          },
          detail: steps,
        };
      } finally {
        await closeClients(pool);
        await publisher.release();
        await peer.stop();
      }
    });
    printResult({
      scenario: 'slow-consumers',
      healthyClients: HEALTHY,
      stalledClients: STALLED,
      subscriptionsPerHealthyClient: SUBSCRIPTIONS,
      subscriptionsPerStalledClient: SYMBOLS,
      deliveredPerSecToHealthy: RATE,
      windowSeconds: WINDOW_MS / 1e3,
      stallSeconds: STALL_MS / 1e3,
      runs: RUNS,
      reference: REFERENCE,
      peerLabels: Object.fromEntries(PEER_LIST.map((p) => [p, PEERS[p].label])),
      peers: result.peers,
      ratios: result.ratios,
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
