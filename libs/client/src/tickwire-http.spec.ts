import { encodeServerJson, MarketUpdate, TradingStatus } from '@tickwire/protocol';
import { TickwireClientError, TickwireHttpError } from './errors';
import { TickwireHttp, type FetchLike } from './tickwire-http';

/** A fetch answering like apps/edge/src/edge-server.ts does, recording the requests. */
function fakeFetch(status: number, body: string): { fetch: FetchLike; requests: { url: string; headers: Record<string, string> }[] } {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const fetch: FetchLike = async (url, init) => {
    requests.push({ url, headers: init?.headers ?? {} });
    return { ok: status >= 200 && status < 300, status, text: async () => body };
  };
  return { fetch, requests };
}

const snapshot = MarketUpdate.fromPartial({ symbol: 'AAPL', seq: 12n, epoch: 1n, publishTsNs: 1_732_400_000_123_999_000n, ltp: 1_234_500, volume: 100n, status: TradingStatus.TRADING, snapshot: true });

describe('TickwireHttp', () => {
  it('instruments: GET /v1/instruments?prefix&limit with the bearer token', async () => {
    const { fetch, requests } = fakeFetch(200, JSON.stringify({ instruments: [{ symbol: 'AAPL', marketCategory: 'Q', roundLotSize: 100, etp: false }] }));
    const http = new TickwireHttp({ baseUrl: 'http://edge:8080/', token: async () => 'jwt', fetch });
    expect(await http.instruments('AA', 10)).toEqual([{ symbol: 'AAPL', marketCategory: 'Q', roundLotSize: 100, etp: false }]);
    expect(requests).toEqual([{ url: 'http://edge:8080/v1/instruments?prefix=AA&limit=10', headers: { accept: 'application/json', authorization: 'Bearer jwt' } }]);
  });

  it('candles: GET /v1/candles?symbol&from&to; t (Unix ns, a string) read exactly', async () => {
    const { fetch, requests } = fakeFetch(200, JSON.stringify({ symbol: 'BRK.B', candles: [{ t: '1784109000000000001', o: 100.5, h: 101, l: 100, c: 100.75, v: 5000, n: 50 }] }));
    const http = new TickwireHttp({ baseUrl: 'http://edge', fetch });
    expect(await http.candles('BRK.B', 1n, 1_784_109_060_000_000_000n)).toEqual([{ startNs: 1_784_109_000_000_000_001n, startMs: 1_784_109_000_000, open: 100.5, high: 101, low: 100, close: 100.75, volume: 5000, trades: 50 }]);
    expect(requests[0]!.url).toBe('http://edge/v1/candles?symbol=BRK.B&from=1&to=1784109060000000000');
    expect(requests[0]!.headers.authorization).toBeUndefined();
  });

  it('snapshots: GET /v1/snapshot?symbols&mode, decoded by the protocol codec', async () => {
    const body = `{"snapshots":[${encodeServerJson({ body: { $case: 'update', value: snapshot } })}],"unknownSymbols":["NOPE"],"notEntitled":["MSFT"]}`;
    const { fetch, requests } = fakeFetch(200, body);
    const http = new TickwireHttp({ baseUrl: 'http://edge', token: 'jwt', fetch });
    expect(await http.snapshots(['AAPL', 'NOPE', 'MSFT'], 'ltp')).toEqual({ snapshots: [snapshot], unknownSymbols: ['NOPE'], notEntitled: ['MSFT'] });
    expect(requests[0]!.url).toBe('http://edge/v1/snapshot?symbols=AAPL%2CNOPE%2CMSFT&mode=ltp');
  });

  it.each([
    [400, '{"error":"symbols: a comma-separated list of 1 or more symbols is required"}', 'symbols: a comma-separated list of 1 or more symbols is required'],
    [401, '{"error":"token expired","code":"TOKEN_EXPIRED"}', 'token expired'],
    [403, '{"error":"not entitled","symbol":"AAPL"}', 'not entitled'],
    [503, '{"error":"snapshot service unavailable"}', 'snapshot service unavailable'],
    [502, '<html>bad gateway</html>', '<html>bad gateway</html>'],
  ])('a %i answer rejects with the status and the server message', async (status, body, message) => {
    const http = new TickwireHttp({ baseUrl: 'http://edge', fetch: fakeFetch(status, body).fetch });
    const error = await http.snapshots(['AAPL']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TickwireHttpError);
    expect(error).toMatchObject({ code: 'CLIENT_ERR_HTTP', status, serverMessage: message, url: 'http://edge/v1/snapshot?symbols=AAPL' });
  });

  it('a 200 with an unexpected body rejects with CLIENT_ERR_HTTP_RESPONSE', async () => {
    const http = new TickwireHttp({ baseUrl: 'http://edge', fetch: fakeFetch(200, '{"nope":1}').fetch });
    await expect(http.instruments()).rejects.toMatchObject({ code: 'CLIENT_ERR_HTTP_RESPONSE' });
    await expect(http.candles('AAPL')).rejects.toMatchObject({ code: 'CLIENT_ERR_HTTP_RESPONSE' });
  });

  it('validates its options; the default fetch is the global one', () => {
    expect(() => new TickwireHttp({ baseUrl: 'ws://edge' })).toThrow(TickwireClientError);
    expect(() => new TickwireHttp({ baseUrl: 'http://edge', fetch: 'no' as never })).toThrow('fetch must be a function');
    expect(() => new TickwireHttp({ baseUrl: 'http://edge' })).not.toThrow(); // Node 20 has fetch
  });
});
