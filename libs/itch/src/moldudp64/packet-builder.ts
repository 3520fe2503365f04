/**
 * Packs messages into MoldUDP64 downstream packets of at most `maxPayloadBytes`, numbering them.
 * Messages are copied into one reusable staging buffer; each emitted packet is a fresh exact-size copy
 * (safe to hand to `socket.send`).
 */
import { ItchError } from '../errors';
import {
  DEFAULT_MOLDUDP64_MAX_PAYLOAD_BYTES,
  encodeMoldUdp64Session,
  MOLDUDP64_END_OF_SESSION_COUNT,
  MOLDUDP64_HEADER_LENGTH,
  MOLDUDP64_HEARTBEAT_COUNT,
  MOLDUDP64_MAX_MESSAGE_COUNT,
  writeMoldUdp64Header,
} from './packet';

export interface MoldUdp64PacketSink {
  /** A finished packet; `sequence` is its first message's seq (or the next seq for heartbeat / end). */
  onPacket(packet: Uint8Array, sequence: number, messageCount: number): void;
}

export interface MoldUdp64PacketBuilderOptions {
  /** Largest packet (UDP payload) in bytes, >= 23. Default `DEFAULT_MOLDUDP64_MAX_PAYLOAD_BYTES` (1400). */
  readonly maxPayloadBytes?: number;
  /** Seq of the first message appended (default 1). */
  readonly firstSequence?: number;
}

export class MoldUdp64PacketBuilder {
  private readonly session: Uint8Array;
  private readonly staging: Uint8Array;
  private used = MOLDUDP64_HEADER_LENGTH;
  private count = 0;
  private _nextSequence: number;
  readonly maxPayloadBytes: number;

  constructor(
    session: string,
    private readonly sink: MoldUdp64PacketSink,
    options: MoldUdp64PacketBuilderOptions = {},
  ) {
    this.session = encodeMoldUdp64Session(session);
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MOLDUDP64_MAX_PAYLOAD_BYTES;
    if (!Number.isInteger(this.maxPayloadBytes) || this.maxPayloadBytes < MOLDUDP64_HEADER_LENGTH + 3 || this.maxPayloadBytes > 65535) {
      throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `maxPayloadBytes must be an integer in 23..65535: ${this.maxPayloadBytes}`);
    }
    this._nextSequence = options.firstSequence ?? 1;
    if (!Number.isSafeInteger(this._nextSequence) || this._nextSequence < 1) {
      throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `firstSequence must be a positive safe integer: ${this._nextSequence}`);
    }
    this.staging = new Uint8Array(this.maxPayloadBytes);
  }

  /** Seq the next appended message will get (also what a heartbeat now announces, after a flush). */
  get nextSequence(): number {
    return this._nextSequence;
  }

  /** Messages staged but not yet emitted. */
  get pendingCount(): number {
    return this.count;
  }

  /**
   * Appends one message (`bytes[offset, offset+length)`, copied); emits the staged packet first when the
   * message would not fit. Returns the message's sequence number. Throws `MOLDUDP64_ERR_MESSAGE_TOO_LARGE`
   * when the message cannot fit even in an empty packet.
   */
  append(bytes: Uint8Array, offset = 0, length = bytes.length - offset): number {
    if (MOLDUDP64_HEADER_LENGTH + 2 + length > this.maxPayloadBytes) {
      throw new ItchError('MOLDUDP64_ERR_MESSAGE_TOO_LARGE', `${length} bytes, max payload ${this.maxPayloadBytes}`);
    }
    if (this.used + 2 + length > this.maxPayloadBytes || this.count === MOLDUDP64_MAX_MESSAGE_COUNT) this.flush();
    const s = this.staging;
    s[this.used] = length >>> 8;
    s[this.used + 1] = length & 0xff;
    s.set(bytes.subarray(offset, offset + length), this.used + 2);
    this.used += 2 + length;
    this.count++;
    return this._nextSequence++;
  }

  /** Emits the staged messages as one packet; returns false when nothing was staged. */
  flush(): boolean {
    if (this.count === 0) return false;
    const first = this._nextSequence - this.count;
    writeMoldUdp64Header(this.staging, 0, this.session, first, this.count);
    const packet = this.staging.slice(0, this.used);
    const count = this.count;
    this.used = MOLDUDP64_HEADER_LENGTH;
    this.count = 0;
    this.sink.onPacket(packet, first, count);
    return true;
  }

  /** Flushes, then emits a heartbeat announcing `nextSequence`. */
  heartbeat(): void {
    this.flush();
    this.emitEmpty(MOLDUDP64_HEARTBEAT_COUNT);
  }

  /** Flushes, then emits an End of Session packet (send it repeatedly in place of heartbeats). */
  endOfSession(): void {
    this.flush();
    this.emitEmpty(MOLDUDP64_END_OF_SESSION_COUNT);
  }

  private emitEmpty(count: number): void {
    const packet = new Uint8Array(MOLDUDP64_HEADER_LENGTH);
    writeMoldUdp64Header(packet, 0, this.session, this._nextSequence, count);
    this.sink.onPacket(packet, this._nextSequence, 0);
  }
}
