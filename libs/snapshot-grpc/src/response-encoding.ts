/**
 * Responses built from stored bytes without decoding them: `GetSnapshotsResponse.snapshots`,
 * `ListInstrumentsResponse.instruments` and `GetCandlesResponse.candles` are all field 1, a repeated
 * message, and the store already holds each message encoded. A repeated message field on the wire is
 * just `tag, length, bytes` per element, so concatenating the stored bytes gives the exact encoding
 * the generated `encode` would produce, without the decode/encode round trip per snapshot.
 */

const FIELD_1_LEN = 0x0a;
const FIELD_2_LEN = 0x12;

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size += 1;
  }
  return size;
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

/** Field 1 repeated (the stored messages, in order), then field 2 repeated strings (`unknown_symbols`). */
export function encodeRepeatedMessages(messages: readonly Uint8Array[], field2Strings: readonly string[] = []): Buffer {
  const encodedStrings = field2Strings.map((s) => Buffer.from(s, 'utf8'));
  let size = 0;
  for (const m of messages) size += 1 + varintSize(m.byteLength) + m.byteLength;
  for (const s of encodedStrings) size += 1 + varintSize(s.byteLength) + s.byteLength;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const m of messages) {
    out[at++] = FIELD_1_LEN;
    at = writeVarint(out, at, m.byteLength);
    out.set(m, at);
    at += m.byteLength;
  }
  for (const s of encodedStrings) {
    out[at++] = FIELD_2_LEN;
    at = writeVarint(out, at, s.byteLength);
    out.set(s, at);
    at += s.byteLength;
  }
  return out;
}
