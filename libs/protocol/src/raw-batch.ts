import type { RawBatch } from './gen/tickwire/v1/raw';

/** Called once per exchange message of a batch, in order; `bytes` is the batch payload (a view: copy to keep). */
export type RawMessageVisitor = (sequence: number, bytes: Uint8Array, offset: number, length: number) => void;

const LENGTH_PREFIX = 2;

/**
 * Walks a `RawBatch`: each message with its exchange sequence number (rebuilt from `first_sequence` and
 * the deltas). Returns the number of messages visited; a batch whose framing and sequence count
 * disagree (truncated, corrupt) yields -1 after visiting only the messages that are whole, so a
 * consumer never sees half a message and can count the damage.
 */
export function forEachRawMessage(batch: RawBatch, visit: RawMessageVisitor): number {
  const payload = batch.messages;
  const deltas = batch.sequenceDeltas;
  let sequence = batch.firstSequence;
  let at = 0;
  let index = 0;
  while (at < payload.length) {
    if (at + LENGTH_PREFIX > payload.length || index >= deltas.length) return -1;
    const length = (payload[at]! << 8) | payload[at + 1]!;
    const start = at + LENGTH_PREFIX;
    if (start + length > payload.length) return -1;
    sequence += deltas[index]!;
    visit(sequence, payload, start, length);
    at = start + length;
    index++;
  }
  return index === deltas.length ? index : -1;
}
