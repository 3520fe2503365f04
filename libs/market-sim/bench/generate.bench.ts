/**
 * Scenario `market-sim-generate`: how fast `MarketDayGenerator` produces a day, on one core.
 *
 * Per run: a fresh generator (8,000 symbols, default mix and burst) writes N continuous-trading messages
 * plus the day's fixed parts with `nextInto` into one reusable buffer (the allocation-free path), then the
 * same day again as an in-memory BinaryFILE with `writeBinaryFile`. Reports the median over the runs; the
 * last stdout line is one JSON object.
 *
 *   npm run bench -- [--quick] [--messages N] [--runs R]
 *   (or: npx tsc -p tsconfig.bench.json && node dist-bench/bench/generate.bench.js --quick)
 */
import { median } from '@tickwire/bench-kit';
import { writeBinaryFile } from '../src/binary-file';
import { MarketDayGenerator } from '../src/market-day';

function flag(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer, got ${argv[i + 1]}`);
  return n;
}

function main(argv: readonly string[]): void {
  const quick = argv.includes('--quick');
  const messages = flag(argv, '--messages', quick ? 1_000_000 : 10_000_000);
  const runs = flag(argv, '--runs', quick ? 3 : 5);
  const options = { seed: 1, symbols: 8000, messages };
  const scratch = new Uint8Array(64);
  const nextIntoRates: number[] = [];
  const fileRates: number[] = [];
  let total = 0;
  let bytes = 0;
  for (let r = 0; r < runs; r++) {
    const g = new MarketDayGenerator(options);
    let t = process.hrtime.bigint();
    let count = 0;
    while (g.nextInto(scratch, 0) !== 0) count++;
    nextIntoRates.push(count / (Number(process.hrtime.bigint() - t) / 1e9));
    total = count;
    t = process.hrtime.bigint();
    const file = writeBinaryFile(new MarketDayGenerator(options));
    fileRates.push(count / (Number(process.hrtime.bigint() - t) / 1e9));
    bytes = file.length;
  }
  const result = {
    scenario: 'market-sim-generate',
    messages: total,
    runs,
    nextIntoMessagesPerSec: Math.round(median(nextIntoRates)),
    binaryFileMessagesPerSec: Math.round(median(fileRates)),
    binaryFileBytes: bytes,
  };
  console.log(`market-sim: ${total} messages/day, nextInto ${(result.nextIntoMessagesPerSec / 1e6).toFixed(2)} M msg/s, writeBinaryFile ${(result.binaryFileMessagesPerSec / 1e6).toFixed(2)} M msg/s (${(bytes / 1e6).toFixed(0)} MB)`);
  console.log(JSON.stringify(result));
}

main(process.argv.slice(2));
