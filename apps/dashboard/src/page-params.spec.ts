import { DEFAULT_EXCHANGE_TIME_ZONE } from './exchange-time';
import { MAX_WATCHLIST_SIZE, pageParams, parseSymbolList } from './page-params';

describe('pageParams', () => {
  it('connects to the edge that served the page, anonymous without ?token=', () => {
    expect(pageParams({ protocol: 'http:', host: '127.0.0.1:8080', search: '' })).toEqual({
      streamUrl: 'ws://127.0.0.1:8080/v1/stream',
      httpBaseUrl: 'http://127.0.0.1:8080',
      token: undefined,
      symbols: undefined,
      timeZone: DEFAULT_EXCHANGE_TIME_ZONE,
    });
  });

  it('uses wss behind TLS, and reads token, symbols and time zone', () => {
    const params = pageParams({ protocol: 'https:', host: 'md.example.com', search: '?token=abc.def.ghi&symbols=AAPL,%20MSFT,BRK.B&tz=Europe/London' });
    expect(params).toEqual({ streamUrl: 'wss://md.example.com/v1/stream', httpBaseUrl: 'https://md.example.com', token: 'abc.def.ghi', symbols: ['AAPL', 'MSFT', 'BRK.B'], timeZone: 'Europe/London' });
  });

  it('ignores an empty token and an unknown time zone', () => {
    const params = pageParams({ protocol: 'http:', host: 'h', search: '?token=&tz=Mars/Olympus' });
    expect(params.token).toBeUndefined();
    expect(params.timeZone).toBe(DEFAULT_EXCHANGE_TIME_ZONE);
  });
});

describe('parseSymbolList', () => {
  it('trims, drops empties and repeats, caps the count', () => {
    expect(parseSymbolList(' A, B,,A ,')).toEqual(['A', 'B']);
    expect(parseSymbolList(',,')).toBeUndefined();
    expect(parseSymbolList(null)).toBeUndefined();
    const many = Array.from({ length: 150 }, (_, i) => `S${i}`).join(',');
    expect(parseSymbolList(many)).toHaveLength(MAX_WATCHLIST_SIZE);
  });
});
