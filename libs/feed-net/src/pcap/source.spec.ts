import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildMoldUdp64EndOfSession, buildMoldUdp64Heartbeat, buildMoldUdp64Packet, buildUdpFrame, MoldUdp64PacketBuilder, parseIpv4, PcapWriter } from '@tickwire/itch';
import type { PcapWriterOptions } from '@tickwire/itch';
import type { FeedHandler } from '../feed-source';
import { PcapFeedSource } from './source';

const SESSION = 'PCAPTEST01';
const GROUP = '233.54.12.111';
const PORT_A = 26477;
const PORT_B = 26478;

/** Message `seq`: 1..64 bytes derived from the sequence number. */
function messageFor(seq: number): Uint8Array {
  const m = new Uint8Array(1 + ((seq * 7) % 64));
  for (let i = 0; i < m.length; i++) m[i] = (seq + i * 31) & 0xff;
  return m;
}

interface Packet {
  bytes: Uint8Array;
  first: number;
  count: number;
}

function mold(total: number): Packet[] {
  const packets: Packet[] = [];
  const builder = new MoldUdp64PacketBuilder(SESSION, { onPacket: (bytes, first, count) => packets.push({ bytes, first, count }) }, { maxPayloadBytes: 400 });
  for (let s = 1; s <= total; s++) {
    builder.append(messageFor(s));
    if (s % 97 === 0) builder.flush();
  }
  builder.flush();
  return packets;
}

interface Recorded {
  next: number;
  delivered: number;
  badContent: number;
  outOfOrder: number;
  gaps: [number, number][];
  errors: string[];
  ended: number;
}

function recorder(): { handler: FeedHandler; r: Recorded } {
  const r: Recorded = { next: 0, delivered: 0, badContent: 0, outOfOrder: 0, gaps: [], errors: [], ended: 0 };
  return {
    r,
    handler: {
      onMessage: (seq, bytes, offset, length) => {
        if (r.next !== 0 && seq !== r.next) r.outOfOrder++;
        r.next = seq + 1;
        r.delivered++;
        const want = messageFor(seq);
        if (length !== want.length || want.some((b, i) => bytes[offset + i] !== b)) r.badContent++;
      },
      onGap: (from, to) => {
        r.gaps.push([from, to]);
        if (r.next !== 0 && from !== r.next) r.outOfOrder++;
        r.next = to + 1;
      },
      onEndOfSession: () => r.ended++,
      onError: (code, where) => r.errors.push(`${code} @ ${where}`),
    },
  };
}

/** A non-IPv4 (ARP) frame and an IPv4/TCP frame. */
function otherFrames(): Uint8Array[] {
  const arp = new Uint8Array(60);
  arp[12] = 0x08;
  arp[13] = 0x06;
  const tcp = buildUdpFrame({ srcIp: parseIpv4('10.0.0.9'), dstIp: parseIpv4('10.0.0.1'), srcPort: 80, dstPort: PORT_A, payload: new Uint8Array(30) });
  tcp[14 + 9] = 6;
  return [arp, tcp];
}

interface Capture {
  bytes: Uint8Array;
  total: number;
  gap: [number, number];
  otherPortDatagrams: number;
  nonUdpFrames: number;
}

/** A capture of `total` messages with packet `gapIndex` missing, heartbeats, VLAN tags, other traffic. */
function capture(options: PcapWriterOptions, total = 5000): Capture {
  const packets = mold(total);
  const gapIndex = Math.floor(packets.length / 2);
  const gapPacket = packets[gapIndex]!;
  const w = new PcapWriter(options);
  const parts: Uint8Array[] = [w.header()];
  let t = 1_700_000_000;
  let otherPortDatagrams = 0;
  let nonUdpFrames = 0;
  let random = 12345;
  const udp = (payload: Uint8Array, i: number, dstPort = PORT_A) =>
    w.udp({ tsSeconds: t, tsNanos: (i * 1000) % 1e9, srcIp: parseIpv4('10.0.0.1'), dstIp: parseIpv4(GROUP), srcPort: 5000, dstPort, payload, ...(i % 3 === 0 ? { vlan: 100 } : {}) });
  packets.forEach((p, i) => {
    if (i !== gapIndex) parts.push(udp(p.bytes, i));
    if (i % 10 === 0) {
      for (const f of otherFrames()) {
        parts.push(w.frame(f, t, 0));
        nonUdpFrames++;
      }
      const junk = new Uint8Array(20 + (i % 50)).map(() => (random = (random * 1103515245 + 12345) >>> 0) >>> 24);
      parts.push(udp(junk, i, 9999));
      otherPortDatagrams++;
    }
    if (i % 25 === 0) parts.push(udp(buildMoldUdp64Heartbeat(SESSION, p.first + p.count), i));
    if (i % 100 === 99) t++;
  });
  for (let k = 0; k < 3; k++) parts.push(udp(buildMoldUdp64EndOfSession(SESSION, total + 1), k));
  return { bytes: Buffer.concat(parts), total, gap: [gapPacket.first, gapPacket.first + gapPacket.count - 1], otherPortDatagrams, nonUdpFrames };
}

describe('PcapFeedSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickwire-pcap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, PcapWriterOptions, boolean][] = [
    ['pcap (little-endian, microseconds)', { format: 'pcap' }, false],
    ['pcap gzip (big-endian, nanoseconds)', { format: 'pcap', littleEndian: false, nanosecond: true }, true],
    ['pcapng (little-endian)', { format: 'pcapng' }, false],
    ['pcapng gzip (big-endian, nanoseconds)', { format: 'pcapng', littleEndian: false, nanosecond: true }, true],
  ];

  it.each(cases)('%s: every message in order, the gap once, other traffic skipped', async (name, options, gzip) => {
    const c = capture(options);
    const path = join(dir, `${name.replace(/\W+/g, '-')}.cap`); // the format is found by content, not by name
    writeFileSync(path, gzip ? gzipSync(c.bytes) : c.bytes);
    const { handler, r } = recorder();
    const source = new PcapFeedSource(path, { dstPort: PORT_A, dstAddress: GROUP, chunkBytes: 777 });
    await source.start(handler);
    expect(r.errors).toEqual([]);
    expect(r.gaps).toEqual([c.gap]);
    expect(r.delivered).toBe(c.total - (c.gap[1] - c.gap[0] + 1));
    expect([r.outOfOrder, r.badContent, r.next, r.ended]).toEqual([0, 0, c.total + 1, 1]);
    const { capture: stats } = source.stats;
    expect(stats.filtered).toBe(c.otherPortDatagrams);
    expect(stats.reader.skipped['not-ipv4'] + stats.reader.skipped['not-udp']).toBe(c.nonUdpFrames);
    expect(source.counters).toMatchObject({ messages: r.delivered, unrecoverableGaps: 1, gapsDetected: 1, errors: 0, messagesRecovered: 0 });
  });

  it('without a port filter reports the other datagrams as errors and still delivers everything', async () => {
    const c = capture({ format: 'pcap' }, 2000);
    const path = join(dir, 'unfiltered.pcap');
    writeFileSync(path, c.bytes);
    const { handler, r } = recorder();
    const source = new PcapFeedSource(path, { session: SESSION });
    await source.start(handler);
    expect(r.errors).toHaveLength(c.otherPortDatagrams);
    expect(r.errors.every((e) => /^(MOLDUDP64_ERR_|FEED_ERR_WRONG_SESSION)/.test(e))).toBe(true);
    expect(r.gaps).toEqual([c.gap]);
    expect([r.outOfOrder, r.badContent, r.next, r.ended]).toEqual([0, 0, c.total + 1, 1]);
  });

  it("waits reorderWindowPackets for the other line's copy in a merged A/B capture", async () => {
    const packets = mold(3000);
    const w = new PcapWriter({ format: 'pcapng' });
    const parts: Uint8Array[] = [w.header()];
    const udp = (payload: Uint8Array, dstPort: number) => w.udp({ tsSeconds: 1, tsNanos: 0, srcIp: 1, dstIp: parseIpv4(GROUP), srcPort: 1, dstPort, payload });
    // Line A misses packet 10; line B's copy of it is captured 3 datagrams late.
    packets.forEach((p, i) => {
      if (i !== 10) parts.push(udp(p.bytes, PORT_A));
      if (i !== 10 && i !== 12) parts.push(udp(p.bytes, PORT_B));
      if (i === 12) parts.push(udp(packets[10]!.bytes, PORT_B), udp(p.bytes, PORT_B));
    });
    const path = join(dir, 'ab.pcapng');
    writeFileSync(path, Buffer.concat(parts));
    const lost = [packets[10]!.first, packets[10]!.first + packets[10]!.count - 1];

    const patient = recorder();
    const withWindow = new PcapFeedSource(path, { startSequence: 1 });
    await withWindow.start(patient.handler);
    expect(patient.r.gaps).toEqual([]);
    expect([patient.r.delivered, patient.r.outOfOrder, patient.r.badContent, patient.r.ended]).toEqual([3000, 0, 0, 1]);
    expect(withWindow.counters.duplicates).toBe(3000 - packets[10]!.count); // packet 10 came once (B only)

    const hasty = recorder();
    const atOnce = new PcapFeedSource(path, { reorderWindowPackets: 0 });
    await atOnce.start(hasty.handler);
    expect(hasty.r.gaps).toEqual([lost]);
    expect([hasty.r.outOfOrder, hasty.r.badContent, hasty.r.next]).toEqual([0, 0, 3001]);
  });

  it('reports a truncated capture, delivers what came before, closes the trailing gap and ends once', async () => {
    const c = capture({ format: 'pcap' }, 1000);
    const path = join(dir, 'truncated.pcap');
    writeFileSync(path, c.bytes.subarray(0, Math.floor(c.bytes.length * 0.8) + 3));
    const { handler, r } = recorder();
    await new PcapFeedSource(path, { dstPort: PORT_A }).start(handler);
    expect(r.errors).toEqual([expect.stringMatching(/^PCAP_ERR_TRUNCATED @ .*truncated\.pcap byte \d+$/)]);
    expect([r.outOfOrder, r.badContent, r.ended]).toEqual([0, 0, 1]);
    expect(r.delivered).toBeGreaterThan(0);
  });

  it('reports a file that is not a capture and a missing file, then ends', async () => {
    const path = join(dir, 'not-a-capture.bin');
    writeFileSync(path, Buffer.from('hello, this is not pcap'));
    const a = recorder();
    await new PcapFeedSource(path).start(a.handler);
    expect(a.r.errors).toEqual([expect.stringMatching(/^PCAP_ERR_BAD_MAGIC @ /)]);
    expect(a.r.ended).toBe(1);
    const b = recorder();
    await new PcapFeedSource(join(dir, 'missing.pcap')).start(b.handler);
    expect(b.r.errors).toEqual([expect.stringMatching(/^FEED_ERR_READ_FAILED @ /)]);
    expect(b.r.ended).toBe(1);
  });

  it('stops early on stop() without ending the session', async () => {
    const c = capture({ format: 'pcap' }, 3000);
    const path = join(dir, 'stop.pcap');
    writeFileSync(path, c.bytes);
    const { handler, r } = recorder();
    const source = new PcapFeedSource(path, { chunkBytes: 512 });
    handler.onMessage = () => void source.stop();
    await source.start(handler);
    expect(r.ended).toBe(0);
  });

  it('rejects bad options, naming the field', () => {
    expect(() => new PcapFeedSource('x', { dstPort: 70000 })).toThrow(/dstPort/);
    expect(() => new PcapFeedSource('x', { dstAddress: 'nope' })).toThrow(/IPv4/);
    expect(() => new PcapFeedSource('x', { reorderWindowPackets: -1 })).toThrow(/reorderWindowPackets/);
    expect(() => new PcapFeedSource('x', { startSequence: 0 })).toThrow(/startSequence/);
  });

  it('keeps a packet of another session out (session option)', async () => {
    const w = new PcapWriter();
    const udp = (payload: Uint8Array) => w.udp({ tsSeconds: 1, tsNanos: 0, srcIp: 1, dstIp: 2, srcPort: 1, dstPort: PORT_A, payload });
    const path = join(dir, 'sessions.pcap');
    writeFileSync(path, Buffer.concat([w.header(), udp(buildMoldUdp64Packet('OTHER', 1, [messageFor(1)])), udp(buildMoldUdp64Packet(SESSION, 1, [messageFor(1), messageFor(2)]))]));
    const { handler, r } = recorder();
    await new PcapFeedSource(path, { session: SESSION }).start(handler);
    expect(r.errors).toEqual([expect.stringMatching(/^FEED_ERR_WRONG_SESSION @ .*frame 0/)]);
    expect([r.delivered, r.next, r.ended]).toEqual([2, 3, 1]);
  });
});
