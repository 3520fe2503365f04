import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { InMemoryBroker } from '@tickwire/bus';
import { Instrument } from '@tickwire/protocol';
import { createLogger, createMetrics } from '@tickwire/runtime';
import { OriginPolicy, parseTierPolicies, TokenVerifier } from './access';
import { DEFAULT_EDGE_LIMITS } from './edge-defaults';
import type { SnapshotQueries } from './edge-server';
import { startEdge, type EdgeService } from './edge-service';
import { contentTypeOf, resolveSitePath, StaticSite } from './static-site';

const INDEX = '<!doctype html><title>dash</title>';
const SECRET = 'outside the site: must never be served';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request whose path goes on the wire exactly as written (no URL normalization, unlike inject or fetch). */
function raw(port: number, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A site directory inside a parent that also holds a secret, a dotfile and symlinks pointing in and out. */
async function makeSite(): Promise<{ parent: string; site: string }> {
  const parent = await mkdtemp(join(tmpdir(), 'edge-static-'));
  const site = join(parent, 'site');
  await mkdir(join(site, 'assets'), { recursive: true });
  await writeFile(join(parent, 'secret.txt'), SECRET);
  await writeFile(join(site, 'index.html'), INDEX);
  await writeFile(join(site, 'main.js'), 'console.log(1);');
  await writeFile(join(site, 'main.js.map'), '{"version":3}');
  await writeFile(join(site, 'styles.css'), 'body{}');
  await writeFile(join(site, 'assets', 'logo.svg'), '<svg/>');
  await writeFile(join(site, 'assets', 'dot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await writeFile(join(site, 'data.json'), '{}');
  await writeFile(join(site, '.env'), SECRET);
  await writeFile(join(site, 'healthz'), SECRET);
  await mkdir(join(site, 'v1'));
  await writeFile(join(site, 'v1', 'instruments'), SECRET);
  await symlink(join(parent, 'secret.txt'), join(site, 'escape.txt'));
  await symlink(join(site, 'main.js'), join(site, 'alias.js'));
  return { parent, site };
}

describe('resolveSitePath', () => {
  it.each([
    ['/', 'index.html'],
    ['/index.html', 'index.html'],
    ['/main.js', 'main.js'],
    ['/assets/logo.svg', 'assets/logo.svg'],
    ['/a%20b.css', 'a b.css'],
    ['/v1.js', 'v1.js'],
  ])('%s -> %s', (path, file) => {
    expect(resolveSitePath(path)).toEqual({ ok: true, file });
  });

  it.each([
    ['/..', 404],
    ['/../secret.txt', 404],
    ['/assets/../../secret.txt', 404],
    ['/%2e%2e/secret.txt', 404],
    ['/%2E%2E%2Fsecret.txt', 404],
    ['/assets%2f..%2f..%2fsecret.txt', 404],
    ['//etc/passwd', 404],
    ['/%2fetc%2fpasswd', 404],
    ['/./index.html', 404],
    ['/.env', 404],
    ['/assets/.hidden', 404],
    ['/assets/', 404],
    ['/v1/stream', 404],
    ['/v1/anything.js', 404],
    ['/healthz', 404],
    ['/readyz', 404],
    ['/metrics', 404],
    ['/index.html%00.png', 400],
    ['/%00', 400],
    ['/..%5c..%5csecret.txt', 400],
    ['/a\\b', 400],
    ['/%E0%A4%A', 400],
    ['index.html', 404],
  ])('refuses %s with %i', (path, status) => {
    expect(resolveSitePath(path)).toEqual({ ok: false, status });
  });
});

describe('contentTypeOf', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['main.js', 'text/javascript; charset=utf-8'],
    ['styles.css', 'text/css; charset=utf-8'],
    ['a/logo.SVG', 'image/svg+xml'],
    ['dot.png', 'image/png'],
    ['data.json', 'application/json; charset=utf-8'],
    ['main.js.map', 'application/json; charset=utf-8'],
    ['blob.bin', 'application/octet-stream'],
    ['README', 'application/octet-stream'],
  ])('%s is %s', (file, type) => {
    expect(contentTypeOf(file)).toBe(type);
  });
});

describe('StaticSite', () => {
  let dirs: { parent: string; site: string };
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    dirs = await makeSite();
    app = Fastify({ logger: false });
    // An API route registered first, as the edge does: the site must not shadow it.
    app.get('/v1/instruments', async () => ({ instruments: [] }));
    (await StaticSite.open(dirs.site)).register(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await app.close();
    await rm(dirs.parent, { recursive: true, force: true });
  });

  it('GET / serves index.html with no-cache, and the query string does not matter', async () => {
    for (const path of ['/', '/?token=abc&symbols=A,B', '/index.html']) {
      const res = await raw(port, path);
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 200, body: INDEX });
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-length']).toBe(String(INDEX.length));
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('serves files under the directory with their content type', async () => {
    const cases: [string, string, string][] = [
      ['/main.js', 'text/javascript; charset=utf-8', 'console.log(1);'],
      ['/main.js.map', 'application/json; charset=utf-8', '{"version":3}'],
      ['/styles.css', 'text/css; charset=utf-8', 'body{}'],
      ['/assets/logo.svg', 'image/svg+xml', '<svg/>'],
      ['/data.json', 'application/json; charset=utf-8', '{}'],
      ['/alias.js', 'text/javascript; charset=utf-8', 'console.log(1);'],
    ];
    for (const [path, type, body] of cases) {
      const res = await raw(port, path);
      expect({ path, status: res.status, type: res.headers['content-type'], body: res.body }).toEqual({ path, status: 200, type, body });
    }
    const png = await app.inject({ method: 'GET', url: '/assets/dot.png' });
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect([...png.rawPayload]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('HEAD answers the headers of GET without a body', async () => {
    const res = await raw(port, '/main.js', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['content-length']).toBe('15');
    expect(res.body).toBe('');
    expect((await raw(port, '/', 'HEAD')).status).toBe(200);
    expect((await raw(port, '/missing.js', 'HEAD')).status).toBe(404);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await raw(port, '/styles.css');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    const again = await raw(port, '/styles.css', 'GET', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('404 for a missing file or a directory', async () => {
    for (const path of ['/missing.html', '/assets', '/assets/', '/index.html/x']) {
      expect({ path, status: (await raw(port, path)).status }).toEqual({ path, status: 404 });
    }
  });

  it('never serves anything outside the directory: raw and encoded .., absolute paths, NUL, symlinks out, dotfiles', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2F..%2Fsecret.txt',
      '/%2f' + dirs.parent.slice(1) + '/secret.txt',
      '/' + dirs.parent + '/secret.txt',
      '//' + dirs.parent + '/secret.txt',
      '/..%5csecret.txt',
      '/index.html%00',
      '/escape.txt',
      '/.env',
      '/%2eenv',
      '/healthz',
    ];
    for (const path of attempts) {
      const res = await raw(port, path);
      expect({ path, refused: res.status === 400 || res.status === 404, leaked: res.body.includes(SECRET) }).toEqual({ path, refused: true, leaked: false });
    }
  });

  it('never shadows the API: its routes answer, other /v1 paths are fastify 404s whatever the directory holds', async () => {
    const api = await raw(port, '/v1/instruments');
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toEqual({ instruments: [] });
    for (const path of ['/v1/nope', '/v1/', '/v1']) {
      const res = await raw(port, path);
      expect({ path, status: res.status, leaked: res.body.includes(SECRET) }).toEqual({ path, status: 404, leaked: false });
    }
    // The same 404 as without a static site.
    expect(JSON.parse((await raw(port, '/v1/nope')).body)).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('open() refuses a missing directory or a file, naming it', async () => {
    await expect(StaticSite.open(join(dirs.parent, 'nope'))).rejects.toThrow(/static site directory ".*nope" does not exist/);
    await expect(StaticSite.open(join(dirs.parent, 'secret.txt'))).rejects.toThrow(/is not a directory/);
  });
});

describe('startEdge with staticDir', () => {
  let dirs: { parent: string; site: string };
  let edge: EdgeService;
  let base: string;

  const snapshots: SnapshotQueries = {
    getSnapshots: () => Promise.resolve({ snapshots: [], unknownSymbols: [] }),
    listInstruments: () => Promise.resolve([Instrument.fromPartial({ symbol: 'AAPL', marketCategory: 'Q', roundLotSize: 100 })]),
    getCandles: () => Promise.resolve([]),
  };

  beforeAll(async () => {
    dirs = await makeSite();
    const broker = new InMemoryBroker();
    edge = await startEdge({
      bus: broker.connect(),
      snapshots,
      shardCount: 4,
      host: '127.0.0.1',
      port: 0,
      verifier: await TokenVerifier.create({ allowAnonymous: true, anonymousTier: 'realtime' }),
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
      logger: createLogger({ service: 'edge-test', level: 'warn' }),
      staticDir: dirs.site,
    });
    base = `http://127.0.0.1:${edge.address.port}`;
  });

  afterAll(async () => {
    await edge.stop(0);
    await rm(dirs.parent, { recursive: true, force: true });
  });

  it('serves the page on / next to the API, which keeps its routes', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(INDEX);
    const instruments = await fetch(`${base}/v1/instruments`);
    expect(instruments.status).toBe(200);
    expect(await instruments.json()).toEqual({ instruments: [{ symbol: 'AAPL', marketCategory: 'Q', roundLotSize: 100, etp: false }] });
    expect((await raw(edge.address.port, '/v1/instruments/x')).status).toBe(404);
    expect((await fetch(`${base}/v1/snapshot`)).status).toBe(400);
    const bad = await fetch(`${base}/a%00b`);
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'bad request path', code: 'BAD_REQUEST' }]);
  });

  it('refuses to start with a staticDir that does not exist', async () => {
    await expect(startEdge({ ...({} as Parameters<typeof startEdge>[0]), staticDir: join(dirs.parent, 'missing') })).rejects.toThrow(/does not exist/);
  });
});
