import { encodeServerJson, encodeServerMessage, MarketUpdate, type ServerMessage } from '@tickwire/protocol';
import { utf8Length, wireCodec } from './wire-codec';

const update: ServerMessage = { body: { $case: 'update', value: MarketUpdate.fromPartial({ symbol: 'AAPL', seq: 3n, epoch: 1n, ltp: 1_234_500 }) } };

describe('wireCodec', () => {
  it('json: text frames through the protocol codec; binary frames are not JSON', () => {
    const codec = wireCodec('json');
    expect(codec.subprotocol).toBe('tickwire.v1.json');
    expect(codec.encode({ id: 7, body: { $case: 'resync', value: { symbols: ['AAPL'] } } })).toBe('{"type":"resync","id":7,"symbols":["AAPL"]}');
    expect(codec.decode(encodeServerJson(update))).toEqual({ ok: true, message: update });
    expect(codec.decode(new ArrayBuffer(3))).toBeUndefined();
    expect(codec.decode('{"type":"future"}')).toMatchObject({ ok: false });
  });

  it('json: a batch holding a type this version does not know keeps the messages it knows', () => {
    const text = `{"type":"batch","messages":[{"type":"future","x":[1]},${encodeServerJson(update)},{"type":"batch","messages":[{"type":"future2"},{"type":"pong","ts":5}]}]}`;
    expect(wireCodec('json').decode(text)).toEqual({
      ok: true,
      message: { body: { $case: 'batch', value: { messages: [update, { body: { $case: 'batch', value: { messages: [{ body: { $case: 'pong', value: { ts: 5n } } }] } } }] } } },
    });
  });

  it('proto: binary frames as ArrayBuffer or a view (Buffer) alike; text frames are not protobuf', () => {
    const codec = wireCodec('proto');
    expect(codec.subprotocol).toBe('tickwire.v1.proto');
    const bytes = encodeServerMessage(update);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(codec.decode(buffer)).toEqual({ ok: true, message: update });
    const padded = new Uint8Array(bytes.length + 4);
    padded.set(bytes, 2);
    expect(codec.decode(padded.subarray(2, 2 + bytes.length))).toEqual({ ok: true, message: update });
    expect(codec.decode('{"type":"ping"}')).toBeUndefined();
    expect(codec.frameBytes(buffer)).toBe(bytes.length);
  });

  it('counts text frames in UTF-8 bytes', () => {
    for (const text of ['', 'AAPL', 'é', '€', '😀', 'a😀b€é', '\ud800x']) expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });
});
