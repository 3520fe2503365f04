import { RawBatch } from './gen/tickwire/v1/raw';
import { forEachRawMessage } from './raw-batch';

function batchOf(messages: number[][], sequences: number[]): RawBatch {
  const framed = messages.flatMap((m) => [m.length >> 8, m.length & 0xff, ...m]);
  return {
    ...RawBatch.fromPartial({ shard: 3 }),
    messages: Uint8Array.from(framed),
    firstSequence: sequences[0] ?? 0,
    sequenceDeltas: sequences.map((s, i) => (i === 0 ? 0 : s - sequences[i - 1]!)),
  };
}

describe('forEachRawMessage', () => {
  it('yields every message with its exchange sequence, after an encode/decode round trip', () => {
    const sent = batchOf([[0x44, 1, 2], [0x45], [0x53, 9, 9, 9, 9]], [2 ** 40 + 5, 2 ** 40 + 21, 2 ** 40 + 22]);
    const received = RawBatch.decode(RawBatch.encode(sent).finish());
    const seen: [number, number[]][] = [];
    expect(forEachRawMessage(received, (sequence, bytes, offset, length) => seen.push([sequence, [...bytes.subarray(offset, offset + length)]]))).toBe(3);
    expect(seen).toEqual([
      [2 ** 40 + 5, [0x44, 1, 2]],
      [2 ** 40 + 21, [0x45]],
      [2 ** 40 + 22, [0x53, 9, 9, 9, 9]],
    ]);
  });

  it('visits nothing for an empty batch (a gap marker)', () => {
    expect(forEachRawMessage(RawBatch.fromPartial({ gaps: [{ fromSeq: 3, toSeq: 9 }] }), () => undefined)).toBe(0);
  });

  it('returns -1 without yielding a partial message when framing and sequences disagree', () => {
    const good = batchOf([[1, 2, 3], [4, 5]], [10, 11]);
    const truncated = { ...good, messages: good.messages.subarray(0, good.messages.length - 1) };
    const visited: number[] = [];
    expect(forEachRawMessage(truncated, (sequence) => visited.push(sequence))).toBe(-1);
    expect(visited).toEqual([10]);
    expect(forEachRawMessage({ ...good, sequenceDeltas: [0] }, () => undefined)).toBe(-1);
    expect(forEachRawMessage({ ...good, sequenceDeltas: [0, 1, 1] }, () => undefined)).toBe(-1);
  });
});
