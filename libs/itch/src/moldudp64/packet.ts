/**
 * MoldUDP64 packet layouts (reference: shared/reference/itch50.md section 4.1). Big-endian.
 *
 * Downstream packet: Session(10) · SequenceNumber u64 (seq of the first message) · MessageCount u16
 * (0 = heartbeat carrying the next expected seq, 0xFFFF = end of session) · message blocks `u16 length` +
 * bytes. Request packet: the same 20-byte header, with the first sequence wanted and the count.
 *
 * Sequence numbers are JS numbers: exact below 2^53, which a session never reaches (at 10^7 messages per
 * second that is 28 years). Larger values are reported as `MOLDUDP64_ERR_SEQUENCE_RANGE`, never rounded.
 */
import { ItchError } from '../errors';
import type { ItchErrorCode } from '../errors';

export const MOLDUDP64_HEADER_LENGTH = 20;
export const MOLDUDP64_SESSION_LENGTH = 10;
/** MessageCount of a heartbeat. */
export const MOLDUDP64_HEARTBEAT_COUNT = 0;
/** MessageCount of an End of Session packet. */
export const MOLDUDP64_END_OF_SESSION_COUNT = 0xffff;
/** Largest MessageCount of a data packet (0xFFFF is End of Session). */
export const MOLDUDP64_MAX_MESSAGE_COUNT = 0xfffe;
/** Default largest UDP payload a builder or retransmit store emits (Nassau uses 1400). */
export const DEFAULT_MOLDUDP64_MAX_PAYLOAD_BYTES = 1400;

export const MoldUdp64PacketKind = {
  DATA: 'data',
  HEARTBEAT: 'heartbeat',
  END_OF_SESSION: 'end-of-session',
} as const;
export type MoldUdp64PacketKind = (typeof MoldUdp64PacketKind)[keyof typeof MoldUdp64PacketKind];

/** Receives the messages of a packet (`forEachMessage`); bytes are valid only during the call. */
export interface MoldUdp64MessageVisitor {
  onMessage(sequence: number, bytes: Uint8Array, offset: number, length: number): void;
}

const TWO_32 = 2 ** 32;
/** Sequence high word at or above this means seq >= 2^53. */
const HI_LIMIT = 2 ** 21;

function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

/** Reads a u64 as a number; -1 when >= 2^53. */
export function readMoldUdp64U64(b: Uint8Array, at: number): number {
  const hi = readU32(b, at);
  if (hi >= HI_LIMIT) return -1;
  return hi * TWO_32 + readU32(b, at + 4);
}

/** Writes a non-negative safe integer as a big-endian u64. */
export function writeMoldUdp64U64(b: Uint8Array, at: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  const lo = value - hi * TWO_32;
  b[at] = hi >>> 24;
  b[at + 1] = (hi >>> 16) & 0xff;
  b[at + 2] = (hi >>> 8) & 0xff;
  b[at + 3] = hi & 0xff;
  b[at + 4] = lo >>> 24;
  b[at + 5] = (lo >>> 16) & 0xff;
  b[at + 6] = (lo >>> 8) & 0xff;
  b[at + 7] = lo & 0xff;
}

/** Encodes a session name (<= 10 printable ASCII characters, space padded). Throws ItchError otherwise. */
export function encodeMoldUdp64Session(session: string): Uint8Array {
  if (session.length > MOLDUDP64_SESSION_LENGTH) throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `session is longer than 10: ${JSON.stringify(session)}`);
  const out = new Uint8Array(MOLDUDP64_SESSION_LENGTH).fill(0x20);
  for (let i = 0; i < session.length; i++) {
    const c = session.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', 'session is not printable ASCII');
    out[i] = c;
  }
  return out;
}

/** Decodes 10 session bytes, dropping the right padding (allocates a string). */
export function decodeMoldUdp64Session(bytes: Uint8Array, at: number): string {
  let end = at + MOLDUDP64_SESSION_LENGTH;
  while (end > at && bytes[end - 1] === 0x20) end--;
  let s = '';
  for (let i = at; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function checkSequence(sequence: number, field: string): void {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `${field} must be a non-negative safe integer: ${sequence}`);
}

/** Writes the 20-byte header. */
export function writeMoldUdp64Header(out: Uint8Array, at: number, session: Uint8Array, sequence: number, count: number): void {
  out.set(session, at);
  writeMoldUdp64U64(out, at + 10, sequence);
  out[at + 18] = count >>> 8;
  out[at + 19] = count & 0xff;
}

/**
 * A reusable, validating view of one downstream packet: `wrap()` checks the whole packet (header, every
 * block length, count against blocks, sequence range) without allocating, then the fields and
 * `forEachMessage()` are safe to use. Wrap the next packet with the same instance.
 */
export class MoldUdp64Packet {
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;
  length = 0;
  /** Seq of the first message (data), or the next expected seq (heartbeat / end of session). */
  sequence = 0;
  /** Number of message blocks (0 for heartbeat and end of session). */
  messageCount = 0;
  kind: MoldUdp64PacketKind = MoldUdp64PacketKind.HEARTBEAT;
  /** Absolute index in `bytes` of the problem `wrap()` reported. */
  errorOffset = 0;

  /** Validates `bytes[offset, offset+length)`; returns null when valid, else an error code (never throws). */
  wrap(bytes: Uint8Array, offset = 0, length = bytes.length - offset): ItchErrorCode | null {
    this.bytes = bytes;
    this.offset = offset;
    this.length = length;
    this.messageCount = 0;
    if (length < MOLDUDP64_HEADER_LENGTH || offset < 0 || offset + length > bytes.length) return this.fail('MOLDUDP64_ERR_SHORT_PACKET', offset);
    const seq = readMoldUdp64U64(bytes, offset + 10);
    const count = (bytes[offset + 18]! << 8) | bytes[offset + 19]!;
    const end = offset + length;
    if (count === MOLDUDP64_END_OF_SESSION_COUNT || count === MOLDUDP64_HEARTBEAT_COUNT) {
      if (seq < 0) return this.fail('MOLDUDP64_ERR_SEQUENCE_RANGE', offset + 10);
      if (length !== MOLDUDP64_HEADER_LENGTH) return this.fail('MOLDUDP64_ERR_COUNT_MISMATCH', offset + MOLDUDP64_HEADER_LENGTH);
      this.kind = count === 0 ? MoldUdp64PacketKind.HEARTBEAT : MoldUdp64PacketKind.END_OF_SESSION;
      this.sequence = seq;
      return null;
    }
    if (seq <= 0 || seq + count - 1 > Number.MAX_SAFE_INTEGER) return this.fail('MOLDUDP64_ERR_SEQUENCE_RANGE', offset + 10);
    let pos = offset + MOLDUDP64_HEADER_LENGTH;
    for (let i = 0; i < count; i++) {
      if (pos + 2 > end) return this.fail(pos === end ? 'MOLDUDP64_ERR_COUNT_MISMATCH' : 'MOLDUDP64_ERR_BLOCK_OVERRUN', pos);
      const len = (bytes[pos]! << 8) | bytes[pos + 1]!;
      if (pos + 2 + len > end) return this.fail('MOLDUDP64_ERR_BLOCK_OVERRUN', pos);
      pos += 2 + len;
    }
    if (pos !== end) return this.fail('MOLDUDP64_ERR_COUNT_MISMATCH', pos);
    this.kind = MoldUdp64PacketKind.DATA;
    this.sequence = seq;
    this.messageCount = count;
    return null;
  }

  /** Absolute index of the first message block. */
  get blocksOffset(): number {
    return this.offset + MOLDUDP64_HEADER_LENGTH;
  }

  /** Compares the session field with 10 session bytes (no allocation). */
  sessionEquals(session: Uint8Array): boolean {
    const b = this.bytes;
    const o = this.offset;
    for (let i = 0; i < MOLDUDP64_SESSION_LENGTH; i++) if (b[o + i] !== session[i]) return false;
    return true;
  }

  /** The session name (allocates a string). */
  session(): string {
    return decodeMoldUdp64Session(this.bytes, this.offset);
  }

  /** Calls `visitor.onMessage` for each message with its sequence number (views into `bytes`, no copies). */
  forEachMessage(visitor: MoldUdp64MessageVisitor): void {
    const b = this.bytes;
    let pos = this.blocksOffset;
    for (let i = 0; i < this.messageCount; i++) {
      const len = (b[pos]! << 8) | b[pos + 1]!;
      visitor.onMessage(this.sequence + i, b, pos + 2, len);
      pos += 2 + len;
    }
  }

  private fail(code: ItchErrorCode, at: number): ItchErrorCode {
    this.errorOffset = at;
    this.kind = MoldUdp64PacketKind.HEARTBEAT;
    this.messageCount = 0;
    return code;
  }
}

/** Builds one downstream data packet holding `messages` (first one numbered `sequence`). */
export function buildMoldUdp64Packet(session: string, sequence: number, messages: readonly Uint8Array[]): Uint8Array {
  checkSequence(sequence, 'sequence');
  if (messages.length > MOLDUDP64_MAX_MESSAGE_COUNT) throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `too many messages: ${messages.length}`);
  let size = MOLDUDP64_HEADER_LENGTH;
  for (const m of messages) {
    if (m.length > 0xffff) throw new ItchError('MOLDUDP64_ERR_MESSAGE_TOO_LARGE', `${m.length} bytes`);
    size += 2 + m.length;
  }
  const out = new Uint8Array(size);
  writeMoldUdp64Header(out, 0, encodeMoldUdp64Session(session), sequence, messages.length);
  let at = MOLDUDP64_HEADER_LENGTH;
  for (const m of messages) {
    out[at] = m.length >>> 8;
    out[at + 1] = m.length & 0xff;
    out.set(m, at + 2);
    at += 2 + m.length;
  }
  return out;
}

/** Heartbeat: `nextSequence` is the seq of the next message the sender will send. */
export function buildMoldUdp64Heartbeat(session: string, nextSequence: number): Uint8Array {
  checkSequence(nextSequence, 'nextSequence');
  const out = new Uint8Array(MOLDUDP64_HEADER_LENGTH);
  writeMoldUdp64Header(out, 0, encodeMoldUdp64Session(session), nextSequence, MOLDUDP64_HEARTBEAT_COUNT);
  return out;
}

/** End of Session: `nextSequence` is one past the last message of the session. */
export function buildMoldUdp64EndOfSession(session: string, nextSequence: number): Uint8Array {
  checkSequence(nextSequence, 'nextSequence');
  const out = new Uint8Array(MOLDUDP64_HEADER_LENGTH);
  writeMoldUdp64Header(out, 0, encodeMoldUdp64Session(session), nextSequence, MOLDUDP64_END_OF_SESSION_COUNT);
  return out;
}

/** Request (re-request) packet asking for `count` (1..65534) messages from `sequence`. */
export function buildMoldUdp64Request(session: string | Uint8Array, sequence: number, count: number): Uint8Array {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `sequence must be a positive safe integer: ${sequence}`);
  if (!Number.isInteger(count) || count < 1 || count > MOLDUDP64_MAX_MESSAGE_COUNT) throw new ItchError('MOLDUDP64_ERR_FIELD_INVALID', `count must be 1..65534: ${count}`);
  const out = new Uint8Array(MOLDUDP64_HEADER_LENGTH);
  writeMoldUdp64Header(out, 0, typeof session === 'string' ? encodeMoldUdp64Session(session) : session, sequence, count);
  return out;
}

export interface MoldUdp64Request {
  /** Absolute index of the 10 session bytes. */
  sessionOffset: number;
  sequence: number;
  count: number;
}

/** Parses a request packet into `out` (reusable). Returns null when valid, else an error code (never throws). */
export function parseMoldUdp64Request(bytes: Uint8Array, offset: number, length: number, out: MoldUdp64Request): ItchErrorCode | null {
  if (length !== MOLDUDP64_HEADER_LENGTH || offset < 0 || offset + length > bytes.length) return 'MOLDUDP64_ERR_BAD_REQUEST';
  const seq = readMoldUdp64U64(bytes, offset + 10);
  const count = (bytes[offset + 18]! << 8) | bytes[offset + 19]!;
  if (count === 0 || count === MOLDUDP64_END_OF_SESSION_COUNT) return 'MOLDUDP64_ERR_BAD_REQUEST';
  if (seq <= 0 || seq + count - 1 > Number.MAX_SAFE_INTEGER) return 'MOLDUDP64_ERR_SEQUENCE_RANGE';
  out.sessionOffset = offset;
  out.sequence = seq;
  out.count = count;
  return null;
}
