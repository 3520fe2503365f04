/**
 * Streaming capture reader: classic pcap (both byte orders, microsecond and nanosecond magic) and pcapng
 * (SHB, IDB, EPB, SPB and the obsolete PB; both byte orders; several sections; unknown blocks skipped).
 * Every Ethernet frame carrying IPv4/UDP yields one `onUdp` callback with a reused `PcapUdpDatagram`.
 *
 * Same shape as the SoupBinTCP framer: a record (or block) lying inside the pushed chunk is decoded in
 * place; only one that spans chunks is copied into a scratch buffer. Fatal problems (bad magic, bad block
 * length, record larger than `maxRecordBytes`, classic link type not Ethernet, unknown interface, a file
 * ending mid-record at `end()`) are reported once with the file offset, never thrown; the reader then stops.
 * Frames that are not IPv4/UDP are counted in `stats.skipped` by reason.
 */
import type { ItchErrorCode } from '../errors';
import { decodeUdpFrame, PcapSkipReason, PcapUdpDatagram } from './udp-frame';

export interface PcapReaderHandler {
  onUdp(datagram: PcapUdpDatagram): void;
  /** Fatal: the reader has stopped. `offset` is the file offset of the bad header/record/block. */
  onError(code: ItchErrorCode, offset: number): void;
  /** A frame that carried no usable UDP payload (optional; also counted in `stats.skipped`). */
  onSkip?(reason: PcapSkipReason, frameIndex: number): void;
}

/** Largest record or block accepted (bytes). */
export const DEFAULT_PCAP_MAX_RECORD_BYTES = 256 * 1024;

export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
export const PCAPNG_BLOCK_SHB = 0x0a0d0d0a;
export const PCAPNG_BLOCK_IDB = 0x00000001;
export const PCAPNG_BLOCK_PB = 0x00000002;
export const PCAPNG_BLOCK_SPB = 0x00000003;
export const PCAPNG_BLOCK_EPB = 0x00000006;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const LINKTYPE_ETHERNET = 1;

export interface PcapReaderStats {
  /** Packet records/blocks seen. */
  frames: number;
  udp: number;
  skipped: Record<PcapSkipReason, number>;
}

const Unit = {
  START: 0,
  CLASSIC_RECORD: 1,
  PCAPNG_BLOCK: 2,
  STOPPED: 3,
} as const;
type Unit = (typeof Unit)[keyof typeof Unit];

/** Bytes needed to know a unit's length. */
const HEADER_BYTES = [12, 16, 12, 0];

interface Interface {
  linkType: number;
  /** Timestamp units per second. */
  unitsPerSecond: number;
  offsetSeconds: number;
}

const EMPTY = new Uint8Array(0);

export class PcapReader {
  readonly stats: PcapReaderStats = {
    frames: 0,
    udp: 0,
    skipped: { 'not-ipv4': 0, 'not-udp': 0, 'ip-fragment': 0, malformed: 0, 'unsupported-link-type': 0 },
  };
  private unit: Unit = Unit.START;
  private littleEndian = false;
  private nanos = false;
  private interfaces: Interface[] = [];
  private base = 0;
  private scratch: Uint8Array = EMPTY;
  private filled = 0;
  /** Bytes wanted in scratch: the header size until the unit length is known, then the unit length. */
  private want = 0;
  private unitLength = -1;
  private unitStart = 0;
  private readonly datagram = new PcapUdpDatagram();
  private readonly maxRecordBytes: number;
  private readonly div = { q: 0, r: 0 };

  constructor(
    private readonly handler: PcapReaderHandler,
    options: { readonly maxRecordBytes?: number } = {},
  ) {
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_PCAP_MAX_RECORD_BYTES;
  }

  /** Detected format ('unknown' until the first 12 bytes). */
  get format(): 'unknown' | 'pcap' | 'pcapng' {
    if (this.unit === Unit.CLASSIC_RECORD) return 'pcap';
    if (this.unit === Unit.PCAPNG_BLOCK) return 'pcapng';
    return this.interfaces.length > 0 ? 'pcapng' : 'unknown';
  }

  get stopped(): boolean {
    return this.unit === Unit.STOPPED;
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let pos = 0;
    while (pos < n && this.unit !== Unit.STOPPED) {
      if (this.filled > 0) {
        const take = Math.min(this.want - this.filled, n - pos);
        this.scratch.set(chunk.subarray(pos, pos + take), this.filled);
        this.filled += take;
        pos += take;
        if (this.filled < this.want) break;
        if (this.unitLength < 0) {
          const len = this.lengthOf(this.scratch, 0);
          if (len < 0) break;
          this.unitLength = len;
          if (len > this.filled) {
            this.grow(len);
            this.want = len;
            continue;
          }
        }
        const len = this.unitLength;
        this.filled = 0;
        this.unitLength = -1;
        this.process(this.scratch, 0, len);
        continue;
      }
      this.unitStart = this.base + pos;
      const header = HEADER_BYTES[this.unit]!;
      if (n - pos < header) {
        this.stash(chunk, pos, header, -1);
        pos = n;
        break;
      }
      const len = this.lengthOf(chunk, pos);
      if (len < 0) break;
      if (n - pos >= len) {
        this.process(chunk, pos, len);
        pos += len;
        continue;
      }
      this.stash(chunk, pos, len, len);
      pos = n;
    }
    this.base += n;
  }

  /** End of input: reports `PCAP_ERR_TRUNCATED` if the file stopped inside a header, record or block. */
  end(): void {
    if (this.unit === Unit.STOPPED) return;
    if (this.filled > 0 || this.unit === Unit.START) {
      // An empty input is truncated too: not even a file header.
      this.unitStart = this.filled > 0 ? this.unitStart : this.base;
      this.fail('PCAP_ERR_TRUNCATED', this.unitStart);
    }
  }

  private stash(chunk: Uint8Array, pos: number, want: number, unitLength: number): void {
    this.grow(want);
    this.scratch.set(chunk.subarray(pos), 0);
    this.filled = chunk.length - pos;
    this.want = want;
    this.unitLength = unitLength;
  }

  private grow(size: number): void {
    if (this.scratch.length >= size) return;
    let s = Math.max(256, this.scratch.length);
    while (s < size) s *= 2;
    const next = new Uint8Array(s);
    next.set(this.scratch.subarray(0, this.filled));
    this.scratch = next;
  }

  private u16(b: Uint8Array, at: number): number {
    return this.littleEndian ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
  }

  private u32(b: Uint8Array, at: number): number {
    return this.littleEndian
      ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + ((b[at + 3]! << 24) >>> 0)
      : ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
  }

  /** Length of the unit starting at `at` (header bytes available), or -1 after reporting an error. */
  private lengthOf(b: Uint8Array, at: number): number {
    switch (this.unit) {
      case Unit.START: {
        const be = ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
        const le = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + ((b[at + 3]! << 24) >>> 0);
        if (be === PCAP_MAGIC_MICROS || be === PCAP_MAGIC_NANOS || le === PCAP_MAGIC_MICROS || le === PCAP_MAGIC_NANOS) return 24;
        if (be === PCAPNG_BLOCK_SHB) {
          this.unit = Unit.PCAPNG_BLOCK;
          return this.lengthOf(b, at);
        }
        this.fail('PCAP_ERR_BAD_MAGIC', this.unitStart);
        return -1;
      }
      case Unit.CLASSIC_RECORD: {
        const incl = this.u32(b, at + 8);
        if (incl > this.maxRecordBytes) {
          this.fail('PCAP_ERR_RECORD_TOO_LARGE', this.unitStart);
          return -1;
        }
        return 16 + incl;
      }
      default: {
        const type = this.u32(b, at);
        if (type === PCAPNG_BLOCK_SHB) {
          // The byte-order magic decides how this section (starting with this block) is read.
          const bom = ((b[at + 8]! << 24) >>> 0) + ((b[at + 9]! << 16) | (b[at + 10]! << 8) | b[at + 11]!);
          if (bom === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = false;
          else if (bom === 0x4d3c2b1a) this.littleEndian = true;
          else {
            this.fail('PCAP_ERR_BAD_BYTE_ORDER', this.unitStart + 8);
            return -1;
          }
        }
        const len = this.u32(b, at + 4);
        if (len < 12 || len % 4 !== 0) {
          this.fail('PCAP_ERR_BAD_BLOCK_LENGTH', this.unitStart);
          return -1;
        }
        if (len > this.maxRecordBytes) {
          this.fail('PCAP_ERR_RECORD_TOO_LARGE', this.unitStart);
          return -1;
        }
        return len;
      }
    }
  }

  private process(b: Uint8Array, at: number, len: number): void {
    if (this.unit === Unit.START) {
      const be = ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
      this.littleEndian = !(be === PCAP_MAGIC_MICROS || be === PCAP_MAGIC_NANOS);
      this.nanos = this.u32(b, at) === PCAP_MAGIC_NANOS;
      const linkType = this.u32(b, at + 20) & 0x0fffffff;
      if (linkType !== LINKTYPE_ETHERNET) {
        this.fail('PCAP_ERR_UNSUPPORTED_LINK_TYPE', this.unitStart + 20);
        return;
      }
      this.unit = Unit.CLASSIC_RECORD;
      return;
    }
    if (this.unit === Unit.CLASSIC_RECORD) {
      const sec = this.u32(b, at);
      const frac = this.u32(b, at + 4);
      this.frame(b, at + 16, len - 16, sec, this.nanos ? frac : frac * 1000, LINKTYPE_ETHERNET);
      return;
    }
    this.block(b, at, len);
  }

  private block(b: Uint8Array, at: number, len: number): void {
    if (this.u32(b, at + len - 4) !== len) {
      this.fail('PCAP_ERR_BAD_BLOCK_LENGTH', this.unitStart);
      return;
    }
    const type = this.u32(b, at);
    switch (type) {
      case PCAPNG_BLOCK_SHB:
        if (len < 28) return this.fail('PCAP_ERR_BAD_BLOCK_LENGTH', this.unitStart);
        this.interfaces = [];
        return;
      case PCAPNG_BLOCK_IDB: {
        if (len < 20) return this.fail('PCAP_ERR_BAD_BLOCK_LENGTH', this.unitStart);
        const iface: Interface = { linkType: this.u16(b, at + 8), unitsPerSecond: 1e6, offsetSeconds: 0 };
        // Options: code u16, length u16, value padded to 32 bits; 0 = end of options.
        for (let p = at + 16; p + 4 <= at + len - 4; ) {
          const code = this.u16(b, p);
          const olen = this.u16(b, p + 2);
          if (code === 0 || p + 4 + olen > at + len - 4) break;
          if (code === 9 && olen >= 1) {
            const v = b[p + 4]!;
            iface.unitsPerSecond = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
          } else if (code === 14 && olen >= 8) {
            const hi = this.u32(b, p + 4 + (this.littleEndian ? 4 : 0));
            const lo = this.u32(b, p + 4 + (this.littleEndian ? 0 : 4));
            iface.offsetSeconds = (hi | 0) * 2 ** 32 + lo;
          }
          p += 4 + ((olen + 3) & ~3);
        }
        this.interfaces.push(iface);
        return;
      }
      case PCAPNG_BLOCK_EPB:
      case PCAPNG_BLOCK_PB: {
        if (len < 32) return this.fail('PCAP_ERR_BAD_BLOCK_LENGTH', this.unitStart);
        const id = type === PCAPNG_BLOCK_EPB ? this.u32(b, at + 8) : this.u16(b, at + 8);
        const iface = this.interfaces[id];
        if (iface === undefined) return this.fail('PCAP_ERR_UNKNOWN_INTERFACE', this.unitStart);
        const captured = this.u32(b, at + 20);
        if (28 + captured > len - 4) return this.fail('PCAP_ERR_BAD_BLOCK_LENGTH', this.unitStart);
        this.timestamp(this.u32(b, at + 12), this.u32(b, at + 16), iface.unitsPerSecond);
        this.frame(b, at + 28, captured, this.div.q + iface.offsetSeconds, this.div.r, iface.linkType);
        return;
      }
      case PCAPNG_BLOCK_SPB: {
        if (len < 16) return this.fail('PCAP_ERR_BAD_BLOCK_LENGTH', this.unitStart);
        const iface = this.interfaces[0];
        if (iface === undefined) return this.fail('PCAP_ERR_UNKNOWN_INTERFACE', this.unitStart);
        const original = this.u32(b, at + 8);
        const captured = Math.min(original, len - 16);
        this.frame(b, at + 12, captured, 0, 0, iface.linkType); // SPBs carry no timestamp
        return;
      }
      default:
        return; // unknown or uninteresting block: skipped
    }
  }

  /** Splits a u64 timestamp (hi, lo) in `unitsPerSecond` into exact seconds and nanoseconds in `this.div`. */
  private timestamp(hi: number, lo: number, unitsPerSecond: number): void {
    // Long division in base 2^16 keeps every intermediate below 2^53.
    let q = Math.floor((hi >>> 16) / unitsPerSecond);
    let r = (hi >>> 16) - q * unitsPerSecond;
    let cur = r * 65536 + (hi & 0xffff);
    let d = Math.floor(cur / unitsPerSecond);
    r = cur - d * unitsPerSecond;
    q = q * 65536 + d;
    cur = r * 65536 + (lo >>> 16);
    d = Math.floor(cur / unitsPerSecond);
    r = cur - d * unitsPerSecond;
    q = q * 65536 + d;
    cur = r * 65536 + (lo & 0xffff);
    d = Math.floor(cur / unitsPerSecond);
    r = cur - d * unitsPerSecond;
    q = q * 65536 + d;
    this.div.q = q;
    this.div.r = unitsPerSecond <= 1e9 && 1e9 % unitsPerSecond === 0 ? r * (1e9 / unitsPerSecond) : Math.floor((r / unitsPerSecond) * 1e9);
  }

  private frame(b: Uint8Array, at: number, captured: number, sec: number, nanos: number, linkType: number): void {
    const index = this.stats.frames++;
    if (linkType !== LINKTYPE_ETHERNET) return this.skip(PcapSkipReason.UNSUPPORTED_LINK_TYPE, index);
    const d = this.datagram;
    const reason = decodeUdpFrame(b, at, captured, d);
    if (reason !== null) return this.skip(reason, index);
    d.tsSeconds = sec;
    d.tsNanos = nanos;
    d.frameIndex = index;
    this.stats.udp++;
    this.handler.onUdp(d);
  }

  private skip(reason: PcapSkipReason, index: number): void {
    this.stats.skipped[reason]++;
    this.handler.onSkip?.(reason, index);
  }

  private fail(code: ItchErrorCode, offset: number): void {
    this.unit = Unit.STOPPED;
    this.handler.onError(code, offset);
  }
}
