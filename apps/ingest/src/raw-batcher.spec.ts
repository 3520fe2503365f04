import { forEachRawMessage, RawBatch, rawSubject } from '@tickwire/protocol';
import { RawBatcher, type RawBatcherOptions } from './raw-batcher';
import { ALL_SHARDS } from './shard-router';

interface Published {
  subject: string;
  batch: RawBatch;
  messages: [number, number[]][];
}

function harness(overrides: Partial<RawBatcherOptions> = {}) {
  const published: Published[] = [];
  let pendingFlush: (() => void) | undefined;
  let clock = 1_000n;
  const batcher = new RawBatcher(
    {
      publish: (subject, data) => {
        const batch = RawBatch.decode(data);
        const messages: [number, number[]][] = [];
        expect(forEachRawMessage(batch, (sequence, bytes, offset, length) => messages.push([sequence, [...bytes.subarray(offset, offset + length)]]))).toBe(messages.length);
        published.push({ subject, batch, messages });
      },
    },
    {
      shardCount: 3,
      session: 'test-session',
      epoch: 7n,
      maxMessages: 4,
      maxBytes: 1024,
      nowNs: () => (clock += 10n),
      scheduleFlush: (flush) => (pendingFlush = flush),
      ...overrides,
    },
  );
  return {
    batcher,
    published,
    endTurn: () => {
      const flush = pendingFlush;
      pendingFlush = undefined;
      flush?.();
    },
    get flushScheduled() {
      return pendingFlush !== undefined;
    },
  };
}

const message = (tag: number, length = 3): Uint8Array => new Uint8Array(length).fill(tag);

describe('RawBatcher', () => {
  it('holds messages until the end of the event-loop turn, then publishes one batch per shard with its sequences', () => {
    const h = harness();
    h.batcher.append(0, 101, message(1), 0, 3);
    h.batcher.append(2, 102, message(2), 0, 3);
    h.batcher.append(0, 105, message(3), 0, 3);
    expect(h.published).toEqual([]);
    expect(h.flushScheduled).toBe(true);
    h.endTurn();
    expect(h.published.map((p) => p.subject)).toEqual([rawSubject(0), rawSubject(2)]);
    expect(h.published[0]!.messages).toEqual([
      [101, [1, 1, 1]],
      [105, [3, 3, 3]],
    ]);
    expect(h.published[0]!.batch).toMatchObject({ shard: 0, session: 'test-session', epoch: 7n, batchSeq: 1n, firstSequence: 101, sequenceDeltas: [0, 4] });
    expect(h.published[1]!.messages).toEqual([[102, [2, 2, 2]]]);
  });

  it('closes a batch at the message limit and at the byte limit without waiting for the turn to end', () => {
    const h = harness({ maxMessages: 2, maxBytes: 12 });
    h.batcher.append(1, 1, message(1), 0, 3);
    h.batcher.append(1, 2, message(2), 0, 3);
    expect(h.published.map((p) => p.messages.length)).toEqual([2]);
    h.batcher.append(1, 3, message(3, 11), 0, 11); // 13 framed bytes >= 12
    expect(h.published.map((p) => p.messages.length)).toEqual([2, 1]);
    expect(h.published.map((p) => p.batch.batchSeq)).toEqual([1n, 2n]);
  });

  it('copies the message bytes: a source that reuses its buffer cannot change what was batched', () => {
    const h = harness();
    const reused = message(5);
    h.batcher.append(0, 1, reused, 0, 3);
    reused.fill(9);
    h.batcher.append(0, 2, reused, 0, 3);
    h.endTurn();
    expect(h.published[0]!.messages).toEqual([
      [1, [5, 5, 5]],
      [2, [9, 9, 9]],
    ]);
  });

  it('puts market-wide messages into every shard, in order with the others', () => {
    const h = harness();
    h.batcher.append(1, 10, message(1), 0, 3);
    h.batcher.append(ALL_SHARDS, 11, message(0x53), 0, 3);
    h.endTurn();
    expect(h.published.map((p) => [p.batch.shard, p.messages.map(([sequence]) => sequence)])).toEqual([
      [0, [11]],
      [1, [10, 11]],
      [2, [11]],
    ]);
  });

  it('marks an unrecoverable gap on every shard after publishing what was pending, so it arrives in order', () => {
    const h = harness();
    h.batcher.append(2, 1, message(1), 0, 3);
    h.batcher.markGap(2, 9);
    h.batcher.append(2, 10, message(2), 0, 3);
    h.endTurn();
    const onShard2 = h.published.filter((p) => p.batch.shard === 2);
    expect(onShard2.map((p) => [p.batch.batchSeq, p.messages.map(([s]) => s), p.batch.gaps])).toEqual([
      [1n, [1], []],
      [2n, [], [{ fromSeq: 2, toSeq: 9 }]],
      [3n, [10], []],
    ]);
    expect(h.published.filter((p) => p.batch.gaps.length > 0).map((p) => p.batch.shard)).toEqual([0, 1, 2]);
  });

  it('stamps each batch with the receive time of its first message', () => {
    const h = harness();
    h.batcher.append(0, 1, message(1), 0, 3); // clock 1010
    h.batcher.append(0, 2, message(1), 0, 3);
    h.endTurn();
    expect(h.published[0]!.batch.ingestTsNs).toBe(1010n);
  });
});
