import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { fillBinaryFile, type MarketDayGenerator } from '@tickwire/market-sim';

const CHUNK_BYTES = 1 << 20;

/**
 * Writes the rest of the day as a BinaryFILE (gzip when the path ends in `.gz`), streaming 1 MiB chunks
 * with backpressure so memory stays flat for any day size. Resolves with the bytes written (uncompressed).
 */
export async function writeDayToFile(generator: MarketDayGenerator, path: string, endOfSession: boolean): Promise<number> {
  const file = createWriteStream(path);
  const out: Writable = path.endsWith('.gz') ? createGzip() : file;
  if (out !== file) out.pipe(file);
  let written = 0;
  while (!generator.isDone) {
    const chunk = new Uint8Array(CHUNK_BYTES);
    const used = fillBinaryFile(generator, chunk, 0);
    written += used;
    if (!out.write(chunk.subarray(0, used))) await once(out, 'drain');
  }
  if (endOfSession) {
    out.write(Uint8Array.of(0, 0));
    written += 2;
  }
  out.end();
  await once(file, 'close');
  return written;
}
