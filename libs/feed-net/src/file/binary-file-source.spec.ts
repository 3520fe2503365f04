import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BinaryFileWriter } from '@tickwire/itch';
import type { FeedHandler } from '../feed-source';
import { BinaryFileSource } from './binary-file-source';

interface Recorded {
  messages: { sequence: number; bytes: number[] }[];
  errors: string[];
  ended: number;
}

function recorder(): { handler: FeedHandler; recorded: Recorded } {
  const recorded: Recorded = { messages: [], errors: [], ended: 0 };
  return {
    recorded,
    handler: {
      onMessage: (sequence, bytes, offset, length) => recorded.messages.push({ sequence, bytes: [...bytes.subarray(offset, offset + length)] }),
      onGap: () => undefined,
      onEndOfSession: () => recorded.ended++,
      onError: (code, where) => recorded.errors.push(`${code} at ${where}`),
    },
  };
}

function sampleFile(): Uint8Array {
  const writer = new BinaryFileWriter();
  for (let i = 0; i < 1000; i++) {
    writer.appendMessage({ type: 'D', stockLocate: 1 + (i % 7), trackingNumber: 0, timestampNs: 34_200_000_000_000 + i, orderRef: 1_000 + i });
  }
  return writer.toUint8Array();
}

describe('BinaryFileSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-binaryfile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays every record in order with sequence numbers from 1, plain and gzip alike (small chunks)', async () => {
    const bytes = sampleFile();
    const plain = join(dir, 'day.itch50');
    const gz = join(dir, 'day.bin'); // gzip detected by content, not by name
    writeFileSync(plain, bytes);
    writeFileSync(gz, gzipSync(bytes));
    const results: Recorded[] = [];
    for (const path of [plain, gz]) {
      const { handler, recorded } = recorder();
      const source = new BinaryFileSource(path, 777);
      await source.start(handler);
      results.push(recorded);
      expect(source.counters.messages).toBe(1000);
    }
    const [fromPlain, fromGzip] = results;
    expect(fromPlain!.messages.map((m) => m.sequence)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(fromPlain!.messages[0]!.bytes).toEqual([...bytes.subarray(2, 2 + 19)]);
    expect(fromGzip).toEqual(fromPlain);
    expect(fromPlain!.errors).toEqual([]);
    expect(fromPlain!.ended).toBe(1);
  });

  it('reports a truncated last record with its offset and never delivers half of it', async () => {
    const bytes = sampleFile();
    const path = join(dir, 'truncated.itch50');
    writeFileSync(path, bytes.subarray(0, bytes.length - 5));
    const { handler, recorded } = recorder();
    await new BinaryFileSource(path).start(handler);
    expect(recorded.messages).toHaveLength(999);
    expect(recorded.errors).toEqual([`BINARYFILE_ERR_TRUNCATED_RECORD at ${path} byte ${999 * 21}`]);
    expect(recorded.ended).toBe(1);
  });

  it('rejects start with the OS error when the file cannot be opened', async () => {
    const { handler, recorded } = recorder();
    const missing = join(dir, 'missing.itch50');
    await expect(new BinaryFileSource(missing).start(handler)).rejects.toThrow(/ENOENT/);
    expect(recorded.messages).toEqual([]);
  });

  it('reads the independent RITCH sample end to end', async () => {
    const path = join(__dirname, '../../../../../shared/data/itch/ritch-ex20101224.itch50');
    expect(readFileSync(path).length).toBe(465_048);
    const { handler, recorded } = recorder();
    await new BinaryFileSource(path).start(handler);
    expect(recorded.messages).toHaveLength(12_012);
    expect(recorded.errors).toEqual([]);
  });
});
