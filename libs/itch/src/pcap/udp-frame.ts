/**
 * Ethernet II (+ optional 802.1Q / QinQ tags) / IPv4 / UDP: decode a captured frame down to its UDP payload,
 * and build such a frame (for the pcap writer and simulators). IPv4 addresses are u32 numbers
 * (`0x0a000001` = 10.0.0.1).
 */
import { ItchError } from '../errors';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
/** Pre-standard QinQ tag some switches still emit. */
export const ETHERTYPE_QINQ_LEGACY = 0x9100;
export const IP_PROTOCOL_UDP = 17;

/** Why a frame yielded no UDP payload. */
export const PcapSkipReason = {
  /** Not IPv4 (IPv6, ARP, ...). */
  NOT_IPV4: 'not-ipv4',
  /** IPv4 but not UDP. */
  NOT_UDP: 'not-udp',
  /** An IPv4 fragment other than the first (no UDP header). */
  IP_FRAGMENT: 'ip-fragment',
  /** Headers cut short or inconsistent. */
  MALFORMED: 'malformed',
  /** pcapng interface whose link type is not Ethernet. */
  UNSUPPORTED_LINK_TYPE: 'unsupported-link-type',
} as const;
export type PcapSkipReason = (typeof PcapSkipReason)[keyof typeof PcapSkipReason];

/**
 * One UDP datagram found in a capture. The reader reuses a single instance (no allocation per packet):
 * read the fields during the callback, copy what you keep. `bytes[offset, offset+length)` is the payload.
 */
export class PcapUdpDatagram {
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;
  length = 0;
  srcIp = 0;
  srcPort = 0;
  dstIp = 0;
  dstPort = 0;
  /** Outer and inner VLAN ids (-1 when absent). */
  outerVlan = -1;
  innerVlan = -1;
  /** Capture time: whole seconds since the epoch, and nanoseconds within the second (both exact). */
  tsSeconds = 0;
  tsNanos = 0;
  /** True when the payload is shorter than the UDP length says (snap length cut, or a first IP fragment). */
  truncated = false;
  /** True when this is the first fragment of a fragmented IP datagram (More Fragments set). */
  fragmented = false;
  /** Index of the capture record/block holding the frame (0-based, counting packet records only). */
  frameIndex = 0;

  /**
   * Capture time in ns since the epoch as a bigint (allocates). A JS number cannot hold it exactly
   * (~1.7e18 > 2^53), hence `tsSeconds` + `tsNanos` on the hot path.
   */
  get timestampNs(): bigint {
    return BigInt(this.tsSeconds) * 1_000_000_000n + BigInt(this.tsNanos);
  }
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}
function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

/**
 * Decodes an Ethernet frame `bytes[offset, offset+capturedLength)` into `out` (payload view, addresses,
 * ports, VLANs, flags). Returns null on success, else why it was skipped. Never throws.
 */
export function decodeUdpFrame(bytes: Uint8Array, offset: number, capturedLength: number, out: PcapUdpDatagram): PcapSkipReason | null {
  const end = offset + capturedLength;
  if (capturedLength < 14) return PcapSkipReason.MALFORMED;
  let etherType = u16(bytes, offset + 12);
  let p = offset + 14;
  out.outerVlan = -1;
  out.innerVlan = -1;
  for (let tags = 0; (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ || etherType === ETHERTYPE_QINQ_LEGACY) && tags < 2; tags++) {
    if (p + 4 > end) return PcapSkipReason.MALFORMED;
    const id = u16(bytes, p) & 0x0fff;
    if (tags === 0) out.outerVlan = id;
    else out.innerVlan = id;
    etherType = u16(bytes, p + 2);
    p += 4;
  }
  if (etherType !== ETHERTYPE_IPV4) return PcapSkipReason.NOT_IPV4;
  if (p + 20 > end) return PcapSkipReason.MALFORMED;
  const vihl = bytes[p]!;
  const ihl = (vihl & 0x0f) * 4;
  if (vihl >> 4 !== 4 || ihl < 20 || p + ihl > end) return PcapSkipReason.MALFORMED;
  const totalLength = u16(bytes, p + 2);
  if (totalLength < ihl) return PcapSkipReason.MALFORMED;
  const flagsFragment = u16(bytes, p + 6);
  if ((flagsFragment & 0x1fff) !== 0) return PcapSkipReason.IP_FRAGMENT;
  if (bytes[p + 9] !== IP_PROTOCOL_UDP) return PcapSkipReason.NOT_UDP;
  // The IP total length bounds the datagram: Ethernet pads short frames to 60 bytes.
  const ipEnd = p + totalLength < end ? p + totalLength : end;
  const udp = p + ihl;
  if (udp + 8 > ipEnd) return PcapSkipReason.MALFORMED;
  const udpLength = u16(bytes, udp + 4);
  if (udpLength < 8) return PcapSkipReason.MALFORMED;
  const payloadEnd = udp + udpLength < ipEnd ? udp + udpLength : ipEnd;
  out.bytes = bytes;
  out.offset = udp + 8;
  out.length = payloadEnd - (udp + 8);
  out.srcIp = u32(bytes, p + 12);
  out.dstIp = u32(bytes, p + 16);
  out.srcPort = u16(bytes, udp);
  out.dstPort = u16(bytes, udp + 2);
  out.fragmented = (flagsFragment & 0x2000) !== 0;
  out.truncated = payloadEnd < udp + udpLength;
  return null;
}

/** Internet checksum (RFC 1071) of `bytes[offset, offset+length)`. */
export function ipv4HeaderChecksum(bytes: Uint8Array, offset: number, length: number): number {
  let sum = 0;
  for (let i = 0; i + 1 < length; i += 2) sum += u16(bytes, offset + i);
  if (length & 1) sum += bytes[offset + length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** `'10.0.0.1'` -> `0x0a000001`. Throws ItchError on anything else. */
export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) throw new ItchError('PCAP_ERR_FIELD_INVALID', `not an IPv4 address: ${text}`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** `0x0a000001` -> `'10.0.0.1'`. */
export function formatIpv4(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

export interface UdpFrameSpec {
  readonly srcIp: number;
  readonly dstIp: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
  /** 802.1Q VLAN id (0..4095). With `outerVlan` too, this is the inner (customer) tag. */
  readonly vlan?: number;
  /** QinQ (0x88a8) service tag id, outside `vlan`. */
  readonly outerVlan?: number;
  /** IPv4 identification field (default 0). */
  readonly ipId?: number;
  readonly ttl?: number;
}

function checkInt(value: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new ItchError('PCAP_ERR_FIELD_INVALID', `${field} must be an integer in 0..${max}: ${value}`);
  return value;
}

/**
 * Builds an Ethernet II frame carrying IPv4/UDP (correct IPv4 header checksum, UDP checksum 0 = none),
 * padded to the 60-byte Ethernet minimum. The destination MAC is the multicast MAC for a multicast
 * destination (01:00:5e + low 23 bits), else a fixed unicast MAC.
 */
export function buildUdpFrame(spec: UdpFrameSpec): Uint8Array {
  checkInt(spec.srcIp, 0xffffffff, 'srcIp');
  checkInt(spec.dstIp, 0xffffffff, 'dstIp');
  checkInt(spec.srcPort, 0xffff, 'srcPort');
  checkInt(spec.dstPort, 0xffff, 'dstPort');
  const tags = (spec.vlan === undefined ? 0 : 1) + (spec.outerVlan === undefined ? 0 : 1);
  if (spec.outerVlan !== undefined && spec.vlan === undefined) throw new ItchError('PCAP_ERR_FIELD_INVALID', 'outerVlan needs vlan (the inner tag)');
  const ipLength = 20 + 8 + spec.payload.length;
  if (ipLength > 0xffff) throw new ItchError('PCAP_ERR_FIELD_INVALID', `payload too large for one IPv4 datagram: ${spec.payload.length}`);
  const header = 14 + 4 * tags;
  const out = new Uint8Array(Math.max(60, header + ipLength));
  const dst = spec.dstIp;
  if (dst >>> 28 === 0xe) out.set([0x01, 0x00, 0x5e, (dst >>> 16) & 0x7f, (dst >>> 8) & 0xff, dst & 0xff], 0);
  else out.set([0x02, 0x00, 0x00, 0x00, 0x00, 0x02], 0);
  out.set([0x02, 0x00, 0x00, 0x00, 0x00, 0x01], 6);
  let p = 12;
  const put16 = (v: number) => {
    out[p] = v >>> 8;
    out[p + 1] = v & 0xff;
    p += 2;
  };
  if (spec.outerVlan !== undefined) {
    put16(ETHERTYPE_QINQ);
    put16(checkInt(spec.outerVlan, 0xfff, 'outerVlan'));
  }
  if (spec.vlan !== undefined) {
    put16(ETHERTYPE_VLAN);
    put16(checkInt(spec.vlan, 0xfff, 'vlan'));
  }
  put16(ETHERTYPE_IPV4);
  const ip = p;
  out[ip] = 0x45;
  p = ip + 2;
  put16(ipLength);
  put16(checkInt(spec.ipId ?? 0, 0xffff, 'ipId'));
  put16(0x4000); // DF, offset 0
  out[ip + 8] = checkInt(spec.ttl ?? 64, 255, 'ttl');
  out[ip + 9] = IP_PROTOCOL_UDP;
  p = ip + 12;
  put16(spec.srcIp >>> 16);
  put16(spec.srcIp & 0xffff);
  put16(spec.dstIp >>> 16);
  put16(spec.dstIp & 0xffff);
  const checksum = ipv4HeaderChecksum(out, ip, 20);
  out[ip + 10] = checksum >>> 8;
  out[ip + 11] = checksum & 0xff;
  p = ip + 20;
  put16(spec.srcPort);
  put16(spec.dstPort);
  put16(8 + spec.payload.length);
  put16(0);
  out.set(spec.payload, p);
  return out;
}
