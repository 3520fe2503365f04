import fc from 'fast-check';
import type { ItchErrorCode } from '../errors';
import { PcapReader } from './reader';
import { buildUdpFrame, parseIpv4 } from './udp-frame';
import type { PcapUdpRecord, PcapWriterOptions } from './index';
import { PcapWriter } from './writer';

type Out = { payload: number[]; src: string; dst: string; ts: string; vlans: [number, number]; frame: number } | { error: ItchErrorCode; at: number } | { skip: string };

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function read(input: Uint8Array, cuts: number[] = []): Out[] {
  const out: Out[] = [];
  const reader = new PcapReader({
    onUdp(d) {
      out.push({
        payload: [...d.bytes.subarray(d.offset, d.offset + d.length)],
        src: `${d.srcIp}:${d.srcPort}`,
        dst: `${d.dstIp}:${d.dstPort}`,
        ts: d.timestampNs.toString(),
        vlans: [d.outerVlan, d.innerVlan],
        frame: d.frameIndex,
      });
    },
    onError: (error, at) => out.push({ error, at }),
    onSkip: (reason) => out.push({ skip: reason }),
  });
  let prev = 0;
  for (const c of [...cuts, input.length]) {
    reader.push(input.subarray(prev, c));
    prev = c;
  }
  reader.end();
  return out;
}

function everySplitAgrees(input: Uint8Array): Out[] {
  const whole = read(input);
  for (let i = 0; i <= input.length; i++) expect(read(input, [i])).toEqual(whole);
  expect(read(input, Array.from({ length: input.length }, (_, i) => i))).toEqual(whole);
  return whole;
}

const records: PcapUdpRecord[] = [
  { srcIp: parseIpv4('10.0.0.1'), dstIp: parseIpv4('233.54.12.111'), srcPort: 4000, dstPort: 26477, payload: Uint8Array.of(1, 2, 3), tsSeconds: 1_700_000_000, tsNanos: 123_456_789 },
  { srcIp: parseIpv4('10.0.0.2'), dstIp: parseIpv4('233.54.12.112'), srcPort: 4001, dstPort: 26478, payload: new Uint8Array(300).fill(7), tsSeconds: 1_700_000_001, tsNanos: 999_999_999, vlan: 100 },
  { srcIp: parseIpv4('192.168.1.1'), dstIp: parseIpv4('192.168.1.2'), srcPort: 1, dstPort: 2, payload: new Uint8Array(0), tsSeconds: 4_000_000_000, tsNanos: 1, vlan: 5, outerVlan: 9 },
];

function expected(nanos: boolean): Out[] {
  return records.map((r, i) => ({
    payload: [...r.payload],
    src: `${r.srcIp}:${r.srcPort}`,
    dst: `${r.dstIp}:${r.dstPort}`,
    ts: (BigInt(r.tsSeconds) * 1_000_000_000n + BigInt(nanos ? r.tsNanos : Math.floor(r.tsNanos / 1000) * 1000)).toString(),
    vlans: [r.outerVlan ?? r.vlan ?? -1, r.outerVlan === undefined ? -1 : r.vlan!] as [number, number],
    frame: i,
  }));
}

describe('PcapWriter -> PcapReader round trip', () => {
  const variants: PcapWriterOptions[] = [
    { format: 'pcap', littleEndian: true },
    { format: 'pcap', littleEndian: false },
    { format: 'pcap', littleEndian: true, nanosecond: true },
    { format: 'pcap', littleEndian: false, nanosecond: true },
    { format: 'pcapng', littleEndian: true },
    { format: 'pcapng', littleEndian: false },
    { format: 'pcapng', littleEndian: true, nanosecond: true },
    { format: 'pcapng', littleEndian: false, nanosecond: true },
  ];
  it.each(variants)('%j: same result for every split offset and byte by byte', (options) => {
    const w = new PcapWriter(options);
    const file = concat([w.header(), ...records.map((r) => w.udp(r))]);
    expect(everySplitAgrees(file)).toEqual(expected(options.nanosecond ?? false));
  });

  it('hands out views of the pushed chunk when a record lies inside it (zero copy)', () => {
    const w = new PcapWriter();
    const file = concat([w.header(), ...records.map((r) => w.udp(r))]);
    const views: Uint8Array[] = [];
    const reader = new PcapReader({ onUdp: (d) => views.push(d.bytes), onError: () => undefined });
    reader.push(file);
    expect(views).toHaveLength(3);
    expect(views.every((v) => v === file)).toBe(true);
    expect(reader.format).toBe('pcap');
  });

  it('counts skipped frames by reason (IPv6, TCP, later fragments)', () => {
    const w = new PcapWriter({ format: 'pcapng' });
    const base = buildUdpFrame({ ...records[0]!, payload: new Uint8Array(20) });
    const ipv6 = base.slice();
    ipv6[12] = 0x86;
    ipv6[13] = 0xdd;
    const tcp = base.slice();
    tcp[23] = 6;
    const frag = base.slice();
    frag[21] = 0x08;
    const file = concat([w.header(), w.frame(ipv6, 1, 0), w.frame(tcp, 1, 0), w.frame(frag, 1, 0), w.udp(records[0]!)]);
    const reader = new PcapReader({ onUdp: () => undefined, onError: () => undefined });
    reader.push(file);
    reader.end();
    expect(reader.stats).toEqual({ frames: 4, udp: 1, skipped: { 'not-ipv4': 1, 'not-udp': 1, 'ip-fragment': 1, malformed: 0, 'unsupported-link-type': 0 } });
    expect(everySplitAgrees(file).map((o) => ('skip' in o ? o.skip : 'udp'))).toEqual(['not-ipv4', 'not-udp', 'ip-fragment', 'udp']);
  });
});

/** Hand-built pcapng blocks (big-endian) for features the writer does not produce. */
function block(type: number, body: number[]): Uint8Array {
  const padded = [...body];
  while (padded.length % 4) padded.push(0);
  const len = 12 + padded.length;
  const u32 = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  return Uint8Array.from([...u32(type), ...u32(len), ...padded, ...u32(len)]);
}
const u32 = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const shb = () => block(0x0a0d0d0a, [...u32(0x1a2b3c4d), 0, 1, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]);
const idb = (linkType: number, options: number[] = []) => block(1, [0, linkType, 0, 0, ...u32(65535), ...options]);

describe('PcapReader pcapng details', () => {
  const frame = buildUdpFrame({ ...records[0]!, payload: Uint8Array.of(5, 6) });

  it('reads Simple Packet Blocks, skips unknown blocks, honours if_tsresol and if_tsoffset', () => {
    const spb = block(3, [...u32(frame.length), ...frame]);
    const unknown = block(0x0bad, [1, 2, 3, 4]);
    // if_tsresol = 3 (ms), if_tsoffset = 100 s; EPB timestamp 1500 ms.
    const iface = idb(1, [0, 9, 0, 1, 3, 0, 0, 0, 0, 14, 0, 8, ...u32(0), ...u32(100), 0, 0, 0, 0]);
    const epb = block(6, [...u32(0), ...u32(0), ...u32(1500), ...u32(frame.length), ...u32(frame.length), ...frame]);
    const file = concat([shb(), iface, unknown, spb, epb]);
    const out = everySplitAgrees(file);
    expect(out.map((o) => ('ts' in o ? [o.payload, o.ts] : o))).toEqual([
      [[5, 6], '0'],
      [[5, 6], (101n * 1_000_000_000n + 500_000_000n).toString()],
    ]);
  });

  it('skips packets on a non-Ethernet interface with a counted reason', () => {
    const epb = block(6, [...u32(1), ...u32(0), ...u32(0), ...u32(frame.length), ...u32(frame.length), ...frame]);
    const out = everySplitAgrees(concat([shb(), idb(1), idb(101), epb]));
    expect(out).toEqual([{ skip: 'unsupported-link-type' }]);
  });

  it('a new section resets interfaces and may change byte order', () => {
    const le = new PcapWriter({ format: 'pcapng', littleEndian: true });
    const be = new PcapWriter({ format: 'pcapng', littleEndian: false });
    const file = concat([le.header(), le.udp(records[0]!), be.header(), be.udp(records[1]!)]);
    expect(everySplitAgrees(file).map((o) => ('frame' in o ? o.frame : o))).toEqual([0, 1]);
  });
});

describe('PcapReader errors: reported with offsets, never thrown, identical for every split', () => {
  const w = new PcapWriter();
  const good = concat([w.header(), w.udp(records[0]!)]);
  const cases: [string, Uint8Array, ItchErrorCode, number][] = [
    ['bad magic', Uint8Array.from([1, 2, 3, 4, ...new Uint8Array(30)]), 'PCAP_ERR_BAD_MAGIC', 0],
    ['empty file', new Uint8Array(0), 'PCAP_ERR_TRUNCATED', 0],
    ['truncated header', good.subarray(0, 10), 'PCAP_ERR_TRUNCATED', 0],
    ['truncated record', good.subarray(0, good.length - 1), 'PCAP_ERR_TRUNCATED', 24],
    ['truncated record header', good.subarray(0, 30), 'PCAP_ERR_TRUNCATED', 24],
    ['link type not Ethernet', (() => { const b = good.slice(); b[20] = 101; return b; })(), 'PCAP_ERR_UNSUPPORTED_LINK_TYPE', 20],
    ['record too large', (() => { const b = good.slice(); b[24 + 10] = 0x7f; return b; })(), 'PCAP_ERR_RECORD_TOO_LARGE', 24],
    ['pcapng bad byte-order magic', (() => { const b = shb(); b[8] = 0; return b; })(), 'PCAP_ERR_BAD_BYTE_ORDER', 8],
    ['pcapng block length not a multiple of 4', (() => { const b = concat([shb(), idb(1)]); b[28 + 7] = 21; return b; })(), 'PCAP_ERR_BAD_BLOCK_LENGTH', 28],
    ['pcapng trailer mismatch', (() => { const b = concat([shb(), idb(1)]); b[b.length - 1] = 0; return b; })(), 'PCAP_ERR_BAD_BLOCK_LENGTH', 28],
    ['pcapng EPB before any IDB', concat([shb(), block(6, [...u32(0), ...u32(0), ...u32(0), ...u32(0), ...u32(0)])]), 'PCAP_ERR_UNKNOWN_INTERFACE', 28],
  ];
  it.each(cases)('%s', (_n, input, code, at) => {
    const out = everySplitAgrees(input);
    expect(out.filter((o) => 'error' in o)).toEqual([{ error: code, at }]);
    expect(out.at(-1)).toEqual({ error: code, at });
  });

  it('a complete file reports no error at end()', () => {
    expect(read(good).some((o) => 'error' in o)).toBe(false);
  });
});

describe('PcapReader fuzz', () => {
  function check(input: Uint8Array, cuts: number[]) {
    const whole: Out[] = [];
    const reader = new PcapReader({
      onUdp(d) {
        // A datagram from a single-chunk push is a view of the input itself, inside its bounds.
        expect(d.bytes).toBe(input);
        expect(d.offset + d.length).toBeLessThanOrEqual(input.length);
        whole.push({ payload: [...d.bytes.subarray(d.offset, d.offset + d.length)], src: '', dst: '', ts: '', vlans: [0, 0], frame: d.frameIndex });
      },
      onError: (error, at) => whole.push({ error, at }),
    });
    reader.push(input);
    reader.end();
    const split = read(input, cuts).filter((o) => !('skip' in o)).map((o) => ('payload' in o ? o.payload : o));
    expect(split).toEqual(whole.map((o) => ('payload' in o ? o.payload : o)));
  }
  const cutsFor = (raw: number[], n: number) => [...new Set(raw.map((c) => c % (n + 1)))].sort((a, b) => a - b);

  it('random bytes never throw and chunking does not matter', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, raw) => {
        check(bytes, cutsFor(raw, bytes.length));
        // Also behind valid magics.
        for (const head of [new PcapWriter().header(), new PcapWriter({ format: 'pcapng', littleEndian: false }).header()]) {
          const b = concat([head, bytes]);
          check(b, cutsFor(raw, b.length));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('mutated valid captures never throw and chunking does not matter', () => {
    const files = [
      new PcapWriter(),
      new PcapWriter({ format: 'pcap', littleEndian: false, nanosecond: true }),
      new PcapWriter({ format: 'pcapng' }),
      new PcapWriter({ format: 'pcapng', littleEndian: false }),
    ].map((w) => concat([w.header(), ...records.map((r) => w.udp(r))]));
    fc.assert(
      fc.property(
        fc.constantFrom(...files),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.nat(),
        (file, muts, raw, cut) => {
          const b = file.slice(0, file.length - (cut % 8));
          for (const [at, v] of muts) b[at % b.length] = v;
          check(b, cutsFor(raw, b.length));
        },
      ),
      { numRuns: 500 },
    );
  });
});
