/**
 * SoupBinTCP 3.0 packet layouts and builders (reference: shared/reference/itch50.md section 4.2).
 *
 * Every packet is `u16 PacketLength` (big-endian; counts the type byte and the payload, not itself), one
 * `PacketType` byte, then the payload. Builders throw `ItchError` on values that do not fit the wire format;
 * decoders (the framer, `readLoginAccepted`, `readLoginRequest`) report problems and never throw.
 */
import { ItchError } from '../errors';
import type { ItchErrorCode } from '../errors';

/** Packet type bytes (ASCII). */
export const SoupBinTcpPacketType = {
  DEBUG: 0x2b, // '+'
  LOGIN_ACCEPTED: 0x41, // 'A'
  LOGIN_REJECTED: 0x4a, // 'J'
  SEQUENCED_DATA: 0x53, // 'S'
  SERVER_HEARTBEAT: 0x48, // 'H'
  END_OF_SESSION: 0x5a, // 'Z'
  LOGIN_REQUEST: 0x4c, // 'L'
  UNSEQUENCED_DATA: 0x55, // 'U'
  CLIENT_HEARTBEAT: 0x52, // 'R'
  LOGOUT_REQUEST: 0x4f, // 'O'
} as const;
export type SoupBinTcpPacketType = (typeof SoupBinTcpPacketType)[keyof typeof SoupBinTcpPacketType];

/** Login Rejected reason codes. */
export const SoupBinTcpRejectReason = {
  /** `A`: not authorized (bad username/password). */
  NOT_AUTHORIZED: 0x41,
  /** `S`: requested session is not available. */
  SESSION_NOT_AVAILABLE: 0x53,
} as const;
export type SoupBinTcpRejectReason = (typeof SoupBinTcpRejectReason)[keyof typeof SoupBinTcpRejectReason];

/** Largest value of the u16 length prefix. */
export const SOUPBINTCP_MAX_PACKET_LENGTH = 65535;
/** Largest payload (the length prefix also counts the type byte). */
export const SOUPBINTCP_MAX_PAYLOAD = SOUPBINTCP_MAX_PACKET_LENGTH - 1;
/** Bytes before the payload: 2 length + 1 type. */
export const SOUPBINTCP_HEADER_LENGTH = 3;

export const SOUPBINTCP_SESSION_LENGTH = 10;
export const SOUPBINTCP_SEQUENCE_LENGTH = 20;
export const SOUPBINTCP_USERNAME_LENGTH = 6;
export const SOUPBINTCP_PASSWORD_LENGTH = 10;
/** Payload length of Login Accepted: Session(10) + SequenceNumber(20). */
export const SOUPBINTCP_LOGIN_ACCEPTED_PAYLOAD = 30;
/** Payload length of Login Request: Username(6) + Password(10) + Session(10) + SequenceNumber(20). */
export const SOUPBINTCP_LOGIN_REQUEST_PAYLOAD = 46;

/**
 * Exact payload length per type byte (index = type byte): -1 = variable (0..65534), -2 = unknown type.
 * Fixed-length types must match exactly: a longer `A`/`L`/`J` or a non-empty `H`/`Z`/`R`/`O` is an error.
 */
export const SOUPBINTCP_PAYLOAD_LENGTH: Int8Array = (() => {
  const t = new Int8Array(256).fill(-2);
  t[SoupBinTcpPacketType.DEBUG] = -1;
  t[SoupBinTcpPacketType.LOGIN_ACCEPTED] = SOUPBINTCP_LOGIN_ACCEPTED_PAYLOAD;
  t[SoupBinTcpPacketType.LOGIN_REJECTED] = 1;
  t[SoupBinTcpPacketType.SEQUENCED_DATA] = -1;
  t[SoupBinTcpPacketType.SERVER_HEARTBEAT] = 0;
  t[SoupBinTcpPacketType.END_OF_SESSION] = 0;
  t[SoupBinTcpPacketType.LOGIN_REQUEST] = SOUPBINTCP_LOGIN_REQUEST_PAYLOAD;
  t[SoupBinTcpPacketType.UNSEQUENCED_DATA] = -1;
  t[SoupBinTcpPacketType.CLIENT_HEARTBEAT] = 0;
  t[SoupBinTcpPacketType.LOGOUT_REQUEST] = 0;
  return t;
})();

/** Which packet types a receiver accepts. */
export const SoupBinTcpDirection = {
  /** Packets a client receives: `+ A J S H Z`. */
  SERVER_TO_CLIENT: 'server-to-client',
  /** Packets a server receives: `+ L U R O`. */
  CLIENT_TO_SERVER: 'client-to-server',
  /** Every known type. */
  BOTH: 'both',
} as const;
export type SoupBinTcpDirection = (typeof SoupBinTcpDirection)[keyof typeof SoupBinTcpDirection];

const SERVER_TYPES = [0x2b, 0x41, 0x4a, 0x53, 0x48, 0x5a];
const CLIENT_TYPES = [0x2b, 0x4c, 0x55, 0x52, 0x4f];

/** 256-entry table: 1 = allowed in this direction, 0 = known but wrong direction, -1 = unknown type. */
export function soupBinTcpTypeTable(direction: SoupBinTcpDirection): Int8Array {
  const t = new Int8Array(256).fill(-1);
  for (const c of [...SERVER_TYPES, ...CLIENT_TYPES]) t[c] = direction === 'both' ? 1 : 0;
  if (direction === 'server-to-client') for (const c of SERVER_TYPES) t[c] = 1;
  if (direction === 'client-to-server') for (const c of CLIENT_TYPES) t[c] = 1;
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// Builders. Each returns a new Uint8Array holding exactly one packet.

function header(out: Uint8Array, at: number, type: number, payloadLength: number): void {
  const len = payloadLength + 1;
  out[at] = len >>> 8;
  out[at + 1] = len & 0xff;
  out[at + 2] = type;
}

function emptyPacket(type: number): Uint8Array {
  const out = new Uint8Array(SOUPBINTCP_HEADER_LENGTH);
  header(out, 0, type, 0);
  return out;
}

function payloadPacket(type: number, payload: Uint8Array, offset: number, length: number): Uint8Array {
  if (!(offset >= 0 && length >= 0 && offset + length <= payload.length) || !Number.isInteger(offset) || !Number.isInteger(length)) {
    throw new ItchError('SOUPBINTCP_ERR_FIELD_INVALID', `payload range ${offset}+${length} of ${payload.length}`);
  }
  if (length > SOUPBINTCP_MAX_PAYLOAD) throw new ItchError('SOUPBINTCP_ERR_PAYLOAD_TOO_LARGE', `${length} bytes`);
  const out = new Uint8Array(SOUPBINTCP_HEADER_LENGTH + length);
  header(out, 0, type, length);
  out.set(payload.subarray(offset, offset + length), SOUPBINTCP_HEADER_LENGTH);
  return out;
}

/**
 * Writes `value` left-justified, space padded (alpha fields: username, password, session).
 * Accepts printable ASCII only.
 */
export function writeSoupBinTcpAlpha(out: Uint8Array, at: number, width: number, value: string, field: string): void {
  if (value.length > width) throw new ItchError('SOUPBINTCP_ERR_FIELD_INVALID', `${field} is longer than ${width}: ${JSON.stringify(value)}`);
  for (let i = 0; i < width; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 0x20;
    if (c < 0x20 || c > 0x7e) throw new ItchError('SOUPBINTCP_ERR_FIELD_INVALID', `${field} is not printable ASCII`);
    out[at + i] = c;
  }
}

/** Writes a non-negative safe integer as ASCII digits, right-justified and space padded (SequenceNumber). */
export function writeSoupBinTcpNumeric(out: Uint8Array, at: number, width: number, value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new ItchError('SOUPBINTCP_ERR_FIELD_INVALID', `${field} must be a non-negative safe integer: ${value}`);
  const digits = String(value);
  if (digits.length > width) throw new ItchError('SOUPBINTCP_ERR_FIELD_INVALID', `${field} is wider than ${width} digits`);
  const pad = width - digits.length;
  for (let i = 0; i < pad; i++) out[at + i] = 0x20;
  for (let i = 0; i < digits.length; i++) out[at + pad + i] = digits.charCodeAt(i);
}

/**
 * Reads a right-justified ASCII numeric field. Leading spaces (and leading zeros) are accepted, trailing
 * spaces too (some peers left-justify); an all-space field reads as 0. Returns -1 when the field holds
 * anything else or its value is not a safe integer.
 */
export function readSoupBinTcpNumeric(bytes: Uint8Array, at: number, width: number): number {
  let i = at;
  const end = at + width;
  while (i < end && bytes[i] === 0x20) i++;
  let value = 0;
  let digits = 0;
  while (i < end) {
    const c = bytes[i]!;
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    digits++;
    i++;
  }
  while (i < end && bytes[i] === 0x20) i++;
  if (i !== end) return -1;
  if (digits === 0) return 0;
  return Number.isSafeInteger(value) ? value : -1;
}

/** Reads an alpha field, dropping the right padding. */
export function readSoupBinTcpAlpha(bytes: Uint8Array, at: number, width: number): string {
  let end = at + width;
  while (end > at && bytes[end - 1] === 0x20) end--;
  let s = '';
  for (let i = at; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** `+` Debug packet carrying printable text (either direction). */
export function buildSoupBinTcpDebug(text: string): Uint8Array {
  if (text.length > SOUPBINTCP_MAX_PAYLOAD) throw new ItchError('SOUPBINTCP_ERR_PAYLOAD_TOO_LARGE', `${text.length} bytes`);
  const out = new Uint8Array(SOUPBINTCP_HEADER_LENGTH + text.length);
  header(out, 0, SoupBinTcpPacketType.DEBUG, text.length);
  writeSoupBinTcpAlpha(out, SOUPBINTCP_HEADER_LENGTH, text.length, text, 'debug text');
  return out;
}

/** `A` Login Accepted: `session` (<= 10 chars) and the sequence number of the next `S` packet. */
export function buildSoupBinTcpLoginAccepted(session: string, nextSequence: number): Uint8Array {
  const out = new Uint8Array(SOUPBINTCP_HEADER_LENGTH + SOUPBINTCP_LOGIN_ACCEPTED_PAYLOAD);
  header(out, 0, SoupBinTcpPacketType.LOGIN_ACCEPTED, SOUPBINTCP_LOGIN_ACCEPTED_PAYLOAD);
  writeSoupBinTcpAlpha(out, 3, SOUPBINTCP_SESSION_LENGTH, session, 'session');
  writeSoupBinTcpNumeric(out, 13, SOUPBINTCP_SEQUENCE_LENGTH, nextSequence, 'sequence number');
  return out;
}

/** `J` Login Rejected with reason `A` (not authorized) or `S` (session not available). */
export function buildSoupBinTcpLoginRejected(reason: SoupBinTcpRejectReason): Uint8Array {
  if (reason !== SoupBinTcpRejectReason.NOT_AUTHORIZED && reason !== SoupBinTcpRejectReason.SESSION_NOT_AVAILABLE) {
    throw new ItchError('SOUPBINTCP_ERR_FIELD_INVALID', `reject reason ${reason}`);
  }
  const out = new Uint8Array(SOUPBINTCP_HEADER_LENGTH + 1);
  header(out, 0, SoupBinTcpPacketType.LOGIN_REJECTED, 1);
  out[3] = reason;
  return out;
}

/** `S` Sequenced Data carrying `payload[offset, offset+length)` (one ITCH message). */
export function buildSoupBinTcpSequencedData(payload: Uint8Array, offset = 0, length = payload.length - offset): Uint8Array {
  return payloadPacket(SoupBinTcpPacketType.SEQUENCED_DATA, payload, offset, length);
}

/**
 * Writes an `S` packet header + payload into `out` at `at` (no allocation); returns the bytes written.
 * The caller sizes `out` (`SOUPBINTCP_HEADER_LENGTH + length`).
 */
export function writeSoupBinTcpSequencedData(out: Uint8Array, at: number, payload: Uint8Array, offset: number, length: number): number {
  if (length > SOUPBINTCP_MAX_PAYLOAD) throw new ItchError('SOUPBINTCP_ERR_PAYLOAD_TOO_LARGE', `${length} bytes`);
  header(out, at, SoupBinTcpPacketType.SEQUENCED_DATA, length);
  out.set(length === payload.length && offset === 0 ? payload : payload.subarray(offset, offset + length), at + SOUPBINTCP_HEADER_LENGTH);
  return SOUPBINTCP_HEADER_LENGTH + length;
}

/** `U` Unsequenced Data (client to server). */
export function buildSoupBinTcpUnsequencedData(payload: Uint8Array, offset = 0, length = payload.length - offset): Uint8Array {
  return payloadPacket(SoupBinTcpPacketType.UNSEQUENCED_DATA, payload, offset, length);
}

export interface SoupBinTcpLoginRequest {
  /** Up to 6 printable ASCII characters. */
  readonly username: string;
  /** Up to 10 printable ASCII characters. */
  readonly password: string;
  /** Up to 10 characters; blank (`''`) asks for the current session. */
  readonly session: string;
  /** Next sequence number wanted (1-based); 0 = start from the most recent (current end). */
  readonly sequence: number;
}

/** `L` Login Request. */
export function buildSoupBinTcpLoginRequest(req: SoupBinTcpLoginRequest): Uint8Array {
  const out = new Uint8Array(SOUPBINTCP_HEADER_LENGTH + SOUPBINTCP_LOGIN_REQUEST_PAYLOAD);
  header(out, 0, SoupBinTcpPacketType.LOGIN_REQUEST, SOUPBINTCP_LOGIN_REQUEST_PAYLOAD);
  writeSoupBinTcpAlpha(out, 3, SOUPBINTCP_USERNAME_LENGTH, req.username, 'username');
  writeSoupBinTcpAlpha(out, 9, SOUPBINTCP_PASSWORD_LENGTH, req.password, 'password');
  writeSoupBinTcpAlpha(out, 19, SOUPBINTCP_SESSION_LENGTH, req.session, 'session');
  writeSoupBinTcpNumeric(out, 29, SOUPBINTCP_SEQUENCE_LENGTH, req.sequence, 'requested sequence number');
  return out;
}

// Empty packets are constants: pre-encoded once, never mutated (house rule 6). Callers must not write to them.
const HEARTBEAT_S = emptyPacket(SoupBinTcpPacketType.SERVER_HEARTBEAT);
const END_OF_SESSION = emptyPacket(SoupBinTcpPacketType.END_OF_SESSION);
const HEARTBEAT_C = emptyPacket(SoupBinTcpPacketType.CLIENT_HEARTBEAT);
const LOGOUT = emptyPacket(SoupBinTcpPacketType.LOGOUT_REQUEST);

/** `H` Server Heartbeat (shared constant: do not mutate). */
export function buildSoupBinTcpServerHeartbeat(): Uint8Array {
  return HEARTBEAT_S;
}
/** `Z` End of Session (shared constant: do not mutate). */
export function buildSoupBinTcpEndOfSession(): Uint8Array {
  return END_OF_SESSION;
}
/** `R` Client Heartbeat (shared constant: do not mutate). */
export function buildSoupBinTcpClientHeartbeat(): Uint8Array {
  return HEARTBEAT_C;
}
/** `O` Logout Request (shared constant: do not mutate). */
export function buildSoupBinTcpLogoutRequest(): Uint8Array {
  return LOGOUT;
}

// ---------------------------------------------------------------------------------------------------------
// Payload readers for the two structured packets. `offset` is the payload offset the framer reports.

export interface SoupBinTcpLoginAccepted {
  session: string;
  sequence: number;
}

/** Reads an `A` payload. Returns an error code when the sequence number is not numeric. */
export function readSoupBinTcpLoginAccepted(bytes: Uint8Array, offset: number, out: SoupBinTcpLoginAccepted): ItchErrorCode | null {
  const seq = readSoupBinTcpNumeric(bytes, offset + SOUPBINTCP_SESSION_LENGTH, SOUPBINTCP_SEQUENCE_LENGTH);
  if (seq < 0) return 'SOUPBINTCP_ERR_BAD_NUMERIC';
  out.session = readSoupBinTcpAlpha(bytes, offset, SOUPBINTCP_SESSION_LENGTH);
  out.sequence = seq;
  return null;
}

/** Reads an `L` payload into `out` (session `''` = blank = current). */
export function readSoupBinTcpLoginRequest(
  bytes: Uint8Array,
  offset: number,
  out: { username: string; password: string; session: string; sequence: number },
): ItchErrorCode | null {
  const seq = readSoupBinTcpNumeric(bytes, offset + 26, SOUPBINTCP_SEQUENCE_LENGTH);
  if (seq < 0) return 'SOUPBINTCP_ERR_BAD_NUMERIC';
  out.username = readSoupBinTcpAlpha(bytes, offset, SOUPBINTCP_USERNAME_LENGTH);
  out.password = readSoupBinTcpAlpha(bytes, offset + 6, SOUPBINTCP_PASSWORD_LENGTH);
  out.session = readSoupBinTcpAlpha(bytes, offset + 16, SOUPBINTCP_SESSION_LENGTH);
  out.sequence = seq;
  return null;
}
