import { ItchError } from '../errors';
import { encodeMessageInto } from '../message/encode';
import { MAX_MESSAGE_LENGTH } from '../message/layout';
import type { ItchMessage } from '../message/types';

const MAX_RECORD_LENGTH = 0xffff;

/**
 * Builds a BinaryFILE in memory: appends `u16 BE length` + record into one growable buffer (doubling), so
 * encoding millions of messages allocates only on growth. Throws `ItchError` on invalid input (it is a
 * builder, not a decoder).
 */
export class BinaryFileWriter {
  private buffer: Uint8Array;
  private used = 0;
  /** Records appended (End-of-Session not included). */
  records = 0;

  constructor(initialCapacity = 4096) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.used;
  }

  /** Appends a copy of `bytes[offset .. offset + length)` as one record (1..65535 bytes). */
  appendRecord(bytes: Uint8Array, offset = 0, length = bytes.length - offset): this {
    if (length === 0) throw new ItchError('BINARYFILE_ERR_EMPTY_RECORD');
    if (!(length > 0 && length <= MAX_RECORD_LENGTH) || offset < 0 || offset + length > bytes.length) {
      throw new ItchError('BINARYFILE_ERR_RECORD_TOO_LONG', `offset=${offset} length=${length} of ${bytes.length}`);
    }
    this.reserve(2 + length);
    const b = this.buffer;
    const p = this.used;
    b[p] = length >>> 8;
    b[p + 1] = length;
    b.set(bytes.subarray(offset, offset + length), p + 2);
    this.used = p + 2 + length;
    this.records++;
    return this;
  }

  /** Encodes `msg` straight into the buffer as one record (no intermediate array); throws like `encodeMessageInto`. */
  appendMessage(msg: ItchMessage): this {
    this.reserve(2 + MAX_MESSAGE_LENGTH);
    const b = this.buffer;
    const p = this.used;
    const length = encodeMessageInto(msg, b, p + 2);
    b[p] = length >>> 8;
    b[p + 1] = length;
    this.used = p + 2 + length;
    this.records++;
    return this;
  }

  /** Appends the zero-length End-of-Session record. */
  appendEndOfSession(): this {
    this.reserve(2);
    this.buffer[this.used] = 0;
    this.buffer[this.used + 1] = 0;
    this.used += 2;
    return this;
  }

  /** The bytes written so far, as a view (no copy): valid until the next append or `clear()`. */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.used);
  }

  /** A copy of the bytes written so far. */
  toUint8Array(): Uint8Array {
    return this.buffer.slice(0, this.used);
  }

  /** Forgets the content, keeping the buffer. */
  clear(): void {
    this.used = 0;
    this.records = 0;
  }

  private reserve(extra: number): void {
    const need = this.used + extra;
    if (need <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.used), 0);
    this.buffer = grown;
  }
}
