import type { ItchErrorCode } from '../errors';

/**
 * Receives each complete record. `bytes` is either the pushed chunk itself (zero-copy: the record is
 * `bytes[offset .. offset + length)`) or, for a record that spanned chunks, the framer's reusable reassembly
 * buffer: copy what you keep beyond the call. `streamOffset` is the stream offset of the record's length
 * prefix. Handlers must not throw (the framer's position is then undefined until `reset()`).
 */
export type BinaryFileMessageHandler = (bytes: Uint8Array, offset: number, length: number, streamOffset: number) => void;

/** Reports a framing problem at `streamOffset` (bytes from the start of the stream). */
export type BinaryFileErrorHandler = (code: ItchErrorCode, streamOffset: number) => void;

/** Called once for the zero-length End-of-Session record at `streamOffset`. */
export type BinaryFileEndOfSessionHandler = (streamOffset: number) => void;

/** Framer states (`BinaryFileFramer.state`). */
export const BinaryFileState = {
  /** Between records, or holding one byte of a length prefix. */
  Prefix: 0,
  /** Inside a record that spans chunks (bytes accumulate in the reassembly buffer). */
  Body: 1,
  /** After the End-of-Session record: further bytes are reported once and discarded. */
  EndOfSession: 2,
  /** After `end()`. */
  Closed: 3,
} as const;
export type BinaryFileStateCode = (typeof BinaryFileState)[keyof typeof BinaryFileState];

const PREFIX = BinaryFileState.Prefix;
const BODY = BinaryFileState.Body;
const END_OF_SESSION = BinaryFileState.EndOfSession;
const CLOSED = BinaryFileState.Closed;

function ignoreError(): void {}
function ignoreEndOfSession(): void {}

/**
 * Streaming BinaryFILE framer (Nasdaq historical files: `u16 BE length` + message, repeated; a zero-length
 * record is End-of-Session). A byte state machine: `push()` chunks of any size; records lying inside a
 * chunk are handed out as offsets into it, records spanning chunks are copied once into a reusable
 * growable buffer. Never throws and never emits a partial record; problems go to `onError` with their
 * stream offset and are counted in `errors`.
 */
export class BinaryFileFramer {
  /** Bytes accepted by `push()` so far (including discarded ones). */
  bytesConsumed = 0;
  /** Records emitted (End-of-Session not included). */
  messages = 0;
  /** Errors reported. */
  errors = 0;

  private _state: BinaryFileStateCode = PREFIX;
  /** Prefix bytes held (0 or 1) while in Prefix state. */
  private prefixHeld = 0;
  private prefixHi = 0;
  /** Stream offset of the record being assembled (its length prefix). */
  private recordStart = 0;
  private recordLength = 0;
  private recordFilled = 0;
  private pending: Uint8Array = new Uint8Array(64);
  private sawEndOfSession = false;
  /** Whether bytes after End-of-Session / after `end()` were already reported (once per state). */
  private discardReported = false;
  private readonly onError: BinaryFileErrorHandler;
  private readonly onEndOfSession: BinaryFileEndOfSessionHandler;

  constructor(
    private readonly onMessage: BinaryFileMessageHandler,
    onError?: BinaryFileErrorHandler,
    onEndOfSession?: BinaryFileEndOfSessionHandler,
  ) {
    this.onError = onError ?? ignoreError;
    this.onEndOfSession = onEndOfSession ?? ignoreEndOfSession;
  }

  get state(): BinaryFileStateCode {
    return this._state;
  }

  /** True once the End-of-Session record was seen. */
  get endOfSession(): boolean {
    return this.sawEndOfSession;
  }

  /** Feeds the next chunk of the stream. The chunk must not be mutated until `push` returns. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    const base = this.bytesConsumed;
    this.bytesConsumed = base + n;
    if (this._state >= END_OF_SESSION) {
      this.discard(base);
      return;
    }
    let i = 0;
    if (this._state === BODY || this.prefixHeld === 1) {
      i = this.resume(chunk, base);
      if (i < 0) return; // chunk fully used by the spanning record (or session ended)
    }
    const onMessage = this.onMessage;
    let messages = this.messages;
    while (i + 2 <= n) {
      const length = (chunk[i] << 8) | chunk[i + 1];
      if (length === 0) {
        this.messages = messages;
        this.endSession(base + i);
        if (i + 2 < n) this.discard(base + i + 2);
        return;
      }
      const end = i + 2 + length;
      if (end > n) break;
      messages++;
      onMessage(chunk, i + 2, length, base + i);
      i = end;
    }
    this.messages = messages;
    if (i === n) return;
    // Keep the tail: one prefix byte, or a prefix and part of a body.
    this.recordStart = base + i;
    if (i + 1 === n) {
      this.prefixHeld = 1;
      this.prefixHi = chunk[i];
      return;
    }
    const length = (chunk[i] << 8) | chunk[i + 1];
    this.beginBody(length);
    const have = n - i - 2;
    this.pending.set(chunk.subarray(i + 2, n), 0);
    this.recordFilled = have;
  }

  /**
   * Declares the end of input. A record still incomplete is reported as BINARYFILE_ERR_TRUNCATED_RECORD at
   * its stream offset (and counted), never emitted. Further pushes are reported as errors until `reset()`.
   */
  end(): void {
    if (this._state === CLOSED) return;
    if (this._state === BODY || (this._state === PREFIX && this.prefixHeld === 1)) this.report('BINARYFILE_ERR_TRUNCATED_RECORD', this.recordStart);
    this._state = CLOSED;
    this.prefixHeld = 0;
    this.discardReported = false;
  }

  /** Back to a fresh stream (counters zeroed, buffer kept). */
  reset(): void {
    this.bytesConsumed = 0;
    this.messages = 0;
    this.errors = 0;
    this._state = PREFIX;
    this.prefixHeld = 0;
    this.recordFilled = 0;
    this.recordLength = 0;
    this.recordStart = 0;
    this.sawEndOfSession = false;
    this.discardReported = false;
  }

  /** Bytes at `streamOffset` arrived after End-of-Session or after `end()`: report once per stream state. */
  private discard(streamOffset: number): void {
    if (this.discardReported) return;
    this.discardReported = true;
    this.report(this._state === CLOSED ? 'BINARYFILE_ERR_PUSH_AFTER_CLOSE' : 'BINARYFILE_ERR_DATA_AFTER_END', streamOffset);
  }

  private endSession(streamOffset: number): void {
    this._state = END_OF_SESSION;
    this.sawEndOfSession = true;
    this.prefixHeld = 0;
    this.onEndOfSession(streamOffset);
  }

  private report(code: ItchErrorCode, streamOffset: number): void {
    this.errors++;
    this.onError(code, streamOffset);
  }

  private beginBody(length: number): void {
    this._state = BODY;
    this.prefixHeld = 0;
    this.recordLength = length;
    this.recordFilled = 0;
    if (this.pending.length < length) {
      let size = this.pending.length * 2;
      while (size < length) size *= 2;
      this.pending = new Uint8Array(size);
    }
  }

  /**
   * Continues a record left over from the previous chunk. Returns the chunk index where normal framing
   * resumes, or -1 when the chunk was consumed entirely.
   */
  private resume(chunk: Uint8Array, base: number): number {
    const n = chunk.length;
    let i = 0;
    if (this.prefixHeld === 1) {
      const length = (this.prefixHi << 8) | chunk[0];
      i = 1;
      if (length === 0) {
        this.endSession(this.recordStart);
        if (n > 1) this.discard(base + 1);
        return -1;
      }
      this.beginBody(length);
    }
    const need = this.recordLength - this.recordFilled;
    const take = need < n - i ? need : n - i;
    this.pending.set(chunk.subarray(i, i + take), this.recordFilled);
    this.recordFilled += take;
    i += take;
    if (this.recordFilled < this.recordLength) return -1;
    this._state = PREFIX;
    this.messages++;
    this.onMessage(this.pending, 0, this.recordLength, this.recordStart);
    return i === n ? -1 : i;
  }
}
