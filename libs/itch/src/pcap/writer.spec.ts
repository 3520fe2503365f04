import { ipv4HeaderChecksum, parseIpv4 } from './udp-frame';
import { PcapWriter } from './writer';

const rec = { srcIp: parseIpv4('10.0.0.1'), dstIp: parseIpv4('10.0.0.2'), srcPort: 1, dstPort: 2, payload: Uint8Array.of(9), tsSeconds: 1_700_000_000, tsNanos: 123_456_789 };

describe('PcapWriter', () => {
  it('writes the classic global header in the chosen byte order and precision', () => {
    expect([...new PcapWriter().header().subarray(0, 4)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
    expect([...new PcapWriter({ littleEndian: false }).header().subarray(0, 4)]).toEqual([0xa1, 0xb2, 0xc3, 0xd4]);
    expect([...new PcapWriter({ littleEndian: false, nanosecond: true }).header().subarray(0, 4)]).toEqual([0xa1, 0xb2, 0x3c, 0x4d]);
    const h = new PcapWriter({ littleEndian: false }).header();
    expect([h[4], h[5], h[6], h[7], h[23]]).toEqual([0, 2, 0, 4, 1]);
  });

  it('writes records with the frame, lengths and a valid IPv4 checksum', () => {
    const r = new PcapWriter({ littleEndian: false }).udp(rec);
    const view = new DataView(r.buffer);
    expect(view.getUint32(0)).toBe(1_700_000_000);
    expect(view.getUint32(4)).toBe(123_456); // microseconds
    expect(view.getUint32(8)).toBe(r.length - 16);
    expect(ipv4HeaderChecksum(r, 16 + 14, 20)).toBe(0);
  });

  it('writes pcapng SHB + IDB and EPBs with an exact 64-bit nanosecond timestamp', () => {
    const w = new PcapWriter({ format: 'pcapng', littleEndian: false, nanosecond: true });
    const h = w.header();
    const hv = new DataView(h.buffer);
    expect(hv.getUint32(0)).toBe(0x0a0d0d0a);
    expect(hv.getUint32(8)).toBe(0x1a2b3c4d);
    expect(hv.getUint32(28)).toBe(1);
    const e = w.udp(rec);
    const ev = new DataView(e.buffer);
    const ts = (BigInt(ev.getUint32(12)) << 32n) | BigInt(ev.getUint32(16));
    expect(ts).toBe(1_700_000_000n * 1_000_000_000n + 123_456_789n);
    expect(e.length % 4).toBe(0);
    expect(ev.getUint32(e.length - 4)).toBe(e.length);
  });

  it('rejects invalid values', () => {
    expect(() => new PcapWriter({ snapLength: 0 })).toThrow('snapLength');
    expect(() => new PcapWriter().udp({ ...rec, tsNanos: 1e9 })).toThrow('tsNanos');
    expect(() => new PcapWriter().udp({ ...rec, tsSeconds: -1 })).toThrow('tsSeconds');
  });
});
