/**
 * Scenario `book-apply`: the normalizer's per-message work on one core. A day is generated with
 * @tickwire/market-sim into an in-memory BinaryFILE first (not timed); each run then pushes it through a
 * `BinaryFileFramer` in 64 KiB chunks, wraps an `ItchMessageView` over every record, applies it to a fresh
 * `BookSet` and reads (and clears) the change mask of the instrument it reports. Reports the median over the
 * runs (after one warm-up run), the GCs seen during timed runs (zero allocation per message => ~none), and
 * for scale the framing + view cost alone. The last stdout line is one JSON object.
 *
 *   npm run build-bench && node dist-bench/bench/book.bench.js [--quick] [--messages N] [--runs R] [--symbols S] [--json]
 */
import { intFlag, median, parseBenchOptions } from '@tickwire/bench-kit';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { BinaryFileFramer, ItchMessageView } from '@tickwire/itch';
import { MarketDayGenerator, writeBinaryFile } from '@tickwire/market-sim';
import { BookSet } from '../src/book-set';

type Options = ReturnType<typeof parseOptions>;

function parseOptions(argv: readonly string[]) {
  return { ...parseBenchOptions(argv, { messages: [10_000_000, 1_000_000], runs: [7, 5] }), symbols: intFlag(argv, '--symbols', 8000), chunk: intFlag(argv, '--chunk', 65_536) };
}

// --- the measured work (module-level: no closure or object per message) ---
const view = new ItchMessageView();
let set = new BookSet();
let changedMessages = 0;
/** Accumulator the JIT cannot drop. */
const sink = new Float64Array(1);

function onMessage(bytes: Uint8Array, offset: number, length: number): void {
  view.wrap(bytes, offset, length);
  const locate = set.apply(view);
  if (locate > 0) {
    changedMessages++;
    sink[0] += set.takeChanges(locate);
  }
}

function onMessageViewOnly(bytes: Uint8Array, offset: number, length: number): void {
  view.wrap(bytes, offset, length);
  sink[0] += view.type + view.stockLocate;
}

const gcStarts: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcStarts.push(entry.startTime);
}).observe({ entryTypes: ['gc'] });

function runOnce(file: Uint8Array, options: Options, handler: (b: Uint8Array, o: number, l: number) => void): { ns: number; messages: number; from: number; to: number } {
  // Configured as the normalizer's books are: no minute candles (apps/normalizer, docs/architecture.md).
  set = new BookSet({ initialOrderCapacity: 1048576, candles: false });
  changedMessages = 0;
  const framer = new BinaryFileFramer(handler);
  const from = performance.now();
  const start = process.hrtime.bigint();
  for (let at = 0; at < file.length; at += options.chunk) framer.push(file.subarray(at, at + options.chunk));
  framer.end();
  const ns = Number(process.hrtime.bigint() - start);
  if (framer.errors !== 0) throw new Error(`framing errors: ${framer.errors}`);
  return { ns, messages: framer.messages, from, to: performance.now() };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string): void => {
    if (!options.json) console.log(line);
  };
  const t0 = process.hrtime.bigint();
  const file = writeBinaryFile(new MarketDayGenerator({ seed: 7, symbols: options.symbols, messages: options.messages }));
  log(`generated ${(file.length / 2 ** 20).toFixed(1)} MiB (${options.symbols} symbols) in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`);

  runOnce(file, options, onMessageViewOnly);
  const viewOnly: number[] = [];
  for (let r = 0; r < 3; r++) {
    const { ns, messages } = runOnce(file, options, onMessageViewOnly);
    viewOnly.push(ns / messages);
  }

  runOnce(file, options, onMessage); // warm-up
  await settle();
  const rates: number[] = [];
  const nsPerEvent: number[] = [];
  const gcs: number[] = [];
  let messages = 0;
  for (let r = 0; r < options.runs; r++) {
    const run = runOnce(file, options, onMessage);
    await settle();
    messages = run.messages;
    rates.push((run.messages / run.ns) * 1e9);
    nsPerEvent.push(run.ns / run.messages);
    gcs.push(gcStarts.filter((t) => t >= run.from && t <= run.to).length);
    log(`run ${r + 1}: ${(rates[r]! / 1e6).toFixed(2)} M events/s (${nsPerEvent[r]!.toFixed(1)} ns/event), ${gcs[r]} GCs`);
  }
  const stats = set.stats;
  if (stats.unknownRefTotal !== 0 || stats.anomalies !== 0 || stats.invalidMessages !== 0) {
    throw new Error(`feed inconsistent: unknown refs ${stats.unknownRefTotal}, anomalies ${stats.anomalies}, invalid ${stats.invalidMessages}`);
  }
  let maxLevels = 0;
  for (const inst of set.allInstruments()) maxLevels = Math.max(maxLevels, inst.bids.length, inst.asks.length);
  console.log(
    JSON.stringify({
      scenario: 'book-apply',
      messages,
      bytes: file.length,
      symbols: options.symbols,
      runs: options.runs,
      medianEventsPerSec: Math.round(median(rates)),
      medianNsPerEvent: Number(median(nsPerEvent).toFixed(2)),
      minNsPerEvent: Number(Math.min(...nsPerEvent).toFixed(2)),
      maxNsPerEvent: Number(Math.max(...nsPerEvent).toFixed(2)),
      frameAndViewOnlyNsPerEvent: Number(median(viewOnly).toFixed(2)),
      gcsPerRunMedian: median(gcs),
      changedMessages,
      liveOrdersAtEnd: set.orders.size,
      maxLevelsPerSide: maxLevels,
      node: process.version,
      checksum: sink[0],
    }),
  );
}

void main();
