import fc from 'fast-check';
import { concatBatch, decodeClientMessage, decodeServerMessage, encodeClientMessage, encodeServerMessage } from './binary-codec';
import { ErrorCode } from './close-codes';
import { ClientMessage, ServerMessage } from './gen/tickwire/v1/client';
import { SubscriptionMode } from './gen/tickwire/v1/snapshot';
import { clientMessageArb, serverMessageArb } from './testing/arbitraries';

describe('client messages', () => {
  it('round-trip through encodeClientMessage and decodeClientMessage', () => {
    fc.assert(fc.property(clientMessageArb, (message) => {
      expect(decodeClientMessage(encodeClientMessage(message))).toEqual({ ok: true, message });
    }));
  });

  it('decode what the generated encoder writes', () => {
    const bytes = ClientMessage.encode({ id: 7, body: { $case: 'subscribe', value: { items: [{ symbol: 'AAPL', mode: SubscriptionMode.QUOTE }] } } }).finish();
    expect(decodeClientMessage(bytes)).toEqual({ ok: true, message: { id: 7, body: { $case: 'subscribe', value: { items: [{ symbol: 'AAPL', mode: SubscriptionMode.QUOTE }] } } } });
  });

  it('never throw on garbage bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const result = decodeClientMessage(bytes);
        return result.ok || ([ErrorCode.MALFORMED_MESSAGE, ErrorCode.UNKNOWN_TYPE, ErrorCode.BAD_REQUEST] as number[]).includes(result.code);
      }),
      { numRuns: 5000 },
    );
  });

  it('report a truncated frame as malformed', () => {
    const bytes = encodeClientMessage({ id: 3, body: { $case: 'auth', value: { token: 'a-long-enough-token' } } });
    expect(decodeClientMessage(bytes.subarray(0, bytes.length - 4))).toMatchObject({ ok: false, code: ErrorCode.MALFORMED_MESSAGE, requestId: 0 });
  });

  it('report a message without a known body as an unknown type, keeping the request id', () => {
    expect(decodeClientMessage(encodeClientMessage({ id: 5 }))).toMatchObject({ ok: false, code: ErrorCode.UNKNOWN_TYPE, requestId: 5 });
    // Field 15 (a message type from a newer client): skipped by the decoder, so no body.
    expect(decodeClientMessage(Uint8Array.of(0x08, 0x05, 0x7a, 0x00))).toMatchObject({ ok: false, code: ErrorCode.UNKNOWN_TYPE, requestId: 5 });
  });

  it('reject empty symbol lists, as the JSON codec does', () => {
    expect(decodeClientMessage(encodeClientMessage({ id: 1, body: { $case: 'subscribe', value: { items: [] } } }))).toMatchObject({ ok: false, code: ErrorCode.BAD_REQUEST, requestId: 1 });
    expect(decodeClientMessage(encodeClientMessage({ id: 2, body: { $case: 'unsubscribe', value: { symbols: [] } } }))).toMatchObject({ ok: false, code: ErrorCode.BAD_REQUEST, requestId: 2 });
    expect(decodeClientMessage(encodeClientMessage({ id: 3, body: { $case: 'resync', value: { symbols: [] } } }))).toMatchObject({ ok: false, code: ErrorCode.BAD_REQUEST, requestId: 3 });
  });
});

describe('server messages', () => {
  it('round-trip through encodeServerMessage and decodeServerMessage', () => {
    fc.assert(fc.property(serverMessageArb, (message) => {
      expect(decodeServerMessage(encodeServerMessage(message))).toEqual({ ok: true, message });
    }));
  });

  it('never throw on garbage bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => typeof decodeServerMessage(bytes).ok === 'boolean'), { numRuns: 5000 });
  });

  it('refuse batches nested past the generated decoder recursion limit, without throwing', () => {
    let bytes = encodeServerMessage({ body: { $case: 'ping', value: { ts: 1n } } });
    for (let i = 0; i < 200; i++) bytes = concatBatch([bytes]);
    expect(decodeServerMessage(bytes)).toMatchObject({ ok: false, code: ErrorCode.MALFORMED_MESSAGE });
  });
});

describe('concatBatch', () => {
  it('equals encoding the Batch with the generated code', () => {
    fc.assert(fc.property(fc.array(serverMessageArb, { maxLength: 5 }), (messages) => {
      const expected = ServerMessage.encode({ body: { $case: 'batch', value: { messages } } }).finish();
      expect(concatBatch(messages.map(encodeServerMessage))).toEqual(expected);
    }));
  });

  it('handles pieces whose length needs a multi-byte varint', () => {
    const big = encodeServerMessage({ body: { $case: 'error', value: { code: 1000, message: 'x'.repeat(20_000), requestId: 1, retryable: false } } });
    const small = encodeServerMessage({ body: { $case: 'pong', value: { ts: 9n } } });
    const batch = concatBatch([big, small, big]);
    expect(batch).toEqual(ServerMessage.encode({ body: { $case: 'batch', value: { messages: [ServerMessage.decode(big), ServerMessage.decode(small), ServerMessage.decode(big)] } } }).finish());
    expect(decodeServerMessage(batch)).toMatchObject({ ok: true, message: { body: { $case: 'batch' } } });
  });

  it('encodes an empty batch', () => {
    expect(concatBatch([])).toEqual(Uint8Array.of(0x22, 0x00));
    expect(decodeServerMessage(concatBatch([]))).toEqual({ ok: true, message: { body: { $case: 'batch', value: { messages: [] } } } });
  });
});
