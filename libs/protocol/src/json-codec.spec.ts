import fc from 'fast-check';
import { ErrorCode } from './close-codes';
import type { ClientMessage, ServerMessage } from './gen/tickwire/v1/client';
import { SubscriptionResultCode } from './gen/tickwire/v1/client';
import type { MarketUpdate } from './gen/tickwire/v1/market';
import { TradeKind, TradingStatus } from './gen/tickwire/v1/market';
import { SubscriptionMode } from './gen/tickwire/v1/snapshot';
import { concatJsonBatch, concatJsonBatchBytes, decodeClientJson, decodeServerJson, encodeClientJson, encodeServerJson, subscriptionModeName } from './json-codec';
import { clientMessageArb, serverMessageArb, withVwapFrom } from './testing/arbitraries';

function update(fields: Partial<MarketUpdate>): MarketUpdate {
  return {
    symbol: 'AAPL',
    seq: 12n,
    epoch: 1n,
    exchangeTsNs: 34_200_000_000_123n,
    ingestTsNs: 1_732_400_000_123_456_789n,
    publishTsNs: 1_732_400_000_123_999_000n,
    trades: [],
    stale: false,
    snapshot: false,
    changed: 0,
    ...fields,
  };
}

function decodedClient(text: string): ClientMessage {
  const result = decodeClientJson(text);
  if (!result.ok) throw new Error(`expected ok, got ${result.code} ${result.reason}`);
  return result.message;
}

describe('decodeClientJson', () => {
  it('reads every client message type', () => {
    expect(decodedClient('{"type":"auth","token":"jwt"}')).toEqual({ id: 0, body: { $case: 'auth', value: { token: 'jwt' } } });
    expect(decodedClient('{"type":"subscribe","id":7,"symbols":["AAPL","MSFT"],"mode":"quote"}')).toEqual({
      id: 7,
      body: { $case: 'subscribe', value: { items: [{ symbol: 'AAPL', mode: SubscriptionMode.QUOTE }, { symbol: 'MSFT', mode: SubscriptionMode.QUOTE }] } },
    });
    expect(decodedClient('{"type":"subscribe","id":8,"mode":"ltp","items":[{"symbol":"AAPL","mode":"full"},{"symbol":"BRK.B"}]}')).toEqual({
      id: 8,
      body: { $case: 'subscribe', value: { items: [{ symbol: 'AAPL', mode: SubscriptionMode.FULL }, { symbol: 'BRK.B', mode: SubscriptionMode.LTP }] } },
    });
    expect(decodedClient('{"type":"subscribe","symbols":["AAPL"]}')).toEqual({ id: 0, body: { $case: 'subscribe', value: { items: [{ symbol: 'AAPL', mode: SubscriptionMode.UNSPECIFIED }] } } });
    expect(decodedClient('{"type":"unsubscribe","id":9,"symbols":["AAPL"]}')).toEqual({ id: 9, body: { $case: 'unsubscribe', value: { symbols: ['AAPL'] } } });
    expect(decodedClient('{"type":"resync","symbols":["AAPL"]}')).toEqual({ id: 0, body: { $case: 'resync', value: { symbols: ['AAPL'] } } });
    expect(decodedClient('{"type":"ping","ts":123}')).toEqual({ id: 0, body: { $case: 'ping', value: { ts: 123n } } });
    expect(decodedClient('{"type":"pong","ts":"18446744073709551615"}')).toEqual({ id: 0, body: { $case: 'pong', value: { ts: 18446744073709551615n } } });
    expect(decodedClient('{"type":"ping"}')).toEqual({ id: 0, body: { $case: 'ping', value: { ts: 0n } } });
  });

  it('ignores fields it does not know', () => {
    expect(decodedClient('{"type":"auth","token":"t","client":"sdk/1.2"}')).toEqual({ id: 0, body: { $case: 'auth', value: { token: 't' } } });
  });

  it.each([
    ['', ErrorCode.MALFORMED_MESSAGE, 0],
    ['{"type":"auth"', ErrorCode.MALFORMED_MESSAGE, 0],
    ['null', ErrorCode.BAD_REQUEST, 0],
    ['[]', ErrorCode.BAD_REQUEST, 0],
    ['"auth"', ErrorCode.BAD_REQUEST, 0],
    ['{}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":7}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"hello","id":3}', ErrorCode.UNKNOWN_TYPE, 3],
    ['{"type":"toString"}', ErrorCode.UNKNOWN_TYPE, 0],
    ['{"type":"auth","id":-1,"token":"t"}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"auth","id":4294967296,"token":"t"}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"auth","id":1.5,"token":"t"}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"auth","id":4}', ErrorCode.BAD_REQUEST, 4],
    ['{"type":"auth","token":null}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"subscribe","id":5}', ErrorCode.BAD_REQUEST, 5],
    ['{"type":"subscribe","symbols":[]}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"subscribe","symbols":"AAPL"}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"subscribe","symbols":["AAPL",1]}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"subscribe","symbols":["AAPL"],"items":[{"symbol":"MSFT"}]}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"subscribe","symbols":["AAPL"],"mode":"turbo"}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"subscribe","items":[{"mode":"full"}]}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"subscribe","items":["AAPL"]}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"subscribe","items":[]}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"unsubscribe","symbols":[]}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"resync"}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"ping","ts":-1}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"ping","ts":1e300}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"ping","ts":"18446744073709551616"}', ErrorCode.BAD_REQUEST, 0],
    ['{"type":"ping","ts":"0x10"}', ErrorCode.BAD_REQUEST, 0],
    ['{"__proto__":{"type":"auth","token":"t"}}', ErrorCode.BAD_REQUEST, 0],
  ])('rejects %s with code %d', (text, code, requestId) => {
    const result = decodeClientJson(text);
    expect(result).toMatchObject({ ok: false, code, requestId });
    expect(result.ok || result.reason.length > 0).toBe(true);
  });

  it('names the offending field and echoes only a short excerpt of the input', () => {
    expect(decodeClientJson('{"type":"subscribe","symbols":["A",2]}')).toMatchObject({ reason: '"symbols[1]" must be a string' });
    const result = decodeClientJson(JSON.stringify({ type: 'x'.repeat(10_000) }));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason.length).toBeLessThan(100);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ type: 'subscribe', symbols: v, items: v, mode: v, id: v }))), (text) => {
        const result = decodeClientJson(text);
        return result.ok === true || (typeof result.code === 'number' && typeof result.reason === 'string');
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back what encodeClientJson wrote', () => {
    fc.assert(fc.property(clientMessageArb, (message) => {
      expect(decodeClientJson(encodeClientJson(message))).toEqual({ ok: true, message });
    }));
  });
});

describe('encodeServerJson', () => {
  it('writes a delta update with only the fields it carries', () => {
    const json = encodeServerJson({ body: { $case: 'update', value: update({ ltp: 1_234_500, lastSize: 100n }) } });
    expect(json).toBe(
      '{"type":"update","symbol":"AAPL","seq":12,"epoch":1,"ts":34200000000123,"ingestTs":"1732400000123456789","publishTs":"1732400000123999000","ltp":123.45,"lastSize":100}',
    );
    expect(JSON.parse(json)).not.toHaveProperty('quote');
  });

  it('writes a full snapshot with prices in currency units', () => {
    const value = update({
      ltp: 1_234_500,
      lastSize: 100n,
      quote: { bidPrice: 1_234_400, bidSize: 300n, askPrice: 1_234_600, askSize: 200n },
      ohlc: { open: 1_200_000, high: 1_250_001, low: 1_190_000, close: 1_234_500 },
      volume: 1_000_000n,
      vwap: 1_225_000.5,
      depth: { bids: [{ price: 1_234_400, size: 300n, orders: 2 }], asks: [{ price: 1_234_600, size: 200n, orders: 1 }] },
      trades: [{ price: 1_234_500, size: 100n, matchNumber: 42n, exchangeTsNs: 34_200_000_000_100n, kind: TradeKind.CROSS_OPEN }],
      status: TradingStatus.TRADING,
      stale: true,
      snapshot: true,
    });
    expect(JSON.parse(encodeServerJson({ body: { $case: 'update', value } }))).toEqual({
      type: 'update',
      symbol: 'AAPL',
      seq: 12,
      epoch: 1,
      ts: 34200000000123,
      ingestTs: '1732400000123456789',
      publishTs: '1732400000123999000',
      ltp: 123.45,
      lastSize: 100,
      quote: { bid: 123.44, bidSize: 300, ask: 123.46, askSize: 200 },
      ohlc: { open: 120, high: 125.0001, low: 119, close: 123.45 },
      volume: 1000000,
      vwap: 122.50005,
      depth: { bids: [[123.44, 300, 2]], asks: [[123.46, 200, 1]] },
      trades: [{ price: 123.45, size: 100, match: 42, ts: 34200000000100, kind: 'cross_open' }],
      status: 'trading',
      stale: true,
      snapshot: true,
    });
  });

  it('prints every uint32 price as its exact decimal', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (price) => {
      const printed = JSON.parse(encodeServerJson({ body: { $case: 'update', value: update({ ltp: price }) } })).ltp as number;
      const whole = Math.floor(price / 10_000);
      const fraction = String(price % 10_000).padStart(4, '0').replace(/0+$/, '');
      expect(String(printed)).toBe(fraction === '' ? String(whole) : `${whole}.${fraction}`);
    }));
  });

  it('leaves out a VWAP that is not a finite number', () => {
    expect(encodeServerJson({ body: { $case: 'update', value: update({ vwap: Number.NaN }) } })).not.toContain('vwap');
  });

  it('writes every other server message', () => {
    const cases: [ServerMessage, unknown][] = [
      [{ body: { $case: 'welcome', value: { sessionId: 's1', heartbeatMs: 15000, tier: 'pro', maxSubscriptions: 500 } } }, { type: 'welcome', sessionId: 's1', heartbeatMs: 15000, tier: 'pro', maxSubscriptions: 500 }],
      [
        { body: { $case: 'subscribeAck', value: { id: 7, results: [{ symbol: 'AAPL', code: SubscriptionResultCode.OK, mode: SubscriptionMode.QUOTE }, { symbol: 'ZZZZ', code: SubscriptionResultCode.UNKNOWN_SYMBOL, mode: SubscriptionMode.UNSPECIFIED }] } } },
        { type: 'subscribe_ack', id: 7, results: [{ symbol: 'AAPL', code: 'ok', mode: 'quote' }, { symbol: 'ZZZZ', code: 'unknown_symbol', mode: 'unspecified' }] },
      ],
      [{ body: { $case: 'unsubscribeAck', value: { id: 9, symbols: ['AAPL'] } } }, { type: 'unsubscribe_ack', id: 9, symbols: ['AAPL'] }],
      [{ body: { $case: 'error', value: { code: ErrorCode.BAD_REQUEST, message: 'bad', requestId: 7, retryable: false } } }, { type: 'error', code: 1000, message: 'bad', requestId: 7, retryable: false }],
      [{ body: { $case: 'reconnect', value: { afterMs: 2000, reason: 'draining' } } }, { type: 'reconnect', afterMs: 2000, reason: 'draining' }],
      [{ body: { $case: 'ping', value: { ts: 1_732_400_000_000n } } }, { type: 'ping', ts: 1732400000000 }],
      [{ body: { $case: 'pong', value: { ts: 5n } } }, { type: 'pong', ts: 5 }],
      [
        { body: { $case: 'batch', value: { messages: [{ body: { $case: 'pong', value: { ts: 1n } } }, { body: { $case: 'ping', value: { ts: 2n } } }] } } },
        { type: 'batch', messages: [{ type: 'pong', ts: 1 }, { type: 'ping', ts: 2 }] },
      ],
    ];
    for (const [message, json] of cases) expect(JSON.parse(encodeServerJson(message))).toEqual(json);
  });

  it('writes an enum value it does not know as its number', () => {
    expect(JSON.parse(encodeServerJson({ body: { $case: 'update', value: update({ status: 99 as TradingStatus }) } })).status).toBe(99);
  });

  it('refuses a message without a body', () => {
    expect(() => encodeServerJson({})).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_MESSAGE' }));
    expect(() => encodeClientJson({ id: 1 })).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_INVALID_MESSAGE' }));
  });

  it('builds the same batch by concatenating pre-encoded messages', () => {
    fc.assert(fc.property(fc.array(serverMessageArb, { maxLength: 4 }), (messages) => {
      expect(concatJsonBatch(messages.map(encodeServerJson))).toBe(encodeServerJson({ body: { $case: 'batch', value: { messages } } }));
    }));
  });

  it('builds the same batch bytes from UTF-8 pieces', () => {
    const utf8 = new TextEncoder();
    fc.assert(fc.property(fc.array(serverMessageArb, { maxLength: 4 }), (messages) => {
      const bytes = concatJsonBatchBytes(messages.map((m) => utf8.encode(encodeServerJson(m))));
      expect(new TextDecoder().decode(bytes)).toBe(encodeServerJson({ body: { $case: 'batch', value: { messages } } }));
    }));
  });
});

describe('decodeServerJson', () => {
  it('reads back every server message encodeServerJson writes', () => {
    fc.assert(
      fc.property(serverMessageArb, (message) => {
        const result = decodeServerJson(encodeServerJson(message));
        if (!result.ok) throw new Error(result.reason);
        expect(withVwapFrom(result.message, message)).toEqual(message);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects what is not a server message, without throwing', () => {
    expect(decodeServerJson('nope')).toMatchObject({ ok: false, code: ErrorCode.MALFORMED_MESSAGE });
    expect(decodeServerJson('{"type":"hello"}')).toMatchObject({ ok: false, code: ErrorCode.UNKNOWN_TYPE });
    expect(decodeServerJson('{"type":"update","ltp":-1}')).toMatchObject({ ok: false, code: ErrorCode.BAD_REQUEST, reason: '"ltp" must be a price in 0..429496.7295' });
    expect(decodeServerJson('{"type":"update","depth":{"bids":[[1,2]]}}')).toMatchObject({ ok: false, code: ErrorCode.BAD_REQUEST });
    const deep = '{"type":"batch","messages":['.repeat(20) + ']}'.repeat(20);
    expect(decodeServerJson(deep)).toMatchObject({ ok: false, code: ErrorCode.BAD_REQUEST });
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (text) => typeof decodeServerJson(text).ok === 'boolean'));
  });
});

describe('subscriptionModeName', () => {
  it('gives the JSON name of a mode', () => {
    expect(subscriptionModeName(SubscriptionMode.FULL)).toBe('full');
    expect(subscriptionModeName(SubscriptionMode.UNSPECIFIED)).toBe('unspecified');
    expect(subscriptionModeName(42 as SubscriptionMode)).toBeUndefined();
  });
});
