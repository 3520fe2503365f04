import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryBroker } from '@tickwire/bus';
import { waitUntil } from '@tickwire/bus/testing';
import { BinaryFileSource } from '@tickwire/feed-net';
import { BinaryFileFramer, StockDirectory } from '@tickwire/itch';
import { forEachRawMessage, RawBatch, rawWildcard, shardOf } from '@tickwire/protocol';
import { createLogger, createMetrics, Readiness } from '@tickwire/runtime';
import { startIngest } from './ingest-service';

const SAMPLE = join(__dirname, '../../../../shared/data/itch/ritch-ex20101224.itch50');
const SHARDS = 4;

interface Received {
  byShard: Map<number, { sequence: number; bytes: string }[]>;
  gaps: { shard: number; from: number; to: number }[];
  batches: number;
}

async function ingestFile(path: string) {
  const broker = new InMemoryBroker();
  const consumer = broker.connect();
  const received: Received = { byShard: new Map(), gaps: [], batches: 0 };
  consumer.subscribe(rawWildcard, (data) => {
    const batch = RawBatch.decode(data);
    received.batches++;
    for (const gap of batch.gaps) received.gaps.push({ shard: batch.shard, from: gap.fromSeq, to: gap.toSeq });
    const list = received.byShard.get(batch.shard) ?? [];
    received.byShard.set(batch.shard, list);
    forEachRawMessage(batch, (sequence, bytes, offset, length) => list.push({ sequence, bytes: Buffer.from(bytes.subarray(offset, offset + length)).toString('hex') }));
  });
  const logLines: { event?: string; code?: string; where?: string }[] = [];
  const logger = createLogger({ service: 'ingest', level: 'info', destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } });
  const registry = createMetrics({ service: 'ingest' });
  const readiness = new Readiness();
  const ingest = startIngest({ bus: broker.connect(), source: new BinaryFileSource(path, 4096), shardCount: SHARDS, batchMaxMessages: 64, batchMaxBytes: 4096, logger, registry, readiness });
  await ingest.done;
  return { ingest, received, logLines, registry, readiness, consumer };
}

/** The file read independently: every record with its position, and the shard it belongs on. */
function expectedByShard(path: string): Map<number, { sequence: number; bytes: string }[]> {
  const directory = new StockDirectory();
  const expected = new Map<number, { sequence: number; bytes: string }[]>(Array.from({ length: SHARDS }, (_, s) => [s, []]));
  let sequence = 0;
  const framer = new BinaryFileFramer((bytes, offset, length) => {
    sequence++;
    directory.apply(bytes, offset, length);
    const locate = (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
    const entry = { sequence, bytes: Buffer.from(bytes.subarray(offset, offset + length)).toString('hex') };
    if (locate === 0) for (const list of expected.values()) list.push(entry);
    else expected.get(shardOf(directory.symbolOf(locate)!, SHARDS))!.push(entry);
  });
  framer.push(readFileSync(path));
  framer.end();
  return expected;
}

describe('ingest (in-memory bus, real ITCH file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-ingest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes every message of the RITCH sample exactly once, in order, on its symbol shard', async () => {
    const { received, readiness, registry, consumer } = await ingestFile(SAMPLE);
    const expected = expectedByShard(SAMPLE);
    await waitUntil(() => [...received.byShard.values()].reduce((n, l) => n + l.length, 0) === [...expected.values()].reduce((n, l) => n + l.length, 0), 'all messages');
    for (const [shard, list] of expected) expect({ shard, messages: received.byShard.get(shard) ?? [] }).toEqual({ shard, messages: list });
    expect(received.gaps).toEqual([]);
    expect(readiness.report().ready).toBe(true);
    const metrics = await registry.metrics();
    expect(metrics).toContain('tickwire_ingest_messages_total{type="P",service="ingest"} 5000');
    expect(metrics).toContain('tickwire_ingest_messages_total{type="A",service="ingest"} 4997');
    await consumer.close();
  });

  it('skips and counts malformed messages with their sequence number, and publishes the rest', async () => {
    const sample = readFileSync(SAMPLE);
    // Record 2 keeps its length but gets an unknown type; record 3 claims to be an 'S' of the wrong length.
    const firstLength = sample.readUInt16BE(0);
    const secondAt = 2 + firstLength;
    const corrupted = Buffer.from(sample);
    corrupted[secondAt + 2] = 0x3f; // '?'
    const thirdAt = secondAt + 2 + sample.readUInt16BE(secondAt);
    const thirdLength = sample.readUInt16BE(thirdAt);
    corrupted[thirdAt + 2] = 0x53; // 'S' is 12 bytes long; this record is not
    expect(thirdLength).not.toBe(12);
    const path = join(dir, 'corrupted.itch50');
    writeFileSync(path, corrupted);
    const { received, logLines, registry } = await ingestFile(path);
    const total = (): number => new Set([...received.byShard.values()].flat().map((m) => m.sequence)).size;
    await waitUntil(() => total() === 12_012 - 2, 'the 12,010 good messages');
    const sequences = new Set([...received.byShard.values()].flat().map((m) => m.sequence));
    expect([sequences.has(2), sequences.has(3), sequences.has(4)]).toEqual([false, false, true]);
    expect(logLines.filter((l) => l.event === 'feed.bad_input').map((l) => [l.code, l.where])).toEqual([
      ['ITCH_ERR_UNKNOWN_TYPE', 'sequence 2'],
      ['ITCH_ERR_LENGTH_MISMATCH', 'sequence 3'],
    ]);
    const metrics = await registry.metrics();
    expect(metrics).toContain('tickwire_ingest_input_errors_total{code="ITCH_ERR_UNKNOWN_TYPE",service="ingest"} 1');
    expect(metrics).toContain('tickwire_ingest_input_errors_total{code="ITCH_ERR_LENGTH_MISMATCH",service="ingest"} 1');
  });
});
