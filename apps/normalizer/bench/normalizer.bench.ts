// ITCH events through the whole normalizer on one core: md.raw batch decode -> view -> books -> change
// bits -> throttle (20 updates/s per symbol) -> MarketUpdate encode -> publish on the in-memory bus.
// The day is generated and cut into md.raw batches first (as ingest would), then timed.
// One scenario: `npm run bench -- normalizer [--quick] --json`.
import { median } from '@tickwire/bench-kit';
import { InMemoryBroker } from '@tickwire/bus';
import { StockDirectory } from '@tickwire/itch';
import { MarketDayGenerator } from '@tickwire/market-sim';
import { RawBatch, shardOf } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { startNormalizer } from '../src/normalizer-service';

const quick = process.argv.includes('--quick');
const MESSAGES = quick ? 1_000_000 : 10_000_000;
const SYMBOLS = 8_000;
const SHARDS = 16;
const BATCH = 1024;
const RUNS = quick ? 3 : 3;
const YIELD_EVERY = 64; // batches between event-loop turns, so throttle timers fire as they would live

function buildBatches(): Uint8Array[] {
  const generator = new MarketDayGenerator({ seed: 1, symbols: SYMBOLS, messages: MESSAGES });
  const directory = new StockDirectory();
  const shardByLocate = new Int16Array(65_536).fill(-1);
  const payload = Array.from({ length: SHARDS }, () => new Uint8Array(BATCH * 48));
  const used = new Array<number>(SHARDS).fill(0);
  const deltas = Array.from({ length: SHARDS }, () => [] as number[]);
  const first = new Array<number>(SHARDS).fill(0);
  const last = new Array<number>(SHARDS).fill(0);
  const batchSeq = new Array<bigint>(SHARDS).fill(0n);
  const out: Uint8Array[] = [];
  const close = (shard: number): void => {
    if (deltas[shard]!.length === 0) return;
    batchSeq[shard]! += 1n;
    const batch = RawBatch.fromPartial({ shard, session: 'bench', epoch: 1n, batchSeq: batchSeq[shard]!, ingestTsNs: 1n });
    batch.messages = payload[shard]!.subarray(0, used[shard]!);
    batch.firstSequence = first[shard]!;
    batch.sequenceDeltas = deltas[shard]!;
    out.push(RawBatch.encode(batch).finish());
    used[shard] = 0;
    deltas[shard] = [];
  };
  const append = (shard: number, sequence: number, bytes: Uint8Array, length: number): void => {
    const p = payload[shard]!;
    let at = used[shard]!;
    p[at] = length >> 8;
    p[at + 1] = length & 0xff;
    p.set(bytes.subarray(0, length), at + 2);
    at += 2 + length;
    used[shard] = at;
    if (deltas[shard]!.length === 0) first[shard] = sequence;
    deltas[shard]!.push(deltas[shard]!.length === 0 ? 0 : sequence - last[shard]!);
    last[shard] = sequence;
    if (deltas[shard]!.length >= BATCH) close(shard);
  };
  const scratch = new Uint8Array(64);
  let sequence = 0;
  for (let length = generator.nextInto(scratch, 0); length > 0; length = generator.nextInto(scratch, 0)) {
    sequence++;
    const locate = (scratch[1]! << 8) | scratch[2]!;
    if (scratch[0] === 0x52 && directory.apply(scratch, 0, length)) shardByLocate[locate] = shardOf(directory.symbolOf(locate)!, SHARDS);
    if (locate === 0) for (let s = 0; s < SHARDS; s++) append(s, sequence, scratch, length);
    else append(shardByLocate[locate]!, sequence, scratch, length);
  }
  for (let s = 0; s < SHARDS; s++) close(s);
  return out;
}

async function main(): Promise<void> {
  const batches = buildBatches();
  const rates: number[] = [];
  let events = 0;
  let updates = 0;
  for (let run = 0; run < RUNS; run++) {
    const registry = createMetrics({ service: 'normalizer', defaultMetrics: false });
    const normalizer = startNormalizer(
      new InMemoryBroker().connect(),
      { shards: Array.from({ length: SHARDS }, (_, s) => s), shardCount: SHARDS, maxUpdatesPerSec: 20, depthLevels: 10, epoch: 1n, nowUnixNs: () => process.hrtime.bigint() },
      registry,
      createLogger({ service: 'normalizer', level: 'silent' }),
    );
    const started = process.hrtime.bigint();
    for (let i = 0; i < batches.length; i++) {
      normalizer.onBatch(batches[i]!);
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    normalizer.stop();
    const metrics = await registry.getSingleMetricAsString('tickwire_normalizer_events_in_total');
    events = Number(/ (\d+)$/m.exec(metrics)?.[1] ?? 0);
    updates = Number(/ (\d+)$/m.exec(await registry.getSingleMetricAsString('tickwire_normalizer_updates_out_total'))?.[1] ?? 0);
    rates.push(events / seconds);
    process.stderr.write(`normalizer run ${run + 1}/${RUNS}: ${events} events in ${seconds.toFixed(2)} s = ${(events / seconds / 1e6).toFixed(2)} M events/s, ${updates} updates published\n`);
  }
  const rate = median(rates);
  console.log(JSON.stringify({ scenario: 'normalizer', messages: events, symbols: SYMBOLS, shards: SHARDS, runs: RUNS, medianEventsPerSec: Math.round(rate), medianNsPerEvent: Math.round(1e9 / rate), updatesPublished: updates, conflationRatio: Number((events / Math.max(1, updates)).toFixed(1)), node: process.version }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
