// The RITCH sample day (shared/data/itch/README.md) read end to end: BinaryFILE framer + view + directory +
// allocating decoder + encoder. An external reference written by an independent ITCH 5.0 implementation.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BinaryFileFramer } from '../src/binaryfile/framer';
import { CHECK_OK } from '../src/message/check';
import { decodeMessage } from '../src/message/decode';
import { StockDirectory } from '../src/message/directory';
import { encodeMessage } from '../src/message/encode';
import { ItchMessageView } from '../src/message/view';

/** Walks up from this file to the repo root (the directory with nx.json); shared data sits beside it. */
function sharedData(relative: string): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`repo root (nx.json) not found above ${__dirname}`);
    dir = parent;
  }
  return path.resolve(dir, '..', 'shared', relative);
}

const SAMPLE = sharedData('data/itch/ritch-ex20101224.itch50');

describe('RITCH sample day ritch-ex20101224.itch50', () => {
  it('is present (the test fails, never skips, without it)', () => {
    if (!existsSync(SAMPLE)) throw new Error(`ITCH sample missing: ${SAMPLE} (see shared/data/itch/README.md)`);
  });

  it('frames, decodes and re-encodes every message exactly', () => {
    const file = new Uint8Array(readFileSync(SAMPLE));
    expect(file.length).toBe(465_048);
    const view = new ItchMessageView();
    const directory = new StockDirectory();
    const counts: Record<string, number> = {};
    const problems: string[] = [];
    let lastTimestamp = -1;
    let decreasing = 0;
    let reencodeMismatches = 0;
    let messageBytes = 0;
    const framer = new BinaryFileFramer(
      (bytes, offset, length, streamOffset) => {
        const check = view.wrap(bytes, offset, length);
        if (check !== CHECK_OK) {
          problems.push(`check ${check} at ${streamOffset}`);
          return;
        }
        messageBytes += length;
        const type = String.fromCharCode(view.type);
        counts[type] = (counts[type] ?? 0) + 1;
        directory.applyView(view);
        if (view.timestampNs < lastTimestamp) decreasing++;
        lastTimestamp = view.timestampNs;
        const decoded = decodeMessage(bytes, offset, length, directory);
        if (!decoded) {
          problems.push(`decode failed at ${streamOffset}`);
          return;
        }
        const again = encodeMessage(decoded);
        if (Buffer.compare(again, bytes.subarray(offset, offset + length)) !== 0) reencodeMismatches++;
      },
      (code, streamOffset) => problems.push(`${code} at ${streamOffset}`),
    );
    // Feed in odd-sized chunks so records span chunk boundaries, as from a file stream.
    for (let at = 0; at < file.length; at += 4093) framer.push(file.subarray(at, at + 4093));
    framer.end();

    expect(problems).toEqual([]);
    expect(counts).toEqual({ P: 5000, A: 4997, D: 1745, E: 198, X: 45, U: 12, S: 6, R: 3, H: 3, F: 3 });
    expect([framer.messages, framer.errors, framer.bytesConsumed]).toEqual([12_012, 0, file.length]);
    expect(messageBytes + 2 * 12_012).toBe(file.length);
    expect(decreasing).toBe(0);
    expect(reencodeMismatches).toBe(0);
    expect([1, 2, 3].map((locate) => directory.symbolOf(locate))).toEqual(['ALC', 'BOB', 'CHAR']);
    expect(directory.size).toBe(3);
  });
});
