import { connect } from 'node:net';
import { SignJWT } from 'jose';
import { InMemoryBroker } from '@tickwire/bus';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { SnapshotClientError } from '@tickwire/snapshot-grpc';
import { OriginPolicy, parseTierPolicies, TokenVerifier } from './access';
import { DEFAULT_EDGE_LIMITS } from './edge-defaults';
import type { SnapshotQueries } from './edge-server';
import { startEdge, type EdgeService } from './edge-service';

const SECRET = 'edge-server-spec-secret-0123456789-0123456789';

describe('EdgeServer HTTP reads', () => {
  let edge: EdgeService;
  let base: string;
  const asked: string[][] = [];
  // Refuses an empty list, as the snapshot service does.
  const snapshots: SnapshotQueries = {
    getSnapshots: (symbols) => {
      asked.push([...symbols]);
      return symbols.length === 0 ? Promise.reject(new SnapshotClientError('SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', 'symbols: at least one symbol is required')) : Promise.resolve({ snapshots: [], unknownSymbols: [...symbols] });
    },
    listInstruments: () => Promise.resolve([]),
    getCandles: () => Promise.resolve([]),
  };
  const token = (symbols: string[]): Promise<string> =>
    new SignJWT({ tier: 'realtime', ent: { symbols } }).setProtectedHeader({ alg: 'HS256' }).setSubject('s').setExpirationTime('10m').sign(new TextEncoder().encode(SECRET));
  const read = async (path: string, symbols = ['A']): Promise<[number, unknown]> => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${await token(symbols)}` } });
    return [response.status, await response.json()];
  };

  beforeAll(async () => {
    edge = await startEdge({
      bus: new InMemoryBroker().connect(),
      snapshots,
      shardCount: 4,
      host: '127.0.0.1',
      port: 0,
      verifier: await TokenVerifier.create({ hs256Secret: SECRET }),
      tiers: parseTierPolicies('realtime:0:50:full'),
      origins: OriginPolicy.parse('*'),
      maxConnections: 10,
      maxConnectionsPerIp: 10,
      limits: DEFAULT_EDGE_LIMITS,
      lingerMs: 10,
      maxSymbolsPerFetch: 100,
      behindCheckMs: 20,
      tickMs: 100,
      registry: createMetrics({ service: 'edge-test', defaultMetrics: false }),
      logger: createLogger({ service: 'edge-test', level: 'fatal' }),
    });
    base = `http://127.0.0.1:${edge.address.port}`;
  });

  afterAll(() => edge.stop(0));

  it('/v1/snapshot with no symbol entitled: 200, every symbol in notEntitled, the snapshot service not asked', async () => {
    asked.length = 0;
    expect(await read('/v1/snapshot?symbols=B,C')).toEqual([200, { snapshots: [], unknownSymbols: [], notEntitled: ['B', 'C'] }]);
    expect(await read('/v1/snapshot?symbols=A,B')).toEqual([200, { snapshots: [], unknownSymbols: ['A'], notEntitled: ['B'] }]);
    expect(asked).toEqual([['A']]);
  });

  it('a repeated parameter or a mode an object inherits is 400 BAD_REQUEST, not a 500 or 503', async () => {
    expect(await read('/v1/snapshot?symbols=A&symbols=B')).toEqual([400, { error: 'symbols: given more than once', code: 'BAD_REQUEST' }]);
    expect(await read('/v1/candles?symbol=A&symbol=B')).toEqual([400, { error: 'symbol: given more than once', code: 'BAD_REQUEST' }]);
    for (const mode of ['__proto__', 'toString', 'constructor']) expect(await read(`/v1/snapshot?symbols=A&mode=${mode}`)).toEqual([400, { error: 'mode: one of ltp, quote, full', code: 'BAD_REQUEST' }]);
  });

  it('a URL the router cannot decode (overlong UTF-8) is 400 BAD_REQUEST without the path, counted once', async () => {
    const before = (await edge.metrics.rejections.get()).values.find((v) => v.labels.reason === 'bad_request')?.value ?? 0;
    expect(await read('/%c0%ae%c0%ae/secret.txt?token=x')).toEqual([400, { error: 'the URL is not valid percent-encoded UTF-8', code: 'BAD_REQUEST' }]);
    expect((await edge.metrics.rejections.get()).values.find((v) => v.labels.reason === 'bad_request')?.value).toBe(before + 1);
  });

  it('SSE without a valid token is 401 with the code before the stream opens (an EventSource does not retry it)', async () => {
    const none = await fetch(`${base}/v1/sse?symbols=A`);
    expect([none.status, await none.json()]).toEqual([401, expect.objectContaining({ code: 'AUTH_REQUIRED' })]);
    const expired = await new SignJWT({ tier: 'realtime', ent: { symbols: ['A'] } }).setProtectedHeader({ alg: 'HS256' }).setSubject('s').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(SECRET));
    const late = await fetch(`${base}/v1/sse?symbols=A&token=${expired}`);
    expect([late.status, await late.json()]).toEqual([401, expect.objectContaining({ code: 'TOKEN_EXPIRED' })]);
  });

  it('SSE clients that hang up while their token is being verified leave no session, subscription or address slot behind', async () => {
    const path = `/v1/sse?symbols=A&token=${await token(['A'])}`;
    for (let i = 0; i < 50; i++) {
      const socket = connect({ host: '127.0.0.1', port: edge.address.port }, () => {
        socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
        socket.destroy();
      });
      socket.on('error', () => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([edge.server.connectionCount, edge.metrics.connections, edge.metrics.subscriptions]).toEqual([0, 0, 0]);
  });

  it('SSE refuses too many or invalid symbols before the stream opens', async () => {
    const many = Array.from({ length: DEFAULT_EDGE_LIMITS.maxSymbolsPerRequest + 1 }, (_, i) => `S${i}`).join(',');
    expect(await read(`/v1/sse?symbols=${many}`)).toEqual([400, { error: `symbols: at most ${DEFAULT_EDGE_LIMITS.maxSymbolsPerRequest} per request`, code: 'BAD_REQUEST' }]);
    expect((await read('/v1/sse?symbols=A%7B'))[0]).toBe(400);
  });
});
