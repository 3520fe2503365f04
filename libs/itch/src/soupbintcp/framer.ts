/**
 * Streaming SoupBinTCP framer: TCP chunks in, one callback per packet out.
 *
 * A byte state machine in the style of the nats.js parser: when a whole packet lies inside the pushed chunk
 * the handler gets a view of that chunk (zero copy); only a packet that spans chunks is copied, into a
 * scratch buffer owned by the framer. Either way the bytes are valid only during the callback: copy what
 * you keep. Errors (zero length, unknown type, type not valid in this direction, wrong length for the type)
 * are reported once with the stream offset of the bad packet's length prefix; the framer then stops (TCP
 * framing cannot resynchronise) until `reset()`.
 */
import type { ItchErrorCode } from '../errors';
import { SOUPBINTCP_PAYLOAD_LENGTH, soupBinTcpTypeTable, SoupBinTcpDirection } from './packet';

export interface SoupBinTcpFramerHandler {
  /** One packet: `bytes[payloadOffset, payloadOffset + payloadLength)` is the payload (after the type byte). */
  onPacket(type: number, bytes: Uint8Array, payloadOffset: number, payloadLength: number): void;
  /** A framing error at `streamOffset` (bytes since construction or `reset()`); the framer has stopped. */
  onError(code: ItchErrorCode, streamOffset: number): void;
}

const State = {
  LENGTH_HI: 0,
  LENGTH_LO: 1,
  TYPE: 2,
  PAYLOAD: 3,
  STOPPED: 4,
} as const;
type State = (typeof State)[keyof typeof State];

const EMPTY = new Uint8Array(0);
const INITIAL_SCRATCH = 256;

export class SoupBinTcpFramer {
  private state: State = State.LENGTH_HI;
  private readonly types: Int8Array;
  /** Stream offset of the first byte of the chunk being pushed. */
  private base = 0;
  /** Stream offset of the current packet's length prefix. */
  private packetStart = 0;
  private packetLength = 0;
  private type = 0;
  private scratch: Uint8Array = EMPTY;
  private filled = 0;

  constructor(
    private readonly handler: SoupBinTcpFramerHandler,
    direction: SoupBinTcpDirection = SoupBinTcpDirection.BOTH,
  ) {
    this.types = soupBinTcpTypeTable(direction);
  }

  /** Bytes consumed since construction or `reset()`. */
  get streamOffset(): number {
    return this.base;
  }

  /** True after an error or `stop()`. */
  get stopped(): boolean {
    return this.state === State.STOPPED;
  }

  /** True when the framer holds part of a packet (a disconnect now would cut a packet). */
  get midPacket(): boolean {
    return this.state !== State.LENGTH_HI && this.state !== State.STOPPED;
  }

  /** Stops delivery: later bytes, including the rest of the current chunk, are ignored until `reset()`. */
  stop(): void {
    this.state = State.STOPPED;
  }

  /** Forgets any partial packet and the stream offset (new connection). Not to be called from a callback. */
  reset(): void {
    this.state = State.LENGTH_HI;
    this.base = 0;
    this.filled = 0;
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const state = this.state;
      if (state === State.STOPPED) break;
      if (state === State.LENGTH_HI) {
        this.packetStart = this.base + i;
        if (n - i >= 3) {
          // Fast path: header in this chunk.
          const len = (chunk[i]! << 8) | chunk[i + 1]!;
          if (!this.check(len, chunk[i + 2]!)) break;
          if (n - i >= 2 + len) {
            this.handler.onPacket(chunk[i + 2]!, chunk, i + 3, len - 1);
            i += 2 + len;
            continue;
          }
          this.packetLength = len;
          this.type = chunk[i + 2]!;
          this.beginPayload(len - 1);
          i += 3;
          continue;
        }
        this.packetLength = chunk[i++]! << 8;
        this.state = State.LENGTH_LO;
        continue;
      }
      if (state === State.LENGTH_LO) {
        this.packetLength |= chunk[i++]!;
        if (this.packetLength === 0) {
          this.fail('SOUPBINTCP_ERR_ZERO_LENGTH');
          break;
        }
        this.state = State.TYPE;
        continue;
      }
      if (state === State.TYPE) {
        this.type = chunk[i++]!;
        if (!this.check(this.packetLength, this.type)) break;
        if (this.packetLength === 1) {
          this.state = State.LENGTH_HI;
          this.handler.onPacket(this.type, EMPTY, 0, 0);
          continue;
        }
        this.beginPayload(this.packetLength - 1);
        continue;
      }
      // PAYLOAD: copy across the chunk boundary.
      const want = this.packetLength - 1 - this.filled;
      const take = want < n - i ? want : n - i;
      this.scratch.set(take === n - i && i === 0 ? chunk : chunk.subarray(i, i + take), this.filled);
      this.filled += take;
      i += take;
      if (this.filled === this.packetLength - 1) {
        this.state = State.LENGTH_HI;
        this.handler.onPacket(this.type, this.scratch, 0, this.filled);
      }
    }
    this.base += n;
  }

  private beginPayload(payloadLength: number): void {
    if (this.scratch.length < payloadLength) {
      let size = this.scratch.length === 0 ? INITIAL_SCRATCH : this.scratch.length;
      while (size < payloadLength) size *= 2;
      this.scratch = new Uint8Array(size);
    }
    this.filled = 0;
    this.state = State.PAYLOAD;
  }

  /** Validates length and type; on failure reports and stops. */
  private check(len: number, type: number): boolean {
    if (len === 0) return this.fail('SOUPBINTCP_ERR_ZERO_LENGTH');
    const allowed = this.types[type]!;
    if (allowed < 0) return this.fail('SOUPBINTCP_ERR_UNKNOWN_TYPE');
    if (allowed === 0) return this.fail('SOUPBINTCP_ERR_UNEXPECTED_TYPE');
    const fixed = SOUPBINTCP_PAYLOAD_LENGTH[type]!;
    if (fixed >= 0 && len - 1 !== fixed) return this.fail('SOUPBINTCP_ERR_LENGTH_FOR_TYPE');
    return true;
  }

  private fail(code: ItchErrorCode): false {
    this.state = State.STOPPED;
    this.handler.onError(code, this.packetStart);
    return false;
  }
}
