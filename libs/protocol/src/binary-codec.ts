import { ErrorCode } from './close-codes';
import type { DecodeResult } from './decode-result';
import { ClientMessage, ServerMessage } from './gen/tickwire/v1/client';

/**
 * The binary client codec: WebSocket subprotocol `tickwire.v1.proto`, one protobuf `ClientMessage` or
 * `ServerMessage` per binary frame. Thin wrappers over the generated code that give the edge the same
 * never-throwing result shape as the JSON codec, plus `concatBatch` for the fan-out path.
 */

export const PROTO_SUBPROTOCOL = 'tickwire.v1.proto';

/** `ServerMessage.batch` is field 4, length-delimited (wire type 2). */
const SERVER_MESSAGE_BATCH_TAG = (4 << 3) | 2;
/** `Batch.messages` is field 1, length-delimited. */
const BATCH_MESSAGES_TAG = (1 << 3) | 2;

export function encodeServerMessage(message: ServerMessage): Uint8Array {
  return ServerMessage.encode(message).finish();
}

export function encodeClientMessage(message: ClientMessage): Uint8Array {
  return ClientMessage.encode(message).finish();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Decodes one client binary frame. Never throws: bytes that are not a ClientMessage give
 * `MALFORMED_MESSAGE`; a message without a body this version knows (empty, or a newer client's message
 * type) gives `UNKNOWN_TYPE`; an empty symbol list gives `BAD_REQUEST`, as in the JSON codec.
 */
export function decodeClientMessage(bytes: Uint8Array): DecodeResult<ClientMessage> {
  let message: ClientMessage;
  try {
    message = ClientMessage.decode(bytes);
  } catch (error) {
    return { ok: false, code: ErrorCode.MALFORMED_MESSAGE, reason: `not a ClientMessage: ${describe(error)}`, requestId: 0 };
  }
  const body = message.body;
  if (body === undefined) return { ok: false, code: ErrorCode.UNKNOWN_TYPE, reason: 'ClientMessage has no body this server knows', requestId: message.id };
  if ((body.$case === 'subscribe' && body.value.items.length === 0) || ((body.$case === 'unsubscribe' || body.$case === 'resync') && body.value.symbols.length === 0)) {
    return { ok: false, code: ErrorCode.BAD_REQUEST, reason: `${body.$case} lists no symbols`, requestId: message.id };
  }
  return { ok: true, message };
}

/** Decodes one server binary frame (for the client SDK). Never throws. */
export function decodeServerMessage(bytes: Uint8Array): DecodeResult<ServerMessage> {
  let message: ServerMessage;
  try {
    message = ServerMessage.decode(bytes);
  } catch (error) {
    return { ok: false, code: ErrorCode.MALFORMED_MESSAGE, reason: `not a ServerMessage: ${describe(error)}`, requestId: 0 };
  }
  if (message.body === undefined) return { ok: false, code: ErrorCode.UNKNOWN_TYPE, reason: 'ServerMessage has no body this client knows', requestId: 0 };
  return { ok: true, message };
}

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5;
}

function writeVarint(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[pos++] = n;
  return pos;
}

/**
 * An encoded `ServerMessage{batch: Batch{messages}}` built from already-encoded ServerMessage pieces
 * (outputs of `encodeServerMessage`) by concatenation: the edge encodes each update once and batches the
 * same bytes for every client, with one allocation and one copy per piece. Byte-identical to encoding the
 * Batch with the generated code.
 */
export function concatBatch(pieces: readonly Uint8Array[]): Uint8Array {
  let batchLength = 0;
  for (let i = 0; i < pieces.length; i++) {
    const length = pieces[i]!.length;
    batchLength += 1 + varintSize(length) + length;
  }
  const out = new Uint8Array(1 + varintSize(batchLength) + batchLength);
  out[0] = SERVER_MESSAGE_BATCH_TAG;
  let pos = writeVarint(out, 1, batchLength);
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    out[pos++] = BATCH_MESSAGES_TAG;
    pos = writeVarint(out, pos, piece.length);
    out.set(piece, pos);
    pos += piece.length;
  }
  return out;
}
