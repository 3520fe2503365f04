/**
 * What every benchmark scenario script (`bench/<case>.bench.ts`) shares: its command-line options, the
 * median of its runs, and the contract with `npm run bench`: one JSON object as the last stdout line.
 */

/** `--name N` as a positive integer, or `fallback` when absent; a malformed value is an error naming the flag. */
export function intFlag(argv: readonly string[], flag: string, fallback: number): number {
  const at = argv.indexOf(flag);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${flag} needs a positive integer, got ${String(argv[at + 1])}`);
  return value;
}

export interface BenchOptions {
  /** `--quick`: the small size CI smoke runs use. */
  readonly quick: boolean;
  readonly json: boolean;
  /** `--messages N`, default by mode. */
  readonly messages: number;
  /** `--runs N`, default by mode. */
  readonly runs: number;
}

/** The options every scenario takes; `defaults` give the full and the `--quick` sizes. */
export function parseBenchOptions(argv: readonly string[], defaults: { messages: readonly [full: number, quick: number]; runs: readonly [full: number, quick: number] }): BenchOptions {
  const quick = argv.includes('--quick');
  return {
    quick,
    json: argv.includes('--json'),
    messages: intFlag(argv, '--messages', defaults.messages[quick ? 1 : 0]),
    runs: intFlag(argv, '--runs', defaults.runs[quick ? 1 : 0]),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Prints the scenario's result: one JSON object on one line, the last line of stdout. */
export function printResult(result: { readonly scenario: string } & Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
