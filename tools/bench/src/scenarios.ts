/**
 * Every benchmark scenario, in one place. A scenario is a compiled script (one `bench/<case>.bench.ts`
 * per case in the project it measures) that accepts `--quick` and prints one JSON object as its last
 * line of stdout. `headline` names the figures the Markdown report shows.
 */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Nx project whose `build-bench` target produces `script`. */
  readonly project: string;
  /** Path from the repository root. */
  readonly script: string;
  readonly headline: readonly { readonly key: string; readonly label: string; readonly unit: string }[];
  /**
   * A comparison with peers: the result carries `peers` (per peer, the median of each figure), `ratios`
   * (reference / peer, median of the per-run ratios), `reference`, `peerLabels` and `goals`; the report shows
   * one table with a row per peer and a column per metric.
   */
  readonly peers?: { readonly metrics: readonly PeerMetric[]; readonly plot?: 'fanout-latency' };
}

/** A column of a peer table. `better` says which way a ratio reference / peer is good news. */
export interface PeerMetric {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
}

/** The scenarios that compare Tickwire with peers (the quick CI smoke runs these). */
export const PEER_SCENARIOS = ['edge-connections', 'peers-fanout', 'reconnect-storm', 'slow-consumers'] as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'itch-decode',
    description: 'ITCH 5.0 BinaryFILE framing + zero-allocation decode on one core, in-memory generated file',
    project: '@tickwire/itch',
    script: 'libs/itch/dist-bench/bench/decode.bench.js',
    headline: [
      { key: 'messages', label: 'messages', unit: '' },
      { key: 'medianMsgsPerSec', label: 'median throughput', unit: 'msg/s' },
      { key: 'medianNsPerMsg', label: 'median cost', unit: 'ns/msg' },
    ],
  },
  {
    name: 'ingest-nats',
    description: 'ingest pipeline (BinaryFILE -> check/route/batch -> RawBatch) publishing into a real local nats-server, until flushed; then the same into a JetStream stream with every batch kept until acknowledged (RAW_STREAM, one batch in flight per shard), runs alternating',
    project: '@tickwire/ingest',
    script: 'apps/ingest/dist-bench/bench/ingest.bench.js',
    headline: [
      { key: 'messages', label: 'messages', unit: '' },
      { key: 'medianMsgsPerSec', label: 'median throughput', unit: 'msg/s' },
      { key: 'medianMBPerSec', label: 'median throughput', unit: 'MB/s' },
      { key: 'medianAckedMsgsPerSec', label: 'median throughput, acked into RAW_STREAM', unit: 'msg/s' },
      { key: 'ackedToPlainRatio', label: 'acked / plain', unit: 'x' },
    ],
  },
  {
    name: 'book-apply',
    description: 'ITCH events through BinaryFILE framing, the view decoder and BookSet.apply (books, trades, change bits), one core, generated day',
    project: '@tickwire/book',
    script: 'libs/book/dist-bench/bench/book.bench.js',
    headline: [
      { key: 'messages', label: 'messages', unit: '' },
      { key: 'medianEventsPerSec', label: 'median throughput', unit: 'events/s' },
      { key: 'medianNsPerEvent', label: 'median cost', unit: 'ns/event' },
    ],
  },
  {
    name: 'normalizer',
    description: 'the whole normalizer on one core: md.raw batch decode, books, change bits, throttle (20/s per symbol), MarketUpdate encode and publish (in-memory bus)',
    project: '@tickwire/normalizer',
    script: 'apps/normalizer/dist-bench/bench/normalizer.bench.js',
    headline: [
      { key: 'messages', label: 'events', unit: '' },
      { key: 'medianEventsPerSec', label: 'median throughput', unit: 'events/s' },
      { key: 'updatesPublished', label: 'updates published', unit: '' },
    ],
  },
  {
    name: 'snapshot',
    description:
      'the snapshot service absorbing full-state MarketUpdates (8,000 symbols) from a real local nats-server, published by another process as prepared PUB frames, with coalesced writes to a real local redis-server: updates/s and the CPU the service spends per update; GetSnapshots of 100 symbols over loopback gRPC from a client in another process, with the absorb load stopped and while the same process absorbs',
    project: '@tickwire/snapshot',
    script: 'apps/snapshot/dist-bench/bench/snapshot.bench.js',
    headline: [
      { key: 'medianUpdatesPerSec', label: 'median updates absorbed via NATS', unit: 'updates/s' },
      { key: 'medianServiceCpuUsPerUpdate', label: 'median service CPU per update', unit: 'µs' },
      { key: 'medianNatsNoopMsgsPerSec', label: 'median NATS with a no-op handler', unit: 'msg/s' },
      { key: 'medianIntakeUpdatesPerSec', label: 'median intake in-process', unit: 'updates/s' },
      { key: 'coalescingRatio', label: 'coalescing (updates per Redis write)', unit: '' },
      { key: 'getSnapshots100P50Ms', label: 'GetSnapshots x100 p50', unit: 'ms' },
      { key: 'getSnapshots100P99Ms', label: 'GetSnapshots x100 p99', unit: 'ms' },
      { key: 'getSnapshots100P999Ms', label: 'GetSnapshots x100 p99.9', unit: 'ms' },
      { key: 'getSnapshots100DuringAbsorbP99Ms', label: 'GetSnapshots x100 p99 while absorbing', unit: 'ms' },
      { key: 'getSnapshots100DuringAbsorbP999Ms', label: 'GetSnapshots x100 p99.9 while absorbing', unit: 'ms' },
      { key: 'getSnapshots100ReadsOnlyReplicaDuringAbsorbP99Ms', label: 'GetSnapshots x100 p99 from a reads-only replica while another process absorbs', unit: 'ms' },
      { key: 'getSnapshots100ReadsOnlyReplicaDuringAbsorbP999Ms', label: 'GetSnapshots x100 p99.9 from a reads-only replica while another process absorbs', unit: 'ms' },
      { key: 'getSnapshots1P99Ms', label: 'GetSnapshots x1 p99', unit: 'ms' },
      { key: 'http2FloorP99Ms', label: 'the floor: plain node:http2 round trip of the same sizes, p99', unit: 'ms' },
    ],
  },
  {
    name: 'market-sim-generate',
    description: 'the deterministic ITCH day generator: messages/s into a buffer and as an in-memory BinaryFILE',
    project: '@tickwire/market-sim',
    script: 'libs/market-sim/dist-bench/bench/generate.bench.js',
    headline: [
      { key: 'messages', label: 'messages', unit: '' },
      { key: 'nextIntoMessagesPerSec', label: 'median generation', unit: 'msg/s' },
    ],
  },
  {
    name: 'edge-connections',
    description: 'idle connections, side by side: N clients x 20 of 200 symbols (subscribed, acknowledged) held by the edge, two edge processes on one port (after a forced GC: n/a), two edges behind HAProxy, nats-server WebSocket, Socket.IO and a plain ws server, in turn; memory per connection (RSS delta / N, settled and after a forced GC) and CPU per connection (setup, and idle over 30 s)',
    project: '@tickwire/loadgen',
    script: 'tools/loadgen/dist-bench/bench/edge-connections.bench.js',
    headline: [
      { key: 'connectionsHeld', label: 'connections held', unit: '' },
      { key: 'edgeBytesPerConnection', label: 'edge RSS per connection', unit: 'bytes' },
      { key: 'edgeBytesPerConnectionAfterGc', label: 'edge RSS per connection after a full GC', unit: 'bytes' },
      { key: 'plainWsBytesPerConnection', label: 'plain ws RSS per connection', unit: 'bytes' },
      { key: 'edgeToPlainWsRatio', label: 'edge / plain ws', unit: 'x' },
    ],
    peers: {
      metrics: [
        { key: 'bytesPerConnection', label: 'RSS per connection', unit: 'B', better: 'lower' },
        { key: 'bytesPerConnectionAfterGc', label: 'RSS per connection after GC', unit: 'B', better: 'lower' },
        { key: 'idleCpuUsPerSecPerConnection', label: 'idle CPU per connection', unit: 'µs/s', better: 'lower' },
        { key: 'setupCpuUsPerConnection', label: 'CPU to set one up', unit: 'µs', better: 'lower' },
        { key: 'openSeconds', label: 'time to open all', unit: 's', better: 'lower' },
      ],
    },
  },
  {
    name: 'edge-fanout',
    description: 'one edge process fanning md.tick MarketUpdates (local NATS, controlled rate, stepped up) out to M binary-protocol connections x 20 of 200 symbols; delivered updates/s with p50/p99 receive - publish latency from load-generator workers',
    project: '@tickwire/loadgen',
    script: 'tools/loadgen/dist-bench/bench/edge-fanout.bench.js',
    headline: [
      { key: 'connections', label: 'connections', unit: '' },
      { key: 'maxDeliveredPerSec', label: 'delivered with p99 < 20 ms', unit: 'updates/s' },
      { key: 'maxAllDeliveredPerSec', label: 'delivered, all (any latency)', unit: 'updates/s' },
      { key: 'p99MsAtMaxAllDelivered', label: 'p99 latency at that rate', unit: 'ms' },
      { key: 'edgeCpuAtMaxAllDelivered', label: 'edge CPU at that rate', unit: 'cores' },
      { key: 'edgeCpuPerFrameToFloorWriter', label: 'edge CPU per frame / the socket floor writer\'s per write', unit: 'x' },
      { key: 'targetUpdatesPerFrameAtCeiling', label: 'updates per frame 1M/s needs at the socket floor (all cores writing and reading)', unit: '' },
      { key: 'targetFrameIntervalMsAtCeiling', label: 'so each client waits between frames', unit: 'ms' },
    ],
  },
  {
    name: 'peers-fanout',
    description: 'fan-out, side by side: 5,000 clients x 20 of 200 symbols (full updates, fan-out 500) against each peer in turn, the delivered rate stepped up (x2 from 25k/s, then narrowed) until p99 passes 50 ms; one publisher, one NATS, one load generator',
    project: '@tickwire/loadgen',
    script: 'tools/loadgen/dist-bench/bench/peers-fanout.bench.js',
    headline: [],
    peers: {
      plot: 'fanout-latency',
      metrics: [
        { key: 'maxDeliveredPerSec', label: 'delivered with p99 <= 50 ms', unit: 'updates/s', better: 'higher' },
        { key: 'p50Ms', label: 'p50 there', unit: 'ms', better: 'lower' },
        { key: 'p95Ms', label: 'p95 there', unit: 'ms', better: 'lower' },
        { key: 'p99Ms', label: 'p99 there', unit: 'ms', better: 'lower' },
        { key: 'p999Ms', label: 'p99.9 there', unit: 'ms', better: 'lower' },
        { key: 'p50MsAtCommonRate', label: 'p50 at 50k/s', unit: 'ms', better: 'lower' },
        { key: 'p99MsAtCommonRate', label: 'p99 at 50k/s', unit: 'ms', better: 'lower' },
        { key: 'peerCpuAtMax', label: 'server CPU at max', unit: 'cores', better: 'lower' },
        { key: 'deliveredPerPeerCore', label: 'delivered per server core', unit: 'updates/s', better: 'higher' },
      ],
    },
  },
  {
    name: 'reconnect-storm',
    description: 'market-open reconnect storm: 19,000 clients x 20 of 200 symbols, receiving, all drop at once and reconnect within 2 s (full-jitter retries); time until all are resubscribed and receiving again; Tickwire as one edge process (the reference), as 2 edge processes on one port (`PROCESSES=2`) and as 2 edges behind HAProxy (infra/haproxy/haproxy.cfg), the peers as single processes, the edges admitting 3,000 upgrades/s per process; median of 3 storms; per peer also the CPU a client\'s setup takes with no update flowing, and the cores the flow (one update per client every 250 ms) takes once all are connected',
    project: '@tickwire/loadgen',
    script: 'tools/loadgen/dist-bench/bench/reconnect-storm.bench.js',
    headline: [],
    peers: {
      metrics: [
        { key: 'allReceivingMs', label: 'all receiving again', unit: 'ms', better: 'lower' },
        { key: 'allResubscribedMs', label: 'all resubscribed', unit: 'ms', better: 'lower' },
        { key: 'p50ReceivingMs', label: 'p50 receiving', unit: 'ms', better: 'lower' },
        { key: 'p99ReceivingMs', label: 'p99 receiving', unit: 'ms', better: 'lower' },
        { key: 'failedClients', label: 'never back (60 s)', unit: '', better: 'lower' },
        { key: 'retries', label: 'refused attempts', unit: '', better: 'lower' },
        { key: 'peerCpuSeconds', label: 'server CPU per storm', unit: 's', better: 'lower' },
        { key: 'workersCpuSeconds', label: 'load generator CPU per storm', unit: 's', better: 'lower' },
        { key: 'setupCpuMsPerClient', label: 'CPU to set up a client, no flow (server + load generator)', unit: 'ms', better: 'lower' },
        { key: 'flowCores', label: 'CPU the flow takes, all connected (server + load generator)', unit: 'cores', better: 'lower' },
        { key: 'flowServerCores', label: 'of which the server', unit: 'cores', better: 'lower' },
      ],
    },
  },
  {
    name: 'slow-consumers',
    description: 'slow consumers mixed in: 2,000 healthy clients x 20 of 200 symbols at 40k updates/s delivered, then 100 clients subscribed to every symbol stop reading for 45 s; the healthy clients\' latency alone, while the stalled buffers fill (15 s), and once the server holds the backlog (30 s)',
    project: '@tickwire/loadgen',
    script: 'tools/loadgen/dist-bench/bench/slow-consumers.bench.js',
    headline: [],
    peers: {
      metrics: [
        { key: 'p99MsBaseline', label: 'healthy p99 alone', unit: 'ms', better: 'lower' },
        { key: 'p99MsFilling', label: 'healthy p99, buffers filling', unit: 'ms', better: 'lower' },
        { key: 'p99MsBacklogged', label: 'healthy p99, backlog held', unit: 'ms', better: 'lower' },
        { key: 'p99Change', label: 'worst p99 / p99 alone', unit: 'x', better: 'lower' },
        { key: 'healthyLost', label: 'healthy updates lost', unit: '', better: 'lower' },
        { key: 'stalledClosed', label: 'stalled clients closed', unit: '', better: 'higher' },
        { key: 'peerRssGrowthMiB', label: 'server memory growth', unit: 'MiB', better: 'lower' },
      ],
    },
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
