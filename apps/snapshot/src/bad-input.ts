import type { Logger } from '@tickwire/runtime';

/**
 * Why a message from the bus was not used. Stable codes: metric label `reason` of
 * `tickwire_snapshot_bad_input_total` and field `code` of the `input.bad` log line. Never reused;
 * `docs/operations.md` lists the same table (a test checks it).
 */
export const BAD_INPUT = Object.freeze({
  SNAPSHOT_INPUT_BAD_SUBJECT: 'the subject is not md.tick.<shard>.<symbol-token> (or md.instrument.<shard>)',
  SNAPSHOT_INPUT_UNDECODABLE: 'the payload is not a well-formed MarketUpdate',
  SNAPSHOT_INPUT_SYMBOL_MISMATCH: "the payload's symbol differs from the subject's",
  SNAPSHOT_INPUT_INVALID_SYMBOL: 'the symbol cannot be stored (1-64 printable ASCII, no space, { or })',
  SNAPSHOT_INPUT_SYMBOL_LIMIT: 'more symbols than MAX_SYMBOLS: the new symbol is ignored',
  SNAPSHOT_INPUT_BAD_INSTRUMENT: 'the payload is not a well-formed Instrument with a storable symbol',
} as const);

export type BadInputCode = keyof typeof BAD_INPUT;

/** Lines per second before the rest are only counted (a flood of garbage must not flood the logs). */
export const MAX_BAD_INPUT_LOGS_PER_SECOND = 20;

/** Counts bad input by code and logs it with context, at most `MAX_BAD_INPUT_LOGS_PER_SECOND` lines a second. */
export class BadInputReporter {
  readonly counts = new Map<BadInputCode, number>();
  private windowStartMs = 0;
  private linesInWindow = 0;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly nowMs: () => number = Date.now,
  ) {}

  report(code: BadInputCode, subject: string, detail: string): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
    const now = this.nowMs();
    if (now - this.windowStartMs >= 1_000) {
      if (this.suppressed > 0) this.logger.warn({ event: 'input.bad_suppressed', count: this.suppressed }, `${this.suppressed} more bad messages in the last second (counted, not logged)`);
      this.windowStartMs = now;
      this.linesInWindow = 0;
      this.suppressed = 0;
    }
    if (this.linesInWindow < MAX_BAD_INPUT_LOGS_PER_SECOND) {
      this.linesInWindow += 1;
      this.logger.warn({ event: 'input.bad', code, subject: subject.slice(0, 200), detail }, `skipped a message: ${BAD_INPUT[code]}`);
    } else {
      this.suppressed += 1;
    }
  }
}
