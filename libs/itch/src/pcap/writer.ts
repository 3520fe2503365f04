/**
 * A small capture writer for tests and simulators: classic pcap (either byte order, micro- or nanosecond
 * timestamps) or pcapng (SHB + one Ethernet IDB + EPBs), each record an Ethernet II / IPv4 / UDP frame
 * built by `buildUdpFrame` (optional VLAN / QinQ tags, correct IPv4 header checksum).
 * Returns bytes; writing them anywhere is the caller's job.
 */
import { ItchError } from '../errors';
import { LINKTYPE_ETHERNET, PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS, PCAPNG_BLOCK_EPB, PCAPNG_BLOCK_IDB, PCAPNG_BLOCK_SHB, PCAPNG_BYTE_ORDER_MAGIC } from './reader';
import { buildUdpFrame } from './udp-frame';
import type { UdpFrameSpec } from './udp-frame';

export interface PcapWriterOptions {
  /** Default 'pcap'. */
  readonly format?: 'pcap' | 'pcapng';
  /** Default true (the usual on x86 capture hosts). */
  readonly littleEndian?: boolean;
  /** Nanosecond timestamps (pcap: the 0xa1b23c4d magic; pcapng: if_tsresol = 9). Default false (micro). */
  readonly nanosecond?: boolean;
  /** Snap length in the file header. Default 262144. */
  readonly snapLength?: number;
}

export interface PcapUdpRecord extends UdpFrameSpec {
  /** Seconds since the epoch. */
  readonly tsSeconds: number;
  /** Nanoseconds within the second (truncated to microseconds unless `nanosecond`). */
  readonly tsNanos: number;
}

class Out {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(
    size: number,
    private readonly le: boolean,
  ) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u16(at: number, v: number): void {
    this.view.setUint16(at, v, this.le);
  }
  u32(at: number, v: number): void {
    this.view.setUint32(at, v, this.le);
  }
}

export class PcapWriter {
  readonly format: 'pcap' | 'pcapng';
  private readonly le: boolean;
  private readonly nanos: boolean;
  private readonly snapLength: number;

  constructor(options: PcapWriterOptions = {}) {
    this.format = options.format ?? 'pcap';
    this.le = options.littleEndian ?? true;
    this.nanos = options.nanosecond ?? false;
    this.snapLength = options.snapLength ?? 262144;
    if (!Number.isInteger(this.snapLength) || this.snapLength < 1 || this.snapLength > 0xffffffff) {
      throw new ItchError('PCAP_ERR_FIELD_INVALID', `snapLength must be a positive u32: ${this.snapLength}`);
    }
  }

  /** The file header: pcap global header, or pcapng SHB + IDB. */
  header(): Uint8Array {
    if (this.format === 'pcap') {
      const o = new Out(24, this.le);
      o.u32(0, this.nanos ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS);
      o.u16(4, 2);
      o.u16(6, 4);
      o.u32(16, this.snapLength);
      o.u32(20, LINKTYPE_ETHERNET);
      return o.bytes;
    }
    const shbLength = 28;
    const idbLength = 20 + (this.nanos ? 8 : 0) + 4; // + if_tsresol option + opt_endofopt
    const o = new Out(shbLength + idbLength, this.le);
    o.u32(0, PCAPNG_BLOCK_SHB);
    o.u32(4, shbLength);
    o.u32(8, PCAPNG_BYTE_ORDER_MAGIC);
    o.u16(12, 1);
    o.u16(14, 0);
    o.u32(16, 0xffffffff); // section length unknown (-1)
    o.u32(20, 0xffffffff);
    o.u32(24, shbLength);
    const i = shbLength;
    o.u32(i, PCAPNG_BLOCK_IDB);
    o.u32(i + 4, idbLength);
    o.u16(i + 8, LINKTYPE_ETHERNET);
    o.u32(i + 12, this.snapLength);
    let p = i + 16;
    if (this.nanos) {
      o.u16(p, 9); // if_tsresol
      o.u16(p + 2, 1);
      o.bytes[p + 4] = 9;
      p += 8;
    }
    o.u32(p, 0); // opt_endofopt
    o.u32(i + idbLength - 4, idbLength);
    return o.bytes;
  }

  /** One record (pcap) or Enhanced Packet Block (pcapng) holding an Ethernet/IPv4/UDP frame. */
  udp(record: PcapUdpRecord): Uint8Array {
    if (!Number.isInteger(record.tsSeconds) || record.tsSeconds < 0 || record.tsSeconds > 0xffffffff) {
      throw new ItchError('PCAP_ERR_FIELD_INVALID', `tsSeconds must be a u32: ${record.tsSeconds}`);
    }
    if (!Number.isInteger(record.tsNanos) || record.tsNanos < 0 || record.tsNanos >= 1e9) {
      throw new ItchError('PCAP_ERR_FIELD_INVALID', `tsNanos must be an integer in 0..999999999: ${record.tsNanos}`);
    }
    return this.frame(buildUdpFrame(record), record.tsSeconds, record.tsNanos);
  }

  /** Wraps an already built link-layer frame (e.g. a non-UDP frame in a test). */
  frame(frame: Uint8Array, tsSeconds: number, tsNanos: number): Uint8Array {
    const frac = this.nanos ? tsNanos : Math.floor(tsNanos / 1000);
    if (this.format === 'pcap') {
      const o = new Out(16 + frame.length, this.le);
      o.u32(0, tsSeconds);
      o.u32(4, frac);
      o.u32(8, frame.length);
      o.u32(12, frame.length);
      o.bytes.set(frame, 16);
      return o.bytes;
    }
    const padded = (frame.length + 3) & ~3;
    const length = 28 + padded + 4;
    const o = new Out(length, this.le);
    // tsSeconds * perSecond + frac may exceed 2^53: build the u64 hi/lo words exactly.
    const perSecond = this.nanos ? 1e9 : 1e6;
    const lo32 = (tsSeconds % 2 ** 16) * perSecond + frac; // < 2^16 * 1e9 < 2^53
    const hiPart = Math.floor(tsSeconds / 2 ** 16) * perSecond; // multiplied by 2^16 below
    // total = hiPart * 2^16 + lo32
    const totalHi = Math.floor(hiPart / 2 ** 16) + Math.floor(((hiPart % 2 ** 16) * 2 ** 16 + lo32) / 2 ** 32);
    const totalLo = ((hiPart % 2 ** 16) * 2 ** 16 + lo32) % 2 ** 32;
    o.u32(0, PCAPNG_BLOCK_EPB);
    o.u32(4, length);
    o.u32(8, 0);
    o.u32(12, totalHi);
    o.u32(16, totalLo);
    o.u32(20, frame.length);
    o.u32(24, frame.length);
    o.bytes.set(frame, 28);
    o.u32(length - 4, length);
    return o.bytes;
  }
}
