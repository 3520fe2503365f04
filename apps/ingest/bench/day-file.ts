import { existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { fillBinaryFile, MarketDayGenerator } from '@tickwire/market-sim';

/**
 * A generated ITCH day as a BinaryFILE in the temp folder, made once per size and reused (the generator
 * is deterministic, so the file name says everything about its content).
 */
export async function generatedDayFile(messages: number, symbols: number): Promise<string> {
  const path = join(tmpdir(), `tickwire-bench-day-s1-${symbols}sym-${messages}.itch50`);
  if (existsSync(path)) return path;
  const generator = new MarketDayGenerator({ seed: 1, symbols, messages });
  const partial = `${path}.partial-${process.pid}`;
  const out = createWriteStream(partial);
  while (!generator.isDone) {
    const chunk = new Uint8Array(1 << 22);
    const used = fillBinaryFile(generator, chunk, 0);
    if (!out.write(chunk.subarray(0, used))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  renameSync(partial, path);
  return path;
}
