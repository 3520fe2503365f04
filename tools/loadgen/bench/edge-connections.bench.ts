// Idle connections, side by side: N clients, each subscribed to 20 of 200 symbols (acknowledged; the edge
// authenticates each with `?token=` and sends the snapshots), held by each peer in turn: the edge, two edges
// behind HAProxy, nats-server's WebSocket listener, Socket.IO with rooms, a plain `ws` broadcast server.
// Memory per connection = (RSS with N - RSS with none) / N, summed over the peer's processes: settled (the
// median of several reads), and after a full GC forced through the inspector in the Node processes. CPU per
// connection: to set one up (the peer's CPU while they open / N) and to hold it idle (heartbeats, pings:
// CPU over an idle window / window / N). Clients come from several load-generator processes and source
// addresses 127.0.0.1..127.0.0.16 (open-file limit, ephemeral ports). First, the floor under all of them:
// what Node itself keeps per idle connection in a process that holds sockets and nothing else, accepted by a
// bare net.Server and through node:http's upgrade path (connection-floor.ts).
// One scenario: `npm run bench -- edge-connections [--quick] --json` (`--peers edge,nats-ws`, `--runs 1`).
import { intFlag, printResult } from '@tickwire/bench-kit';
import { DEFAULT_SOURCE_ADDRESSES, workerCountFor } from '../src/connection-plan';
import { LoadWorkerPool } from '../src/load-worker-pool';
import { readCpuSeconds } from '../src/process-sampler';
import { edgeEnvFlags, edgeMetrics, log, sleep, startUpstream, WORKER_SCRIPT } from './edge-rig';
import { measureConnectionFloor } from './connection-floor';
import { closeClients, collectPeerGarbage, fullPlan, openClients, round, settledPeerRss } from './peer-load';
import { edgeCpuProfFlag, haproxyConfigFlag, PEERS, peersFlag, startPeer, type PeerName, type RunningPeer } from './peer-rig';
import { QUIET_WAIT_MS, runPeers } from './peer-runs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const CONNECTIONS = intFlag(argv, '--connections', quick ? 1_000 : 10_000);
const SUBSCRIPTIONS = intFlag(argv, '--subscriptions', 20);
const SYMBOLS = intFlag(argv, '--symbols', 200);
const WORKERS = intFlag(argv, '--workers', workerCountFor(CONNECTIONS));
const CONCURRENCY = intFlag(argv, '--concurrency', 100);
const RUNS = intFlag(argv, '--runs', quick ? 1 : 3);
/** The idle window over which CPU is measured: long enough to hold a full heartbeat cycle of the edge (15 s) and Socket.IO (25 s). */
const IDLE_MS = intFlag(argv, '--idle-ms', quick ? 1_000 : 30_000);
const SETTLE_MS = quick ? 300 : 2_000;
const RSS_READS = quick ? 3 : 5;
/** A full GC before each memory read (through the inspector): the full run only (it costs seconds per peer). */
const FORCE_GC = !quick;
const PEER_LIST = peersFlag(argv, ['edge', 'edge-p2', 'edge-x2', 'nats-ws', 'socketio', 'plain-ws']);
const REFERENCE: PeerName = PEER_LIST.includes('edge') ? 'edge' : PEER_LIST[0]!;
const METRICS = ['bytesPerConnection', 'bytesPerConnectionAfterGc', 'idleCpuUsPerSecPerConnection', 'setupCpuUsPerConnection', 'openSeconds'] as const;

function cpuSeconds(peer: RunningPeer): number {
  return peer.pids.reduce((a, pid) => a + readCpuSeconds(pid), 0);
}

interface Detail {
  readonly rss0: number;
  readonly rssN: number;
  readonly rss0AfterGc: number | null;
  readonly rssNAfterGc: number | null;
  readonly edgeConnections: number | null;
  readonly edgeSubscriptions: number | null;
  readonly edgeHeapBytesPerConnectionAfterGc: number | null;
}

async function edgeView(peer: RunningPeer): Promise<{ connections: number; subscriptions: number; heap: number } | null> {
  if (peer.opsPorts.length === 0) return null;
  let connections = 0;
  let subscriptions = 0;
  let heap = 0;
  for (const port of peer.opsPorts) {
    const m = await edgeMetrics(port);
    connections += m.sum('tickwire_edge_connections');
    subscriptions += m.sum('tickwire_edge_subscriptions');
    heap += m.sum('nodejs_heap_size_used_bytes');
  }
  return { connections, subscriptions, heap };
}

async function main(): Promise<void> {
  const floorOptions = { connections: CONNECTIONS, clients: WORKERS, addressCount: DEFAULT_SOURCE_ADDRESSES };
  const floors = { net: await measureConnectionFloor('net', floorOptions), httpUpgrade: await measureConnectionFloor('http-upgrade', floorOptions) };
  for (const floor of Object.values(floors)) log(`edge-connections: floor (${floor.mode}, a process holding sockets and nothing else): ${floor.bytesPerConnection} bytes per connection settled, ${floor.bytesPerConnectionAfterGc} after a full GC`);
  const upstream = await startUpstream(SYMBOLS);
  const pool = LoadWorkerPool.start(WORKERS, WORKER_SCRIPT);
  try {
    const plan = fullPlan(upstream, SUBSCRIPTIONS);
    const result = await runPeers({ peers: PEER_LIST, runs: RUNS, reference: REFERENCE, metrics: METRICS, keepGoing: !quick, quietWaitMs: quick ? 0 : QUIET_WAIT_MS, scenario: 'edge-connections' }, async (name) => {
      const peer = await startPeer(name, { upstream, clients: CONNECTIONS, inspect: FORCE_GC, edgeEnv: edgeEnvFlags(argv), haproxyConfig: haproxyConfigFlag(argv), edgeCpuProfDir: edgeCpuProfFlag(argv) });
      try {
        const rss0 = await settledPeerRss(peer, SETTLE_MS, RSS_READS);
        const gc = await collectPeerGarbage(peer);
        const rss0AfterGc = gc ? await settledPeerRss(peer, SETTLE_MS / 2, RSS_READS) : null;
        const heap0 = (await edgeView(peer))?.heap ?? 0;
        const cpuBeforeOpen = cpuSeconds(peer);
        const opened = await openClients(pool, peer, plan, CONNECTIONS, { concurrency: CONCURRENCY });
        const setupCpu = cpuSeconds(peer) - cpuBeforeOpen;
        const rssN = await settledPeerRss(peer, SETTLE_MS, RSS_READS);
        const cpuBeforeIdle = cpuSeconds(peer);
        const idleStarted = performance.now();
        await sleep(IDLE_MS);
        const idleCpu = cpuSeconds(peer) - cpuBeforeIdle;
        const idleSeconds = (performance.now() - idleStarted) / 1e3;
        if (gc) await collectPeerGarbage(peer);
        const rssNAfterGc = gc ? await settledPeerRss(peer, SETTLE_MS / 2, RSS_READS) : null;
        const view = await edgeView(peer);
        log(
          `edge-connections: ${name}: ${CONNECTIONS} held (opened in ${opened.seconds.toFixed(1)} s); RSS ${(rss0 / 2 ** 20).toFixed(1)} -> ${(rssN / 2 ** 20).toFixed(1)} MiB` +
            `${rssNAfterGc === null ? '' : ` (after GC ${(rss0AfterGc! / 2 ** 20).toFixed(1)} -> ${(rssNAfterGc / 2 ** 20).toFixed(1)})`}; CPU setup ${setupCpu.toFixed(2)} s, idle ${idleCpu.toFixed(2)} s over ${idleSeconds.toFixed(1)} s` +
            `${view === null ? '' : `; edge reports ${view.connections} connections, ${view.subscriptions} subscriptions`}`,
        );
        const detail: Detail = {
          rss0,
          rssN,
          rss0AfterGc,
          rssNAfterGc,
          edgeConnections: view?.connections ?? null,
          edgeSubscriptions: view?.subscriptions ?? null,
          edgeHeapBytesPerConnectionAfterGc: view === null ? null : Math.round((view.heap - heap0) / CONNECTIONS),
        };
        return {
          figures: {
            bytesPerConnection: Math.round((rssN - rss0) / CONNECTIONS),
            bytesPerConnectionAfterGc: rssNAfterGc === null ? null : Math.round((rssNAfterGc - rss0AfterGc!) / CONNECTIONS),
            idleCpuUsPerSecPerConnection: round(((idleCpu / idleSeconds) * 1e6) / CONNECTIONS, 3),
            setupCpuUsPerConnection: Math.round((setupCpu * 1e6) / CONNECTIONS),
            openSeconds: round(opened.seconds, 1),
          },
          detail,
        };
      } finally {
        await closeClients(pool);
        await peer.stop();
      }
    });
    const fig = (peer: PeerName, key: string): number | null => result.peers[peer]?.[key] ?? null;
    const ratio = (peer: PeerName, key: string): number | null => result.ratios[peer]?.[key] ?? null;
    const halfOf = (peer: PeerName): Record<string, unknown> => ({
      label: `${REFERENCE} / ${PEERS[peer].label}, RSS per connection (settled)`,
      measured: ratio(peer, 'bytesPerConnection'),
      unit: 'x',
      comparison: '<=',
      target: 0.5,
      met: (ratio(peer, 'bytesPerConnection') ?? Number.POSITIVE_INFINITY) <= 0.5,
    });
    printResult({
      scenario: 'edge-connections',
      connections: CONNECTIONS,
      connectionsHeld: CONNECTIONS,
      subscriptionsPerConnection: SUBSCRIPTIONS,
      mode: 'full',
      idleSeconds: IDLE_MS / 1e3,
      runs: RUNS,
      reference: REFERENCE,
      peerLabels: Object.fromEntries(PEER_LIST.map((p) => [p, PEERS[p].label])),
      peers: result.peers,
      ratios: result.ratios,
      goals: { edgeVsNatsWsMemory: halfOf('nats-ws'), edgeVsSocketioMemory: halfOf('socketio') },
      // The figures this scenario reported before the peers joined it (edge and plain ws), as medians.
      edgeBytesPerConnection: fig('edge', 'bytesPerConnection'),
      edgeBytesPerConnectionAfterGc: fig('edge', 'bytesPerConnectionAfterGc'),
      plainWsBytesPerConnection: fig('plain-ws', 'bytesPerConnection'),
      plainWsBytesPerConnectionAfterGc: fig('plain-ws', 'bytesPerConnectionAfterGc'),
      edgeToPlainWsRatio: ratio('plain-ws', 'bytesPerConnection'),
      edgeToPlainWsRatioAfterGc: ratio('plain-ws', 'bytesPerConnectionAfterGc'),
      targetBytesPerConnection: 4096,
      connectionFloor: floors,
      edgeToHttpUpgradeFloorAfterGc: fig('edge', 'bytesPerConnectionAfterGc') === null ? null : round(fig('edge', 'bytesPerConnectionAfterGc')! / floors.httpUpgrade.bytesPerConnectionAfterGc),
      perRun: result.perRun,
      errors: result.errors,
      loadAverage: result.loadAverage.map((v) => round(v)),
      othersCores: result.othersCores,
      workers: WORKERS,
      sourceAddresses: DEFAULT_SOURCE_ADDRESSES,
      node: process.version,
    });
  } finally {
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
