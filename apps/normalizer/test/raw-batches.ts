import { BinaryFileFramer, StockDirectory } from '@tickwire/itch';
import { RawBatch, shardOf } from '@tickwire/protocol';

/**
 * Cuts an ITCH BinaryFILE into encoded md.raw batches the way ingest does (market-wide messages on every
 * shard), in exchange order across shards: a stand-in for ingest in normalizer tests.
 */
export function rawBatchesFromFile(file: Uint8Array, shardCount: number, messagesPerBatch: number, epoch = 1n): { shard: number; bytes: Uint8Array }[] {
  const directory = new StockDirectory();
  const pending = Array.from({ length: shardCount }, () => ({ framed: [] as number[], sequences: [] as number[] }));
  const batchSeq = new Array<bigint>(shardCount).fill(0n);
  const out: { shard: number; bytes: Uint8Array }[] = [];
  const close = (shard: number): void => {
    const p = pending[shard]!;
    if (p.sequences.length === 0) return;
    batchSeq[shard]! += 1n;
    const batch = RawBatch.fromPartial({ shard, session: 'test', epoch, batchSeq: batchSeq[shard]!, ingestTsNs: 1_000n });
    batch.messages = Uint8Array.from(p.framed);
    batch.firstSequence = p.sequences[0]!;
    batch.sequenceDeltas = p.sequences.map((s, i) => (i === 0 ? 0 : s - p.sequences[i - 1]!));
    out.push({ shard, bytes: RawBatch.encode(batch).finish() });
    pending[shard] = { framed: [], sequences: [] };
  };
  let sequence = 0;
  const framer = new BinaryFileFramer((bytes, offset, length) => {
    sequence++;
    directory.apply(bytes, offset, length);
    const locate = (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
    const shards = locate === 0 ? [...pending.keys()] : [shardOf(directory.symbolOf(locate)!, shardCount)];
    for (const shard of shards) {
      const p = pending[shard]!;
      p.framed.push(length >> 8, length & 0xff, ...bytes.subarray(offset, offset + length));
      p.sequences.push(sequence);
      if (p.sequences.length >= messagesPerBatch) close(shard);
    }
  });
  framer.push(file);
  framer.end();
  for (let shard = 0; shard < shardCount; shard++) close(shard);
  return out;
}
