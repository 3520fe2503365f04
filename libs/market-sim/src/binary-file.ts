import { MAX_GENERATED_MESSAGE_LENGTH } from './market-day';
import type { MarketDayGenerator } from './market-day';

/** Room one BinaryFILE record may need: the u16 length prefix and the longest generated message. */
export const MAX_RECORD_LENGTH = 2 + MAX_GENERATED_MESSAGE_LENGTH;

/** Average bytes per record of a generated day (prefix included), to size buffers; measured about 31. */
const ESTIMATED_RECORD_LENGTH = 34;

export interface WriteBinaryFileOptions {
  /** Buffer to write into first; when it fills up, the rest goes to a larger copy. Default: one sized from the budget. */
  target?: Uint8Array;
  /** Append the zero-length End-of-Session record after `S` C. Default false. */
  endOfSession?: boolean;
}

/**
 * Writes BinaryFILE records (`u16` big-endian length + message) for the generator's next messages into
 * `target` from `offset`, until the day is over or fewer than `MAX_RECORD_LENGTH` bytes are left. Returns
 * the offset after the last record (= `offset` when nothing was written). Allocates nothing: use it to
 * stream a day through a fixed chunk.
 */
export function fillBinaryFile(generator: MarketDayGenerator, target: Uint8Array, offset: number): number {
  let p = offset;
  const limit = target.length - MAX_RECORD_LENGTH;
  while (p <= limit) {
    const length = generator.nextInto(target, p + 2);
    if (length === 0) break;
    target[p] = length >>> 8;
    target[p + 1] = length;
    p += 2 + length;
  }
  return p;
}

/**
 * Generates the rest of the day as one in-memory BinaryFILE and returns it (a view of `options.target`
 * when the day fit, else of a grown copy). For benchmarks: a 10-million-message day is about 320 MB.
 */
export function writeBinaryFile(generator: MarketDayGenerator, options: WriteBinaryFileOptions = {}): Uint8Array {
  let buffer = options.target ?? new Uint8Array(estimateBinaryFileLength(generator));
  let used = 0;
  for (;;) {
    used = fillBinaryFile(generator, buffer, used);
    if (generator.isDone) break;
    const grown = new Uint8Array(Math.max(buffer.length * 2, used + 1024 * MAX_RECORD_LENGTH));
    grown.set(buffer.subarray(0, used));
    buffer = grown;
  }
  if (options.endOfSession) {
    if (buffer.length - used < 2) {
      const grown = new Uint8Array(used + 2);
      grown.set(buffer.subarray(0, used));
      buffer = grown;
    }
    buffer[used] = 0;
    buffer[used + 1] = 0;
    used += 2;
  }
  return buffer.subarray(0, used);
}

/** A buffer size likely to hold the whole day of a fresh generator (a guess; `writeBinaryFile` grows past it). */
export function estimateBinaryFileLength(generator: MarketDayGenerator): number {
  const { messages, symbols } = generator.options;
  const continuous = Number.isFinite(messages) ? messages : 1_000_000;
  return Math.min(2 ** 31, Math.ceil((continuous + 3 * symbols + 16) * ESTIMATED_RECORD_LENGTH * 1.05) + 4 * MAX_RECORD_LENGTH);
}
