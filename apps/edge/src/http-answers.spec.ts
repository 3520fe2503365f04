import { connect, type AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { SubscriptionMode } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { rejectionCount } from '../test/rejection-count';
import { EdgeMetrics, type RejectionReason } from './edge-metrics';
import { installHttpAnswers, MODE_BY_NAME, repeatedParameter, symbolsProblem } from './http-answers';

describe('MODE_BY_NAME', () => {
  it('knows ltp, quote and full, and nothing an object inherits', () => {
    expect(MODE_BY_NAME.get('full')).toBe(SubscriptionMode.FULL);
    for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', '']) expect(MODE_BY_NAME.get(name)).toBeUndefined();
  });
});

describe('repeatedParameter', () => {
  it('names the first parameter fastify parsed into an array', () => {
    expect(repeatedParameter({ symbols: 'A', mode: ['ltp', 'full'] })).toBe('mode');
    expect(repeatedParameter({ symbols: 'A', mode: 'ltp' })).toBeUndefined();
    expect(repeatedParameter(undefined)).toBeUndefined();
  });
});

describe('symbolsProblem', () => {
  it('refuses none, too many and invalid symbols', () => {
    expect(symbolsProblem(undefined, 2)).toMatch(/required/);
    expect(symbolsProblem([], 2)).toMatch(/required/);
    expect(symbolsProblem(['A', 'B', 'C'], 2)).toBe('symbols: at most 2 per request');
    expect(symbolsProblem(['A', 'B{'], 2)).toMatch(/^symbols: "B\{": character/);
    expect(symbolsProblem(['A', 'B.C'], 2)).toBeUndefined();
  });
});

describe('installHttpAnswers', () => {
  let app: FastifyInstance;
  let metrics: EdgeMetrics;
  const rejected = (reason: RejectionReason): Promise<number> => rejectionCount(metrics, reason);

  beforeEach(async () => {
    metrics = new EdgeMetrics(createMetrics({ service: 'edge-test', defaultMetrics: false }));
    app = Fastify();
    installHttpAnswers(app, metrics, createLogger({ service: 'edge-test', level: 'fatal' }));
    app.get('/v1/echo', async (request) => request.query);
    app.get('/v1/throws', async () => {
      throw new TypeError('value.split is not a function');
    });
    await app.ready();
  });

  afterEach(() => app.close());

  it('a repeated query parameter on /v1/ is 400 BAD_REQUEST, counted', async () => {
    const response = await app.inject('/v1/echo?symbols=A&symbols=B');
    expect([response.statusCode, response.json()]).toEqual([400, { error: 'symbols: given more than once', code: 'BAD_REQUEST' }]);
    expect((await app.inject('/v1/echo?symbols=A')).statusCode).toBe(200);
    expect(await rejected('bad_request')).toBe(1);
  });

  it('an unknown path or method is 404 NOT_FOUND without the URL (it may carry a token), counted', async () => {
    for (const [method, url] of [['GET', '/nope?token=secret'], ['POST', '/v1/echo?token=secret'], ['DELETE', '/v1/echo?token=secret']] as const) {
      const response = await app.inject({ method, url });
      expect([response.statusCode, response.json()]).toEqual([404, { error: 'not found', code: 'NOT_FOUND' }]);
    }
    expect(await rejected('not_found')).toBe(3);
  });

  it("requests Node's parser refuses are counted by kind: malformed 400, headers over the limit 431; CONNECT is 404", async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const rawAnswer = (request: string): Promise<string> =>
      new Promise((resolve) => {
        const socket = connect({ host: '127.0.0.1', port }, () => socket.end(request));
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
        socket.on('error', () => undefined);
      });
    expect(await rawAnswer('GET /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawAnswer(`GET /v1/echo HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect([await rejected('malformed_request'), await rejected('headers_too_large')]).toEqual([1, 1]);
    expect(await rawAnswer('CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 404 Not Found');
    expect(await rejected('not_found')).toBe(1);
  });

  it('an unexpected error is 500 INTERNAL_ERROR without its message', async () => {
    const response = await app.inject('/v1/throws');
    expect([response.statusCode, response.json()]).toEqual([500, { error: 'internal error', code: 'INTERNAL_ERROR' }]);
  });
});
