import { buildUdpFrame, decodeUdpFrame, formatIpv4, ipv4HeaderChecksum, parseIpv4, PcapUdpDatagram } from './udp-frame';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));

describe('ipv4HeaderChecksum', () => {
  it('matches the textbook example (0xb861) and verifies to 0', () => {
    const header = hex('450000730000400040110000c0a80001c0a800c7');
    expect(ipv4HeaderChecksum(header, 0, 20)).toBe(0xb861);
    header[10] = 0xb8;
    header[11] = 0x61;
    expect(ipv4HeaderChecksum(header, 0, 20)).toBe(0);
  });
});

describe('IPv4 address helpers', () => {
  it('round-trip', () => {
    expect(parseIpv4('233.54.12.111')).toBe(0xe9360c6f);
    expect(formatIpv4(0xe9360c6f)).toBe('233.54.12.111');
    expect(() => parseIpv4('1.2.3')).toThrow('not an IPv4 address');
    expect(() => parseIpv4('1.2.3.256')).toThrow('not an IPv4 address');
  });
});

describe('buildUdpFrame / decodeUdpFrame', () => {
  const spec = { srcIp: parseIpv4('10.1.2.3'), dstIp: parseIpv4('233.54.12.111'), srcPort: 5000, dstPort: 26477, payload: Uint8Array.of(1, 2, 3) };

  it('builds a padded multicast frame with a valid IP checksum, decoded back without the padding', () => {
    const f = buildUdpFrame(spec);
    expect(f.length).toBe(60);
    expect([...f.subarray(0, 6)]).toEqual([0x01, 0x00, 0x5e, 0x36, 0x0c, 0x6f]);
    expect(ipv4HeaderChecksum(f, 14, 20)).toBe(0);
    const d = new PcapUdpDatagram();
    expect(decodeUdpFrame(f, 0, f.length, d)).toBeNull();
    expect([...d.bytes.subarray(d.offset, d.offset + d.length)]).toEqual([1, 2, 3]);
    expect([formatIpv4(d.srcIp), d.srcPort, formatIpv4(d.dstIp), d.dstPort, d.outerVlan, d.truncated]).toEqual(['10.1.2.3', 5000, '233.54.12.111', 26477, -1, false]);
  });

  it('handles 802.1Q and QinQ tags', () => {
    const d = new PcapUdpDatagram();
    const v = buildUdpFrame({ ...spec, vlan: 42 });
    expect(decodeUdpFrame(v, 0, v.length, d)).toBeNull();
    expect([d.outerVlan, d.innerVlan, d.length]).toEqual([42, -1, 3]);
    const q = buildUdpFrame({ ...spec, vlan: 42, outerVlan: 7 });
    expect([q[12], q[13], q[16], q[17]]).toEqual([0x88, 0xa8, 0x81, 0x00]);
    expect(decodeUdpFrame(q, 0, q.length, d)).toBeNull();
    expect([d.outerVlan, d.innerVlan, d.length]).toEqual([7, 42, 3]);
  });

  it('handles IPv4 options (IHL > 5)', () => {
    const f = buildUdpFrame({ ...spec, payload: new Uint8Array(40).fill(9) });
    // Insert 8 bytes of options (NOPs) after the 20-byte IP header.
    const g = new Uint8Array(f.length + 8);
    g.set(f.subarray(0, 34), 0);
    g.fill(1, 34, 42);
    g.set(f.subarray(34), 42);
    g[14] = 0x47;
    g[17] = f[17]! + 8;
    const d = new PcapUdpDatagram();
    expect(decodeUdpFrame(g, 0, g.length, d)).toBeNull();
    expect([d.offset, d.length, d.dstPort]).toEqual([14 + 28 + 8, 40, 26477]);
  });

  it('skips with a reason: IPv6, non-UDP, later fragments, malformed; flags first fragments and truncation', () => {
    const d = new PcapUdpDatagram();
    const f = buildUdpFrame({ ...spec, payload: new Uint8Array(100) });
    const ipv6 = f.slice();
    ipv6[12] = 0x86;
    ipv6[13] = 0xdd;
    expect(decodeUdpFrame(ipv6, 0, ipv6.length, d)).toBe('not-ipv4');
    const tcp = f.slice();
    tcp[23] = 6;
    expect(decodeUdpFrame(tcp, 0, tcp.length, d)).toBe('not-udp');
    const later = f.slice();
    later[20] = 0x00;
    later[21] = 0x10;
    expect(decodeUdpFrame(later, 0, later.length, d)).toBe('ip-fragment');
    const first = f.slice();
    first[20] = 0x20; // MF, offset 0
    expect(decodeUdpFrame(first, 0, first.length, d)).toBeNull();
    expect(d.fragmented).toBe(true);
    expect(decodeUdpFrame(f, 0, 13, d)).toBe('malformed');
    expect(decodeUdpFrame(f, 0, 30, d)).toBe('malformed');
    expect(decodeUdpFrame(f, 0, 14 + 20 + 8 + 50, d)).toBeNull();
    expect([d.length, d.truncated]).toEqual([50, true]);
    const badVersion = f.slice();
    badVersion[14] = 0x65;
    expect(decodeUdpFrame(badVersion, 0, f.length, d)).toBe('malformed');
  });

  it('bounds the payload by the IP total length when the UDP length claims more', () => {
    const f = buildUdpFrame({ ...spec, payload: Uint8Array.of(1, 2, 3, 4) });
    f[14 + 20 + 4] = 0;
    f[14 + 20 + 5] = 8 + 20; // UDP length says 20 bytes of payload; IP total length says 4 (then Ethernet padding)
    const d = new PcapUdpDatagram();
    expect(decodeUdpFrame(f, 0, f.length, d)).toBeNull();
    expect([d.length, d.truncated]).toEqual([4, true]);
  });

  it('rejects invalid specs', () => {
    expect(() => buildUdpFrame({ ...spec, srcPort: 70000 })).toThrow('srcPort');
    expect(() => buildUdpFrame({ ...spec, outerVlan: 1 })).toThrow('outerVlan');
    expect(() => buildUdpFrame({ ...spec, vlan: 5000 })).toThrow('vlan');
  });
});
