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
}

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
    description: 'ingest pipeline (BinaryFILE -> check/route/batch -> RawBatch) publishing into a real local nats-server, until flushed',
    project: '@tickwire/ingest',
    script: 'apps/ingest/dist-bench/bench/ingest.bench.js',
    headline: [
      { key: 'messages', label: 'messages', unit: '' },
      { key: 'medianMsgsPerSec', label: 'median throughput', unit: 'msg/s' },
      { key: 'medianMBPerSec', label: 'median throughput', unit: 'MB/s' },
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
    description: 'the snapshot service absorbing full-state MarketUpdates (8,000 symbols) from a real local nats-server with coalesced writes to a real local redis-server; GetSnapshots of 100 symbols over loopback gRPC',
    project: '@tickwire/snapshot',
    script: 'apps/snapshot/dist-bench/bench/snapshot.bench.js',
    headline: [
      { key: 'medianUpdatesPerSec', label: 'median updates absorbed via NATS', unit: 'updates/s' },
      { key: 'medianNatsNoopMsgsPerSec', label: 'median NATS with a no-op handler', unit: 'msg/s' },
      { key: 'medianIntakeUpdatesPerSec', label: 'median intake in-process', unit: 'updates/s' },
      { key: 'coalescingRatio', label: 'coalescing (updates per Redis write)', unit: '' },
      { key: 'getSnapshots100P50Ms', label: 'GetSnapshots x100 p50', unit: 'ms' },
      { key: 'getSnapshots100P99Ms', label: 'GetSnapshots x100 p99', unit: 'ms' },
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
    description: 'one edge process (apps/edge/dist/main.js) holding N idle WebSocket connections, each authenticated and subscribed to 20 symbols, from load-generator worker processes; RSS per connection next to a plain ws server in the same run',
    project: '@tickwire/loadgen',
    script: 'tools/loadgen/dist-bench/bench/edge-connections.bench.js',
    headline: [
      { key: 'connectionsHeld', label: 'connections held', unit: '' },
      { key: 'edgeBytesPerConnection', label: 'edge RSS per connection', unit: 'bytes' },
      { key: 'edgeBytesPerConnectionAfterGc', label: 'edge RSS per connection after a full GC', unit: 'bytes' },
      { key: 'plainWsBytesPerConnection', label: 'plain ws RSS per connection', unit: 'bytes' },
      { key: 'edgeToPlainWsRatio', label: 'edge / plain ws', unit: 'x' },
    ],
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
    ],
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
