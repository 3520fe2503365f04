import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_INITIAL_DELAY_MS, DEFAULT_MAX_DELAY_MS, parseClientOptions, resolveToken, type TickwireClientOptions } from './client-options';
import { TickwireClientError } from './errors';
import type { WebSocketLike } from './websocket-like';

const createSocket = (): WebSocketLike => {
  throw new Error('not used');
};

describe('parseClientOptions', () => {
  it('fills in the defaults and freezes the result', () => {
    const options = parseClientOptions({ url: 'ws://127.0.0.1:8080/v1/stream', createSocket });
    expect(options).toMatchObject({ encoding: 'json', reconnect: { initialDelayMs: DEFAULT_INITIAL_DELAY_MS, maxDelayMs: DEFAULT_MAX_DELAY_MS }, heartbeatTimeoutMs: undefined, connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS, random: Math.random, now: Date.now });
    expect(Object.isFrozen(options)).toBe(true);
    expect(parseClientOptions({ url: 'wss://md.example.com/v1/stream', createSocket, reconnect: false }).reconnect).toBe(false);
  });

  it.each<[Partial<TickwireClientOptions>, string]>([
    [{ url: 'http://x/v1/stream' }, 'url must be a ws:// or wss:// URL, got "http://x/v1/stream"'],
    [{ url: 'ws://' }, 'url must be a ws:// or wss:// URL'],
    [{ encoding: 'xml' as never }, `encoding must be 'json' or 'proto', got "xml"`],
    [{ token: 5 as never }, 'token must be a string or a function returning one, got 5'],
    [{ reconnect: { initialDelayMs: 0 } }, 'reconnect.initialDelayMs must be a positive number of milliseconds, got 0'],
    [{ reconnect: { initialDelayMs: 500, maxDelayMs: 100 } }, 'reconnect.maxDelayMs must be at least reconnect.initialDelayMs (500), got 100'],
    [{ reconnect: true as never }, 'reconnect must be false or { initialDelayMs?, maxDelayMs? }, got true'],
    [{ heartbeatTimeoutMs: Number.NaN }, 'heartbeatTimeoutMs must be a positive number of milliseconds'],
    [{ connectTimeoutMs: -1 }, 'connectTimeoutMs must be a positive number of milliseconds, got -1'],
    [{ createSocket: 'ws' as never }, 'createSocket must be a function, got "ws"'],
    [{ random: 0.5 as never }, 'random must be a function, got 0.5'],
  ])('rejects %j naming the field', (bad, message) => {
    const attempt = (): unknown => parseClientOptions({ url: 'ws://127.0.0.1:1/v1/stream', createSocket, ...bad });
    expect(attempt).toThrow(TickwireClientError);
    expect(attempt).toThrow(message);
  });

  it('without createSocket uses the global WebSocket, or says clearly that there is none', () => {
    const global = globalThis as { WebSocket?: unknown };
    const saved = global.WebSocket;
    try {
      delete global.WebSocket;
      expect(() => parseClientOptions({ url: 'ws://127.0.0.1:1/v1/stream' })).toThrow(/no WebSocket implementation: this runtime has no global WebSocket \(Node 20\): pass createSocket/);
      const made: unknown[] = [];
      global.WebSocket = class {
        constructor(...args: unknown[]) {
          made.push(args);
        }
      };
      parseClientOptions({ url: 'ws://127.0.0.1:1/v1/stream' }).createSocket('ws://a/v1/stream', ['tickwire.v1.json']);
      expect(made).toEqual([['ws://a/v1/stream', ['tickwire.v1.json']]]);
    } finally {
      if (saved === undefined) delete global.WebSocket;
      else global.WebSocket = saved;
    }
  });
});

describe('resolveToken', () => {
  it('takes a string, a function or an async function; anything but a string is an error', async () => {
    expect(await resolveToken(undefined)).toBeUndefined();
    expect(await resolveToken('a')).toBe('a');
    expect(await resolveToken(() => 'b')).toBe('b');
    expect(await resolveToken(async () => 'c')).toBe('c');
    await expect(resolveToken((() => undefined) as never)).rejects.toMatchObject({ code: 'CLIENT_ERR_TOKEN_FAILED' });
  });
});
