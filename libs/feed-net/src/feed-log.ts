import type { SoupBinTcpMessageStore } from '@tickwire/itch';

const CHUNK_BYTES = 16 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 65_535;

/**
 * An append-only, in-memory log of a session's messages, numbered from 1: what an exchange keeps so that
 * a client logging in (SoupBinTCP) or re-requesting (MoldUDP64) gets any message of the day again.
 * Messages are packed into 16 MiB chunks (a message never spans two) with a typed-array index, so a day
 * of tens of millions of messages costs its bytes plus 8 bytes each, and no object per message.
 */
export class FeedLog implements SoupBinTcpMessageStore {
  private readonly chunks: Uint8Array[] = [new Uint8Array(CHUNK_BYTES)];
  private chunkUsed = 0;
  /** Per message: chunk index (high 8 bits) and offset in chunk (low 24 bits). */
  private locations = new Uint32Array(1024);
  private lengths = new Uint16Array(1024);
  private count = 0;
  private readonly appendListeners = new Set<() => void>();

  /** Number of messages held; the last one has this sequence number. */
  get size(): number {
    return this.count;
  }

  nextSequence(): number {
    return this.count + 1;
  }

  /** Copies the message in and returns its sequence number. */
  append(bytes: Uint8Array, offset = 0, length = bytes.length - offset): number {
    if (length <= 0 || length > MAX_MESSAGE_BYTES) throw new RangeError(`message length ${length} is outside 1..${MAX_MESSAGE_BYTES}`);
    if (this.chunkUsed + length > CHUNK_BYTES) {
      if (this.chunks.length >= 256) throw new RangeError('feed log is full (4 GiB)');
      this.chunks.push(new Uint8Array(CHUNK_BYTES));
      this.chunkUsed = 0;
    }
    if (this.count === this.lengths.length) this.grow();
    const chunkIndex = this.chunks.length - 1;
    this.chunks[chunkIndex]!.set(bytes.subarray(offset, offset + length), this.chunkUsed);
    this.locations[this.count] = ((chunkIndex << 24) | this.chunkUsed) >>> 0;
    this.lengths[this.count] = length;
    this.chunkUsed += length;
    this.count++;
    return this.count;
  }

  /** A view of message `sequence` (1-based), or undefined outside 1..size. Do not mutate it. */
  message(sequence: number): Uint8Array | undefined {
    if (!(sequence >= 1 && sequence <= this.count)) return undefined;
    const location = this.locations[sequence - 1]!;
    const start = location & 0xffffff;
    return this.chunks[location >>> 24]!.subarray(start, start + this.lengths[sequence - 1]!);
  }

  /** Tells listeners (live servers) that messages were appended; call once per appended batch. */
  notifyAppended(): void {
    for (const listener of this.appendListeners) listener();
  }

  /** Returns a function that removes the listener. */
  onAppended(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  private grow(): void {
    const locations = new Uint32Array(this.locations.length * 2);
    locations.set(this.locations);
    this.locations = locations;
    const lengths = new Uint16Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }
}
