import { ItchError } from '../errors';
import { GOLDEN } from '../../test/golden-vectors';
import { hex } from '../../test/message-arbitraries';
import { BinaryFileWriter } from './writer';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ItchError ? e.code : String(e);
  }
  return undefined;
}

describe('BinaryFileWriter', () => {
  it('writes u16 big-endian length prefixes and records, growing as needed', () => {
    const w = new BinaryFileWriter(16);
    w.appendRecord(Uint8Array.of(0xaa, 0xbb, 0xcc), 1, 2);
    w.appendRecord(new Uint8Array(300).fill(1));
    w.appendEndOfSession();
    const out = w.toUint8Array();
    expect(Array.from(out.subarray(0, 6))).toEqual([0, 2, 0xbb, 0xcc, 0x01, 0x2c]);
    expect(out).toHaveLength(4 + 302 + 2);
    expect(Array.from(out.subarray(-2))).toEqual([0, 0]);
    expect([w.length, w.records]).toEqual([308, 2]);
    expect(w.view()).toEqual(out);
  });

  it('encodes messages straight into the buffer', () => {
    const w = new BinaryFileWriter(16);
    for (const g of GOLDEN) w.appendMessage(g.message);
    const expected: number[] = [];
    for (const g of GOLDEN) {
      const bytes = hex(g.hex);
      expected.push(bytes.length >> 8, bytes.length & 0xff, ...bytes);
    }
    expect(Array.from(w.view())).toEqual(expected);
  });

  it('rejects empty and oversized records and keeps its content when encoding fails', () => {
    const w = new BinaryFileWriter();
    expect(codeOf(() => w.appendRecord(new Uint8Array(0)))).toBe('BINARYFILE_ERR_EMPTY_RECORD');
    expect(codeOf(() => w.appendRecord(new Uint8Array(65536)))).toBe('BINARYFILE_ERR_RECORD_TOO_LONG');
    expect(codeOf(() => w.appendRecord(new Uint8Array(4), 2, 3))).toBe('BINARYFILE_ERR_RECORD_TOO_LONG');
    expect(w.appendRecord(new Uint8Array(65535)).length).toBe(65537);
    expect(codeOf(() => w.appendMessage({ ...GOLDEN[0]!.message, stock: 'WAYTOOLONG' } as never))).toBe('ITCH_ERR_SYMBOL_TOO_LONG');
    expect([w.length, w.records]).toEqual([65537, 1]);
    w.clear();
    expect([w.length, w.records, w.view().length]).toEqual([0, 0, 0]);
  });
});
