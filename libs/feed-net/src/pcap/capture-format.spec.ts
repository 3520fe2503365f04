import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BinaryFileWriter, PcapWriter } from '@tickwire/itch';
import { captureFormatOf, detectCaptureFormat, detectCaptureFormatSync, isPcapFile } from './capture-format';

describe('detectCaptureFormat', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-capfmt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function binaryFile(): Uint8Array {
    const w = new BinaryFileWriter();
    for (let i = 0; i < 5000; i++) w.appendMessage({ type: 'D', stockLocate: 1, trackingNumber: 0, timestampNs: i, orderRef: i });
    return w.toUint8Array();
  }
  const header = (options: ConstructorParameters<typeof PcapWriter>[0]) => new PcapWriter(options).header();
  const files: [string, Uint8Array, string][] = [
    ['pcap little-endian', header({ format: 'pcap' }), 'pcap'],
    ['pcap big-endian nanoseconds', header({ format: 'pcap', littleEndian: false, nanosecond: true }), 'pcap'],
    ['pcapng', header({ format: 'pcapng' }), 'pcapng'],
    ['pcapng big-endian', header({ format: 'pcapng', littleEndian: false }), 'pcapng'],
    ['BinaryFILE', binaryFile(), 'binaryfile'],
    ['empty', new Uint8Array(0), 'binaryfile'],
    ['not gzip after all', Uint8Array.of(0x1f, 0x8b, 0, 0, 0, 0), 'binaryfile'],
  ];

  it.each(files)('%s, plain and gzip (async and sync agree)', async (name, bytes, format) => {
    for (const [suffix, content] of [
      ['plain', bytes],
      ['gz', name === 'not gzip after all' ? bytes : gzipSync(bytes)],
    ] as const) {
      const path = join(dir, `${name.replace(/\W+/g, '-')}.${suffix}.data`);
      writeFileSync(path, content);
      expect(await detectCaptureFormat(path)).toBe(format);
      expect(detectCaptureFormatSync(path)).toBe(format);
      expect(await isPcapFile(path)).toBe(format !== 'binaryfile');
    }
  });

  it('looks only at the head of a large gzip capture', async () => {
    const w = new PcapWriter({ format: 'pcapng' });
    const parts = [w.header()];
    for (let i = 0; i < 20000; i++) parts.push(w.udp({ tsSeconds: i, tsNanos: 0, srcIp: 1, dstIp: 2, srcPort: 3, dstPort: 4, payload: new Uint8Array(100).fill(i & 0xff) }));
    const path = join(dir, 'big.pcapng.gz');
    writeFileSync(path, gzipSync(Buffer.concat(parts)));
    expect(detectCaptureFormatSync(path)).toBe('pcapng');
  });

  it('rejects a missing file', async () => {
    await expect(detectCaptureFormat(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
    expect(() => detectCaptureFormatSync(join(dir, 'missing'))).toThrow(/ENOENT/);
  });

  it('classifies heads', () => {
    expect(captureFormatOf(Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1))).toBe('pcap');
    expect(captureFormatOf(Uint8Array.of(0x4d, 0x3c, 0xb2, 0xa1))).toBe('pcap');
    expect(captureFormatOf(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a))).toBe('pcapng');
    expect(captureFormatOf(Uint8Array.of(0x0a, 0x0d, 0x0d))).toBe('binaryfile');
  });
});
