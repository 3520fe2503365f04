import {
  decodeServerJson,
  decodeServerMessage,
  encodeClientJson,
  encodeClientMessage,
  ErrorCode,
  JSON_SUBPROTOCOL,
  PROTO_SUBPROTOCOL,
  type ClientMessage,
  type DecodeResult,
  type ServerMessage,
} from '@tickwire/protocol';
import type { Encoding } from './client-options';

/**
 * The two encodings of the client protocol, over the codecs of `@tickwire/protocol` (never a second codec):
 * what to offer as subprotocol, how to write a client message and how to read a frame.
 */
export interface WireCodec {
  readonly encoding: Encoding;
  readonly subprotocol: string;
  encode(message: ClientMessage): string | Uint8Array;
  /** The frame's message, or undefined for a frame of the other kind (text on proto, binary on JSON). */
  decode(data: unknown): DecodeResult<ServerMessage> | undefined;
  /** The frame's size in bytes (UTF-8 for text). */
  frameBytes(data: unknown): number;
}

/** UTF-8 length of a string without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes.
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function bytesOf(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

function frameBytes(data: unknown): number {
  if (typeof data === 'string') return utf8Length(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/**
 * `decodeServerJson` rejects a whole batch when one of its messages has a type this version does not know.
 * Clients ignore unknown types (docs/protocol.md, Compatibility rules), so such a batch is decoded again
 * message by message, keeping the ones this version knows. Only on that failure path.
 */
function decodeJsonKnownMessages(text: string): DecodeResult<ServerMessage> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, messages } = parsed as { type?: unknown; messages?: unknown };
  if (type !== 'batch' || !Array.isArray(messages)) return undefined;
  const known: ServerMessage[] = [];
  for (const piece of messages) {
    const decoded = decodeJsonKnownMessages(JSON.stringify(piece)) ?? decodeServerJson(JSON.stringify(piece));
    if (decoded.ok) known.push(decoded.message);
  }
  return { ok: true, message: { body: { $case: 'batch', value: { messages: known } } } };
}

const JSON_CODEC: WireCodec = Object.freeze({
  encoding: 'json',
  subprotocol: JSON_SUBPROTOCOL,
  encode: encodeClientJson,
  decode(data: unknown): DecodeResult<ServerMessage> | undefined {
    if (typeof data !== 'string') return undefined;
    const decoded = decodeServerJson(data);
    if (decoded.ok || decoded.code !== ErrorCode.UNKNOWN_TYPE || !data.includes('"batch"')) return decoded;
    return decodeJsonKnownMessages(data) ?? decoded;
  },
  frameBytes,
} satisfies WireCodec);

const PROTO_CODEC: WireCodec = Object.freeze({
  encoding: 'proto',
  subprotocol: PROTO_SUBPROTOCOL,
  encode: encodeClientMessage,
  decode(data: unknown): DecodeResult<ServerMessage> | undefined {
    const bytes = bytesOf(data);
    return bytes === undefined ? undefined : decodeServerMessage(bytes);
  },
  frameBytes,
} satisfies WireCodec);

export function wireCodec(encoding: Encoding): WireCodec {
  return encoding === 'json' ? JSON_CODEC : PROTO_CODEC;
}
