/**
 * Reads the edge's binary frames (`tickwire.v1.proto`) without decoding them into objects: a frame is one
 * `ServerMessage`, or a `ServerMessage{batch}` whose `Batch.messages` are `ServerMessage`s (the edge builds
 * batches by concatenating pre-encoded pieces). For each update the scanner reports `publish_ts_ns` and the
 * `snapshot` flag; every other message is handed over as its field number and byte range, so a load
 * generator counts a million updates per second without allocating per update.
 */

/** `ServerMessage` oneof field numbers (proto/tickwire/v1/client.proto). */
export const ServerField = { WELCOME: 1, SUBSCRIBE_ACK: 2, UPDATE: 3, BATCH: 4, ERROR: 5, RECONNECT: 6, PING: 7, PONG: 8, UNSUBSCRIBE_ACK: 9 } as const;

/** `MarketUpdate.publish_ts_ns` (uint64) and `MarketUpdate.snapshot` (bool). */
const UPDATE_PUBLISH_TS_FIELD = 6;
const UPDATE_SNAPSHOT_FIELD = 17;
/** `Batch.messages`. */
const BATCH_MESSAGES_FIELD = 1;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** Where a scanner reports updates: every peer's client protocol carries the same `MarketUpdate` fields. */
export interface UpdateSink {
  /** One `MarketUpdate`; `publishTsNs` as a double (ns since the epoch; ~256 ns precision, plenty for latency). */
  update(publishTsNs: number, snapshot: boolean): void;
}

export interface FrameVisitor extends UpdateSink {
  /** Any other message: its `ServerMessage` field number and the bytes of the whole `ServerMessage` (bytes[start..end)). */
  control(field: number, bytes: Uint8Array, start: number, end: number): void;
}

// The cursor of the scan in progress: module state, so reading a varint allocates nothing.
let pos = 0;

/** Reads a varint at `pos` as a double (exact below 2^53); -1 when it runs past `end`. */
function varint(bytes: Uint8Array, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return -1;
    const b = bytes[pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
    scale *= 128;
  }
  return -1;
}

/** Skips the value of a field of `wireType` at `pos`; false when malformed or truncated. */
function skip(bytes: Uint8Array, wireType: number, end: number): boolean {
  switch (wireType) {
    case WIRE_VARINT:
      return varint(bytes, end) >= 0;
    case WIRE_I64:
      pos += 8;
      return pos <= end;
    case WIRE_I32:
      pos += 4;
      return pos <= end;
    case WIRE_LEN: {
      const length = varint(bytes, end);
      if (length < 0) return false;
      pos += length;
      return pos <= end;
    }
    default:
      return false;
  }
}

function scanUpdate(bytes: Uint8Array, end: number, visitor: UpdateSink): boolean {
  let publishTsNs = 0;
  let snapshot = false;
  while (pos < end) {
    const tag = varint(bytes, end);
    if (tag < 0) return false;
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === UPDATE_PUBLISH_TS_FIELD && wireType === WIRE_VARINT) {
      publishTsNs = varint(bytes, end);
      if (publishTsNs < 0) return false;
    } else if (field === UPDATE_SNAPSHOT_FIELD && wireType === WIRE_VARINT) {
      const flag = varint(bytes, end);
      if (flag < 0) return false;
      snapshot = flag !== 0;
    } else if (!skip(bytes, wireType, end)) {
      return false;
    }
  }
  if (pos !== end) return false;
  visitor.update(publishTsNs, snapshot);
  return true;
}

/** One `ServerMessage` in bytes[pos..end); `nested` = inside a batch (a batch in a batch is malformed). */
function scanMessage(bytes: Uint8Array, end: number, visitor: FrameVisitor, nested: boolean): boolean {
  const start = pos;
  while (pos < end) {
    const tag = varint(bytes, end);
    if (tag < 0) return false;
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType !== WIRE_LEN) {
      // ServerMessage has only message fields; an unknown scalar field is skipped.
      if (!skip(bytes, wireType, end)) return false;
      continue;
    }
    const length = varint(bytes, end);
    if (length < 0 || pos + length > end) return false;
    const bodyEnd = pos + length;
    if (field === ServerField.UPDATE) {
      if (!scanUpdate(bytes, bodyEnd, visitor)) return false;
    } else if (field === ServerField.BATCH && !nested) {
      while (pos < bodyEnd) {
        const itemTag = varint(bytes, bodyEnd);
        if (itemTag < 0) return false;
        if (Math.floor(itemTag / 8) !== BATCH_MESSAGES_FIELD || itemTag % 8 !== WIRE_LEN) {
          if (!skip(bytes, itemTag % 8, bodyEnd)) return false;
          continue;
        }
        const itemLength = varint(bytes, bodyEnd);
        if (itemLength < 0 || pos + itemLength > bodyEnd) return false;
        if (!scanMessage(bytes, pos + itemLength, visitor, true)) return false;
      }
    } else if (field === ServerField.BATCH) {
      return false;
    } else {
      pos = bodyEnd;
      visitor.control(field, bytes, start, end);
    }
    pos = bodyEnd;
  }
  return pos === end;
}

/**
 * Scans one binary WebSocket frame from the edge, calling `visitor` for every message in it (in order).
 * Returns false for bytes that are not a well-formed `ServerMessage` (messages before the fault were reported).
 */
export function scanServerFrame(bytes: Uint8Array, visitor: FrameVisitor): boolean {
  pos = 0;
  return scanMessage(bytes, bytes.length, visitor, false);
}

/**
 * Scans one encoded `MarketUpdate` in bytes[start..end) (e.g. a NATS message payload, as the normalizer
 * publishes it) and reports it to `sink`. Returns false when malformed (nothing is reported then).
 */
export function scanMarketUpdate(bytes: Uint8Array, start: number, end: number, sink: UpdateSink): boolean {
  pos = start;
  return scanUpdate(bytes, end, sink);
}
