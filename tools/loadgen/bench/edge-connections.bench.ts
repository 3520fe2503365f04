// Memory per idle connection of one edge process, next to a plain `ws` server in the same run:
// (RSS with N connections - RSS with none) / N. Every edge connection is authenticated (`?token=`) and
// subscribed to 20 symbols (acknowledged, snapshots received). Clients come from several load-generator
// worker processes and source addresses 127.0.0.1..127.0.0.16 (open-file limit, ephemeral ports).
// One scenario: `npm run bench -- edge-connections [--quick] --json`.
import { intFlag, printResult } from '@tickwire/bench-kit';
import { PROTO_SUBPROTOCOL, SubscriptionMode } from '@tickwire/protocol';
import { DEFAULT_SOURCE_ADDRESSES, splitRange, workerCountFor } from '../src/connection-plan';
import { LoadWorkerPool } from '../src/load-worker-pool';
import type { OpenedReply } from '../src/worker-protocol';
import { collectGarbage, edgeEnvFlags, edgeMetrics, log, metric, settledRss, startEdgeProcess, startPlainWsProcess, startUpstream, WORKER_SCRIPT, type ChildServer } from './edge-rig';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const CONNECTIONS = intFlag(argv, '--connections', quick ? 2_000 : 10_000);
const SUBSCRIPTIONS = intFlag(argv, '--subscriptions', 20);
const SYMBOLS = intFlag(argv, '--symbols', 200);
const WORKERS = intFlag(argv, '--workers', workerCountFor(CONNECTIONS));
const CONCURRENCY = intFlag(argv, '--concurrency', 100);

interface Held {
  readonly rss0: number;
  readonly rssN: number;
  /** The same after a forced full GC (through the inspector). */
  readonly rss0AfterGc: number;
  readonly rssNAfterGc: number;
  /** V8 heap used (edge /metrics), settled and after the GC. */
  readonly heap0: number;
  readonly heapN: number;
  readonly heap0AfterGc: number;
  readonly heapNAfterGc: number;
  readonly opened: number;
  readonly failed: number;
  readonly subscriptionsOk: number;
  readonly openSeconds: number;
  readonly errors: readonly string[];
}

async function hold(pool: LoadWorkerPool, server: ChildServer, url: string, subscribe: boolean, symbols: readonly string[]): Promise<Held> {
  const heap = async (): Promise<number> => (server.opsPort > 0 ? metric(await edgeMetrics(server.opsPort), 'nodejs_heap_size_used_bytes') : 0);
  const rss0 = await settledRss(server.pid);
  const heap0 = await heap();
  await collectGarbage(server.inspectPort!);
  const rss0AfterGc = await settledRss(server.pid, 1_000);
  const heap0AfterGc = await heap();
  const ranges = splitRange(CONNECTIONS, pool.size);
  const started = performance.now();
  const replies: OpenedReply[] = await pool.all(
    (i) => ({
      type: 'open',
      url,
      start: ranges[i]!.start,
      count: ranges[i]!.count,
      addressCount: DEFAULT_SOURCE_ADDRESSES,
      ...(subscribe ? { subprotocol: PROTO_SUBPROTOCOL, subscribe: { symbols, perConnection: SUBSCRIPTIONS, mode: SubscriptionMode.QUOTE } } : {}),
      concurrency: CONCURRENCY,
      timeoutMs: 60_000,
    }),
    'opened',
  );
  const openSeconds = (performance.now() - started) / 1e3;
  const rssN = await settledRss(server.pid);
  const heapN = await heap();
  await collectGarbage(server.inspectPort!);
  const rssNAfterGc = await settledRss(server.pid, 1_000);
  const heapNAfterGc = await heap();
  const opened = replies.reduce((a, r) => a + r.open, 0);
  return { rss0, rssN, rss0AfterGc, rssNAfterGc, heap0, heapN, heap0AfterGc, heapNAfterGc, opened, failed: replies.reduce((a, r) => a + r.failed, 0), subscriptionsOk: replies.reduce((a, r) => a + r.subscriptionsOk, 0), openSeconds, errors: replies.flatMap((r) => r.errors) };
}

async function main(): Promise<void> {
  const upstream = await startUpstream(SYMBOLS);
  const pool = LoadWorkerPool.start(WORKERS, WORKER_SCRIPT);
  try {
    // The edge: authenticated, subscribed connections.
    const edge = await startEdgeProcess({ upstream, maxConnections: CONNECTIONS + 1_000, env: edgeEnvFlags(argv), inspect: true });
    let edgeHeld: Held;
    let edgeView: Map<string, number>;
    try {
      log(`edge-connections: edge pid ${edge.pid}; opening ${CONNECTIONS} connections x ${SUBSCRIPTIONS} subscriptions from ${WORKERS} workers`);
      edgeHeld = await hold(pool, edge, `ws://127.0.0.1:${edge.port}/v1/stream?token=${upstream.token}`, true, upstream.symbols);
      edgeView = await edgeMetrics(edge.opsPort);
      log(`edge-connections: edge holds ${metric(edgeView, 'tickwire_edge_connections')} connections (heap used ${(edgeHeld.heap0AfterGc / 2 ** 20).toFixed(1)} -> ${(edgeHeld.heapNAfterGc / 2 ** 20).toFixed(1)} MiB after GC), ${metric(edgeView, 'tickwire_edge_subscriptions')} subscriptions; RSS ${(edgeHeld.rss0 / 2 ** 20).toFixed(1)} -> ${(edgeHeld.rssN / 2 ** 20).toFixed(1)} MiB (after GC ${(edgeHeld.rss0AfterGc / 2 ** 20).toFixed(1)} -> ${(edgeHeld.rssNAfterGc / 2 ** 20).toFixed(1)}) in ${edgeHeld.openSeconds.toFixed(1)} s${edgeHeld.errors.length > 0 ? `; errors: ${edgeHeld.errors.join('; ')}` : ''}`);
      await pool.all(() => ({ type: 'close' }), 'closed');
    } finally {
      await edge.stop();
    }
    // The reference: a plain ws server holding as many idle connections.
    const plain = await startPlainWsProcess({ inspect: true });
    let plainHeld: Held;
    try {
      plainHeld = await hold(pool, plain, `ws://127.0.0.1:${plain.port}/`, false, []);
      log(`edge-connections: plain ws holds ${plainHeld.opened}; RSS ${(plainHeld.rss0 / 2 ** 20).toFixed(1)} -> ${(plainHeld.rssN / 2 ** 20).toFixed(1)} MiB (after GC ${(plainHeld.rss0AfterGc / 2 ** 20).toFixed(1)} -> ${(plainHeld.rssNAfterGc / 2 ** 20).toFixed(1)})`);
      await pool.all(() => ({ type: 'close' }), 'closed');
    } finally {
      await plain.stop();
    }
    const edgePerConnection = (edgeHeld.rssN - edgeHeld.rss0) / edgeHeld.opened;
    const plainPerConnection = (plainHeld.rssN - plainHeld.rss0) / plainHeld.opened;
    const perConnection = (before: number, after: number, n: number): number => Math.round((after - before) / n);
    const edgeAfterGc = (edgeHeld.rssNAfterGc - edgeHeld.rss0AfterGc) / edgeHeld.opened;
    const plainAfterGc = (plainHeld.rssNAfterGc - plainHeld.rss0AfterGc) / plainHeld.opened;
    printResult({
      scenario: 'edge-connections',
      connections: CONNECTIONS,
      connectionsHeld: edgeHeld.opened,
      connectionsFailed: edgeHeld.failed,
      subscriptionsPerConnection: SUBSCRIPTIONS,
      subscriptionsAcked: edgeHeld.subscriptionsOk,
      edgeReportedConnections: metric(edgeView, 'tickwire_edge_connections'),
      edgeReportedSubscriptions: metric(edgeView, 'tickwire_edge_subscriptions'),
      edgeRss0Bytes: edgeHeld.rss0,
      edgeRssNBytes: edgeHeld.rssN,
      edgeBytesPerConnection: Math.round(edgePerConnection),
      edgeBytesPerConnectionAfterGc: Math.round(edgeAfterGc),
      edgeHeapBytesPerConnection: perConnection(edgeHeld.heap0, edgeHeld.heapN, edgeHeld.opened),
      edgeHeapBytesPerConnectionAfterGc: perConnection(edgeHeld.heap0AfterGc, edgeHeld.heapNAfterGc, edgeHeld.opened),
      edgeRss0AfterGcBytes: edgeHeld.rss0AfterGc,
      edgeRssNAfterGcBytes: edgeHeld.rssNAfterGc,
      edgeOpenSeconds: Math.round(edgeHeld.openSeconds * 10) / 10,
      plainWsConnectionsHeld: plainHeld.opened,
      plainWsRss0Bytes: plainHeld.rss0,
      plainWsRssNBytes: plainHeld.rssN,
      plainWsBytesPerConnection: Math.round(plainPerConnection),
      plainWsBytesPerConnectionAfterGc: Math.round(plainAfterGc),
      edgeToPlainWsRatio: Math.round((edgePerConnection / plainPerConnection) * 100) / 100,
      edgeToPlainWsRatioAfterGc: Math.round((edgeAfterGc / plainAfterGc) * 100) / 100,
      targetBytesPerConnection: 4096,
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
