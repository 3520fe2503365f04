import { concatBatch, concatJsonBatchBytes, encodeServerJson, encodeServerMessage, JSON_SUBPROTOCOL, PROTO_SUBPROTOCOL, type ServerMessage } from '@tickwire/protocol';
import { websocketFrame } from './websocket-frame';

/** How a connection's messages are written: the JSON or the protobuf subprotocol. Indexes per-encoding caches. */
export const Encoding = { JSON: 0, PROTO: 1 } as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];
export const ENCODING_COUNT = 2;

/** The encoding a client asked for with `Sec-WebSocket-Protocol`; JSON when it asked for none; `undefined` when it offered only others. */
export function encodingFromSubprotocols(offered: ReadonlySet<string>): { readonly encoding: Encoding; readonly subprotocol: string | undefined } | undefined {
  if (offered.size === 0) return { encoding: Encoding.JSON, subprotocol: undefined };
  if (offered.has(PROTO_SUBPROTOCOL)) return { encoding: Encoding.PROTO, subprotocol: PROTO_SUBPROTOCOL };
  if (offered.has(JSON_SUBPROTOCOL)) return { encoding: Encoding.JSON, subprotocol: JSON_SUBPROTOCOL };
  return undefined;
}

/** One server message as frame-ready bytes (UTF-8 JSON text or protobuf). */
export function encodeServerPiece(message: ServerMessage, encoding: Encoding): Uint8Array {
  return encoding === Encoding.PROTO ? encodeServerMessage(message) : Buffer.from(encodeServerJson(message));
}

/** The payload of one frame carrying several messages: a batch built by concatenating their encoded bytes. */
export function batchPayload(pieces: readonly EncodedMessage[], encoding: Encoding): Uint8Array {
  const bytes = batchScratch;
  for (let i = 0; i < pieces.length; i++) bytes.push(pieces[i]!.bytes(encoding));
  try {
    return encoding === Encoding.PROTO ? concatBatch(bytes) : concatJsonBatchBytes(bytes);
  } finally {
    bytes.length = 0;
  }
}

/** Reused by every batch: the event loop builds one frame at a time. */
const batchScratch: Uint8Array[] = [];

/**
 * A server message encoded at most once per encoding, on first use: one instance is shared by every
 * client that receives the message, so N clients cost one encode per encoding, not N.
 */
export class EncodedMessage {
  private json: Uint8Array | undefined;
  private proto: Uint8Array | undefined;
  private jsonFrame: Buffer | undefined;
  private protoFrame: Buffer | undefined;

  constructor(readonly message: ServerMessage) {}

  bytes(encoding: Encoding): Uint8Array {
    if (encoding === Encoding.PROTO) return (this.proto ??= encodeServerPiece(this.message, Encoding.PROTO));
    return (this.json ??= encodeServerPiece(this.message, Encoding.JSON));
  }

  /**
   * The message as one WebSocket frame (binary for protobuf, text for JSON), framed at most once per
   * encoding. The encoded bytes become a view into the frame, so the message is held once, not twice.
   */
  websocketFrame(encoding: Encoding): Buffer {
    if (encoding === Encoding.PROTO) {
      if (this.protoFrame === undefined) {
        const frame = (this.protoFrame = websocketFrame(this.bytes(Encoding.PROTO), true, true));
        this.proto = frame.subarray(frame.length - this.proto!.length);
      }
      return this.protoFrame;
    }
    if (this.jsonFrame === undefined) {
      const frame = (this.jsonFrame = websocketFrame(this.bytes(Encoding.JSON), false, true));
      this.json = frame.subarray(frame.length - this.json!.length);
    }
    return this.jsonFrame;
  }
}
