/**
 * Server side of MoldUDP64 re-requests (for the exchange simulator): keeps the last `capacity` messages by
 * sequence number in a ring and answers request packets with one downstream packet holding as many of the
 * requested messages as fit in `maxPayloadBytes` (per the spec, the receiver re-requests the rest).
 *
 * `put` copies each message (one allocation per message; the caller's buffers may be reused).
 */
import { ItchError } from '../errors';
import type { ItchErrorCode } from '../errors';
import {
  DEFAULT_MOLDUDP64_MAX_PAYLOAD_BYTES,
  encodeMoldUdp64Session,
  MOLDUDP64_HEADER_LENGTH,
  MOLDUDP64_SESSION_LENGTH,
  MoldUdp64Packet,
  parseMoldUdp64Request,
  writeMoldUdp64Header,
} from './packet';
import type { MoldUdp64Request } from './packet';

/** Messages kept for re-requests by default. */
export const DEFAULT_MOLDUDP64_RETRANSMIT_CAPACITY = 1 << 16;

export interface MoldUdp64RetransmitStoreOptions {
  /** Messages kept (ring size). Default `DEFAULT_MOLDUDP64_RETRANSMIT_CAPACITY`. */
  readonly capacity?: number;
  /** Largest reply packet. Default `DEFAULT_MOLDUDP64_MAX_PAYLOAD_BYTES` (1400). */
  readonly maxPayloadBytes?: number;
}

export class MoldUdp64RetransmitStore {
  private readonly session: Uint8Array;
  private readonly capacity: number;
  private readonly maxPayloadBytes: number;
  private readonly slots: (Uint8Array | undefined)[];
  private readonly seqs: Float64Array;
  private readonly request: MoldUdp64Request = { sessionOffset: 0, sequence: 0, count: 0 };
  private readonly view = new MoldUdp64Packet();
  private _nextSequence = 0;
  /** Requests that could not be answered (bad packet, other session, messages not held). */
  unanswered = 0;

  constructor(session: string, options: MoldUdp64RetransmitStoreOptions = {}) {
    this.session = encodeMoldUdp64Session(session);
    this.capacity = options.capacity ?? DEFAULT_MOLDUDP64_RETRANSMIT_CAPACITY;
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MOLDUDP64_MAX_PAYLOAD_BYTES;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `capacity must be a positive integer: ${this.capacity}`);
    if (!Number.isInteger(this.maxPayloadBytes) || this.maxPayloadBytes < MOLDUDP64_HEADER_LENGTH + 3 || this.maxPayloadBytes > 65535) {
      throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `maxPayloadBytes must be an integer in 23..65535: ${this.maxPayloadBytes}`);
    }
    this.slots = new Array<Uint8Array | undefined>(this.capacity);
    this.seqs = new Float64Array(this.capacity);
  }

  /** One past the highest sequence stored (0 when empty). */
  get nextSequence(): number {
    return this._nextSequence;
  }

  /** Stores a copy of message `sequence` (evicting the one `capacity` earlier). */
  put(sequence: number, bytes: Uint8Array, offset = 0, length = bytes.length - offset): void {
    if (!Number.isSafeInteger(sequence) || sequence < 1) throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `sequence must be a positive safe integer: ${sequence}`);
    const i = sequence % this.capacity;
    this.slots[i] = bytes.slice(offset, offset + length);
    this.seqs[i] = sequence;
    if (sequence + 1 > this._nextSequence) this._nextSequence = sequence + 1;
  }

  /** Stores every message of a downstream packet (e.g. each packet a `MoldUdp64PacketBuilder` emits). */
  putPacket(packet: Uint8Array, offset = 0, length = packet.length - offset): ItchErrorCode | null {
    const err = this.view.wrap(packet, offset, length);
    if (err) return err;
    this.view.forEachMessage(this);
    return null;
  }

  /** @internal visitor for `putPacket`. */
  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void {
    this.put(sequence, bytes, offset, length);
  }

  /** The stored message `sequence`, or undefined. */
  get(sequence: number): Uint8Array | undefined {
    const i = sequence % this.capacity;
    return this.seqs[i] === sequence ? this.slots[i] : undefined;
  }

  /**
   * Answers a request packet: a downstream packet starting at the requested sequence with as many of the
   * requested messages as are held and fit, or null (bad request, other session, first message not held).
   */
  answer(request: Uint8Array, offset = 0, length = request.length - offset): Uint8Array | null {
    const r = this.request;
    if (parseMoldUdp64Request(request, offset, length, r) !== null) {
      this.unanswered++;
      return null;
    }
    for (let k = 0; k < MOLDUDP64_SESSION_LENGTH; k++) {
      if (request[r.sessionOffset + k] !== this.session[k]) {
        this.unanswered++;
        return null;
      }
    }
    return this.answerRange(r.sequence, r.count);
  }

  /** Same as `answer` for an already parsed request. */
  answerRange(sequence: number, count: number): Uint8Array | null {
    let size = MOLDUDP64_HEADER_LENGTH;
    let n = 0;
    while (n < count) {
      const m = this.get(sequence + n);
      if (m === undefined || size + 2 + m.length > this.maxPayloadBytes) break;
      size += 2 + m.length;
      n++;
    }
    if (n === 0) {
      this.unanswered++;
      return null;
    }
    const out = new Uint8Array(size);
    writeMoldUdp64Header(out, 0, this.session, sequence, n);
    let at = MOLDUDP64_HEADER_LENGTH;
    for (let k = 0; k < n; k++) {
      const m = this.get(sequence + k)!;
      out[at] = m.length >>> 8;
      out[at + 1] = m.length & 0xff;
      out.set(m, at + 2);
      at += 2 + m.length;
    }
    return out;
  }
}
