import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { PrometheusSamples } from '@tickwire/testing';
import { mutate, mutationOps } from './client-frames';
import { countedRejections, emptyTally, tallyAnswer, type RejectionTally } from './edge-http-rejections';
import { EdgeStack, type EdgeProcess, type HealthyClient } from './edge-stack';
import { errorOf, httpRequestBytes, rawHttp, type RawHttpAnswer } from './raw-http';
import { hs256Token } from './test-tokens';

/**
 * Hostile HTTP against a real edge process serving a static directory: seeded random and mutated query
 * strings for the HTTP reads (repeated, empty, huge, invalid parameters, prototype keys, broken percent
 * encoding, bytes over 0x7f in the URL), every method other than GET/HEAD, bodies on GET, oversized headers,
 * tokens in every way HTTP carries one, path traversal against the static files, and random requests on the
 * ops port while /metrics is scraped. Every answer must be its documented status with its code in the body
 * (docs/protocol.md, HTTP errors), never a 5xx or a hang, counted in rejections_total exactly; no file
 * outside the directory is ever served; the process stays up and a client subscribed throughout loses nothing.
 */

const LIVE = ['HTTP.A', 'HTTPB'];
/** The HTTP reads' token is entitled to these only (so `notEntitled` and 403 are reachable). */
const ENTITLED = ['HTTP.A', 'HTTPB', 'HTTPC'];
const MAX_SYMBOLS_PER_REQUEST = 500;
const FUZZED_QUERIES = 1_200;
const FUZZED_OPS_REQUESTS = 300;
const SEED = 20_251_201;
/** In every file the static site must never serve. */
const SECRET = 'reliability-secret-outside-the-site';
/** Requests in flight at once (each on its own connection). */
const CONCURRENCY = 8;

const ROUTES = ['/v1/snapshot', '/v1/instruments', '/v1/candles'] as const;
const OK_STATUSES: Readonly<Record<(typeof ROUTES)[number], readonly number[]>> = { '/v1/snapshot': [200, 400], '/v1/instruments': [200, 400], '/v1/candles': [200, 400, 403] };

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSec = (): number => Math.floor(Date.now() / 1000);

/** Runs `work` over `items`, `CONCURRENCY` at a time, keeping the order of the results. */
async function inBatches<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += CONCURRENCY) results.push(...(await Promise.all(items.slice(i, i + CONCURRENCY).map((item, j) => work(item, i + j)))));
  return results;
}

describe('edge process under hostile HTTP requests', () => {
  let stack: EdgeStack;
  let edge: EdgeProcess;
  let healthy: HealthyClient;
  let stopPump: () => Promise<void>;
  let token: string;
  let siteDir: string;
  let rssBefore = 0;
  let fdsBefore = 0;
  const figures: Record<string, unknown> = {};

  const samples = async (): Promise<PrometheusSamples> => new PrometheusSamples(await edge.process.metrics());
  const get = (path: string | Buffer, headers: Record<string, string> = { authorization: `Bearer ${token}` }): Promise<RawHttpAnswer> => rawHttp(edge.port, httpRequestBytes('GET', path, headers));

  /** Sends every request, tallies what must have been counted, and checks /metrics grew by exactly that. */
  const expectCounted = async (requests: readonly Buffer[], check: (answer: RawHttpAnswer, index: number) => void): Promise<{ answers: RawHttpAnswer[]; tally: RejectionTally }> => {
    const before = await samples();
    const tally = emptyTally();
    const answers = await inBatches(requests, async (request, index) => {
      const answer = await rawHttp(edge.port, request);
      try {
        tallyAnswer(tally, answer, request.subarray(0, 5).toString('latin1') === 'HEAD ' ? 'HEAD' : 'GET');
        check(answer, index);
      } catch (err) {
        throw new Error(`request ${index} ${JSON.stringify(request.subarray(0, 300).toString('latin1'))}: ${(err as Error).message}`);
      }
      return answer;
    });
    expect(countedRejections(before, await samples())).toEqual(tally);
    expect(edge.process.running).toBe(true);
    return { answers, tally };
  };

  beforeAll(async () => {
    // The site, and beside it what must stay out of reach: a secret file, a directory, symlinks pointing at them.
    const base = mkdtempSync(join(tmpdir(), 'tickwire-reliability-site-'));
    siteDir = join(base, 'site');
    mkdirSync(join(siteDir, 'assets'), { recursive: true });
    mkdirSync(join(siteDir, '.git'));
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>tickwire</title>');
    writeFileSync(join(siteDir, 'assets', 'app.js'), 'console.log(1);');
    writeFileSync(join(siteDir, '.env'), SECRET);
    writeFileSync(join(siteDir, '.git', 'config'), SECRET);
    writeFileSync(join(base, 'secret.txt'), SECRET);
    writeFileSync(join(base, 'outside', 'secret.txt'), SECRET);
    symlinkSync(join(base, 'secret.txt'), join(siteDir, 'link-out.txt'));
    symlinkSync(join(base, 'outside'), join(siteDir, 'dir-out'));
    symlinkSync('/etc/passwd', join(siteDir, 'passwd'));

    stack = await EdgeStack.start();
    edge = await stack.startEdge({ STATIC_DIR: siteDir });
    await stack.listSymbols(LIVE);
    await stack.market.publishInstrument('HTTP.A', 1);
    healthy = await stack.healthyClient(edge, 'json', LIVE);
    stopPump = stack.market.pump(LIVE, 10);
    token = await hs256Token({ claims: { ent: { symbols: ENTITLED } } });
    rssBefore = edge.process.rssBytes();
    fdsBefore = edge.process.openFds();
  });

  afterAll(async () => {
    await stopPump?.();
    await stack?.stop();
    if (siteDir) rmSync(join(siteDir, '..'), { recursive: true, force: true });
  });

  it('crafted HTTP reads: each parameter problem is 400 BAD_REQUEST (never 500 or 503), not entitled is 403, valid ones 200; counted', async () => {
    const many = (n: number): string => Array.from({ length: n }, (_, i) => `S${i}`).join(',');
    const cases: [string, number][] = [
      ['/v1/snapshot?symbols=HTTP.A&mode=full', 200],
      ['/v1/snapshot?symbols=HTTP.A,NOPE.X', 200],
      ['/v1/snapshot', 400],
      ['/v1/snapshot?symbols=', 400],
      ['/v1/snapshot?symbols=,,,%20,', 400],
      ['/v1/snapshot?symbols', 400],
      ['/v1/snapshot?symbols=HTTP.A&symbols=HTTPB', 400],
      ['/v1/snapshot?symbols=HTTP.A&mode=ltp&mode=full', 400],
      ['/v1/snapshot?symbols=HTTP.A&mode=__proto__', 400],
      ['/v1/snapshot?symbols=HTTP.A&mode=toString', 400],
      ['/v1/snapshot?symbols=HTTP.A&mode=constructor', 400],
      ['/v1/snapshot?symbols=HTTP.A&mode=FULL', 400],
      ['/v1/snapshot?symbols=HTTP.A&mode=', 400],
      [`/v1/snapshot?symbols=${many(MAX_SYMBOLS_PER_REQUEST)}`, 200],
      [`/v1/snapshot?symbols=${many(MAX_SYMBOLS_PER_REQUEST + 1)}`, 400],
      ['/v1/snapshot?symbols=A%7BB%7D', 400],
      [`/v1/snapshot?symbols=${'A'.repeat(65)}`, 400],
      ['/v1/snapshot?symbols=A%00B', 400],
      ['/v1/snapshot?symbols=%C3%A9', 400],
      ['/v1/snapshot?symbols=HTTP.A&__proto__=x&constructor=y', 200],
      ['/v1/snapshot?__proto__[symbols]=x', 400],
      // Broken percent-encoding is kept as written: valid symbol characters, an unknown symbol.
      ['/v1/snapshot?symbols=%E0%A4%A', 200],
      ['/v1/snapshot?symbols=%ff%fe', 200],
      ['/v1/instruments', 200],
      ['/v1/instruments?prefix=HTTP&limit=5', 200],
      ['/v1/instruments?prefix=__proto__', 200],
      ['/v1/instruments?limit=10000', 200],
      ['/v1/instruments?limit=0', 400],
      ['/v1/instruments?limit=-1', 400],
      ['/v1/instruments?limit=10001', 400],
      ['/v1/instruments?limit=1.5', 400],
      ['/v1/instruments?limit=abc', 400],
      ['/v1/instruments?limit=1e400', 400],
      ['/v1/instruments?limit=', 400],
      ['/v1/instruments?limit=5&limit=6', 400],
      ['/v1/instruments?prefix=A&prefix=B', 400],
      ['/v1/instruments?prefix=%00', 400],
      ['/v1/instruments?prefix=%7B', 400],
      [`/v1/instruments?prefix=${'A'.repeat(65)}`, 400],
      ['/v1/candles?symbol=HTTP.A', 200],
      ['/v1/candles?symbol=HTTP.A&from=0&to=9223372036854775807', 200],
      ['/v1/candles', 400],
      ['/v1/candles?symbol=', 400],
      ['/v1/candles?symbol=HTTP.A&symbol=HTTPB', 400],
      ['/v1/candles?symbol=NOPE.X', 403],
      ['/v1/candles?symbol=__proto__', 403],
      ['/v1/candles?symbol=HTTP.A&from=abc', 400],
      ['/v1/candles?symbol=HTTP.A&from=-1', 400],
      ['/v1/candles?symbol=HTTP.A&from=1e3', 400],
      ['/v1/candles?symbol=HTTP.A&from=99999999999999999999', 400],
      ['/v1/candles?symbol=HTTP.A&to=18446744073709551615', 400],
      ['/v1/candles?symbol=HTTP.A&from=10&to=5', 400],
      ['/v1/candles?symbol=HTTP.A&from=5&to=5', 400],
      ['/v1/candles?symbol=HTTP.A&from=0&to=0', 400],
    ];
    const { answers, tally } = await expectCounted(
      cases.map(([path]) => httpRequestBytes('GET', path, { authorization: `Bearer ${token}` })),
      (answer, index) => {
        const [path, status] = cases[index]!;
        if (answer.status !== status) throw new Error(`${path}: ${answer.status} ${answer.body.toString().slice(0, 200)}, expected ${status}`);
      },
    );
    // The valid reads answer what they should.
    const snapshot = JSON.parse(answers[0]!.body.toString()) as { snapshots: { symbol: string }[] };
    expect(snapshot.snapshots.map((s) => s.symbol)).toEqual(['HTTP.A']);
    expect(JSON.parse(answers[1]!.body.toString())).toMatchObject({ notEntitled: ['NOPE.X'] });
    expect(JSON.parse(answers[24]!.body.toString())).toEqual({ instruments: [expect.objectContaining({ symbol: 'HTTP.A' })] });
    figures['crafted'] = { cases: cases.length, counted: tally };
  });

  it(`${FUZZED_QUERIES} seeded random and mutated query strings: 200, 400 or 403 with its code, never 5xx or a hang; counted exactly`, async () => {
    const names = fc.oneof(fc.constantFrom('symbols', 'mode', 'limit', 'prefix', 'symbol', 'from', 'to', 'token', '__proto__', 'constructor', 'symbols[]', ''), fc.string({ maxLength: 12 }));
    const values = fc.oneof(
      fc.constantFrom('HTTP.A', 'HTTPB', 'HTTP.A,HTTPB', 'NOPE.X', 'ltp', 'quote', 'full', '0', '1', '-1', '100', '10000', '10001', '1e400', '1.5', 'NaN', '0x10', '9223372036854775807', '18446744073709551616', '__proto__', ''),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.array(fc.constantFrom('HTTP.A', 'HTTPB', 'A{', 'X'.repeat(70), ' ', ''), { maxLength: 600 }).map((s) => s.join(',')),
      fc.nat({ max: 20_000 }).map((n) => 'Q'.repeat(n)),
    );
    // Parameters percent-encoded as a client would, or written raw (then broken escapes and bytes over 0x7f reach the parser).
    const query = fc.tuple(fc.array(fc.tuple(names, values, fc.boolean()), { maxLength: 6 }), fc.constantFrom(...ROUTES)).map(([params, route]) => ({
      route,
      target: Buffer.concat([Buffer.from(`${route}?`), ...params.map(([n, v, raw], i) => Buffer.concat([Buffer.from(i === 0 ? '' : '&'), raw ? Buffer.from(`${n}=${v}`, 'utf8') : Buffer.from(`${encodeURIComponent(n)}=${encodeURIComponent(v)}`)]))]),
    }));
    const mutated = fc
      .tuple(fc.constantFrom(...ROUTES), fc.constantFrom('symbols=HTTP.A,HTTPB&mode=full', 'prefix=HTTP&limit=5', 'symbol=HTTP.A&from=1&to=99999999'), mutationOps)
      .map(([route, q, ops]) => ({ route, target: Buffer.concat([Buffer.from(`${route}?`), Buffer.from(mutate(Buffer.from(q), ops))]) }));
    const inputs = fc.sample(fc.oneof({ weight: 3, arbitrary: query }, { weight: 2, arbitrary: mutated }), { seed: SEED, numRuns: FUZZED_QUERIES });
    const statuses: Record<string, number> = {};
    const { tally } = await expectCounted(
      inputs.map((input) => httpRequestBytes('GET', input.target, { authorization: `Bearer ${token}` })),
      (answer, index) => {
        const input = inputs[index]!;
        const key = `${input.route} ${answer.status}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
        // Requests the parser refuses never reach a route; everything else gets what the route documents.
        const parserRefusal = answer.status === 431 || (answer.status === 400 && errorOf(answer) === undefined);
        if (!parserRefusal && !OK_STATUSES[input.route].includes(answer.status)) throw new Error(`${input.route}: status ${answer.status}`);
        if (answer.status !== 200 && !parserRefusal && errorOf(answer)!.error.length > 200) throw new Error('error message over 200 characters');
      },
    );
    figures['fuzzedQueries'] = { requests: inputs.length, statuses, counted: tally };
  }, 120_000);

  it('every method other than GET/HEAD on every path: 404 NOT_FOUND (no echo of the URL or its token), unknown methods 400 from the parser; bodies on GET are ignored; counted', async () => {
    const paths = [`/v1/snapshot?symbols=HTTP.A&token=${token}`, `/v1/instruments?token=${token}`, `/v1/candles?symbol=HTTP.A&token=${token}`, `/v1/sse?symbols=HTTP.A&token=${token}`, `/v1/stream?token=${token}`, '/', '/index.html', '/nope'];
    const methods = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'PURGE', 'REPORT', 'QUERY'];
    const unknown = ['FOO', 'get', 'G\u00c9T', 'GET\u0000', ''];
    const requests = [
      ...paths.flatMap((path) => methods.map((method) => httpRequestBytes(method, path, { 'content-type': 'application/json' }, Buffer.from('{"symbols":["HTTP.A"]}')))),
      ...paths.flatMap((path) => unknown.map((method) => httpRequestBytes(method, path))),
    ];
    const { tally } = await expectCounted(requests, (answer, index) => {
      const expected = index < paths.length * methods.length ? 404 : 400;
      if (answer.status !== expected) throw new Error(`status ${answer.status}, expected ${expected}`);
      if (answer.body.includes(token)) throw new Error('the answer echoes the token');
    });
    expect(tally.not_found).toBe(paths.length * methods.length);

    // CONNECT never reaches fastify (Node's 'connect' event): 404 all the same, counted.
    await expectCounted([Buffer.from(`CONNECT 127.0.0.1:${edge.port} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)], (answer) => {
      if (answer.status !== 404) throw new Error(`CONNECT: status ${answer.status}`);
    });
    // Bodies on GET: JSON, garbage, a megabyte, chunked, a lying length: the read is answered as without one.
    const read = `/v1/snapshot?symbols=HTTP.A`;
    const auth = { authorization: `Bearer ${token}` };
    const bodies = [
      httpRequestBytes('GET', read, { ...auth, 'content-type': 'application/json' }, Buffer.from('{"symbols":["NOPE.X"],"__proto__":{"mode":"full"}}')),
      httpRequestBytes('GET', read, { ...auth, 'content-type': 'application/json' }, Buffer.from('{"broken":')),
      httpRequestBytes('GET', read, { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, Buffer.alloc(1_048_576, 'a')),
      httpRequestBytes('GET', read, { ...auth, 'content-type': 'text/weird' }, Buffer.from([0xff, 0x00, 0xfe])),
      Buffer.from(`GET ${read} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`),
    ];
    const { answers: bodyAnswers } = await expectCounted(bodies, (answer) => {
      if (answer.status !== 200) throw new Error(`status ${answer.status}: ${answer.body.toString().slice(0, 200)}`);
    });
    expect(bodyAnswers.map((a) => (JSON.parse(a.body.toString()) as { snapshots: { symbol: string }[] }).snapshots.map((s) => s.symbol))).toEqual(bodies.map(() => ['HTTP.A']));
    // Conflicting lengths and a length with no body: the parser refuses (400) or the deadline ends the request (408).
    const smuggled = await rawHttp(edge.port, Buffer.from(`GET ${read} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`));
    expect(smuggled.status).toBe(400);
    expect(edge.process.running).toBe(true);
    figures['methods'] = { requests: requests.length, notFound: tally.not_found, parserRefused: tally.malformed_request, connect: 404, getBodiesAnswered200: bodies.length };
  });

  it('huge headers: over 16 KiB is 431 from the parser, counted; a 15 KB garbage token is 401 AUTH_FAILED; 2,000 small headers are read', async () => {
    const big = 'a'.repeat(20_000);
    const requests = [
      httpRequestBytes('GET', '/v1/instruments', { authorization: `Bearer ${token}`, 'x-big': big }),
      httpRequestBytes('GET', '/v1/instruments', { authorization: `Bearer ${token}`, ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, 'b'.repeat(100)])) }),
      httpRequestBytes('GET', `/v1/instruments?token=${big}`),
      httpRequestBytes('GET', '/v1/instruments', { authorization: `Bearer ${'c'.repeat(15_000)}` }),
      httpRequestBytes('GET', '/v1/instruments', { authorization: `Bearer ${token}`, ...Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`x${i}`, '1'])) }),
    ];
    const expected = [431, 431, 431, 401, 200];
    const { tally } = await expectCounted(requests, (answer, index) => {
      if (answer.status !== expected[index]) throw new Error(`status ${answer.status}, expected ${expected[index]}`);
    });
    expect(tally).toMatchObject({ headers_too_large: 3, auth_failed: 1 });
  });

  it('tokens the HTTP ways (Authorization header, ?token=): none, empty, other schemes, alg none, forged, expired, repeated: 401 with the code or 400, counted by reason', async () => {
    const valid = token;
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const expired = await hs256Token({ claims: { ent: { symbols: ENTITLED } }, expiresAt: nowSec() - 60 });
    const noEnt = await hs256Token({ claims: { ent: undefined } });
    const read = '/v1/snapshot?symbols=HTTP.A';
    const cases: [string, Record<string, string>, string, number, string?][] = [
      ['no token', {}, read, 401, 'AUTH_REQUIRED'],
      ['?token= empty', {}, `${read}&token=`, 401, 'AUTH_REQUIRED'],
      ['Bearer with nothing', { authorization: 'Bearer ' }, read, 401, 'AUTH_REQUIRED'],
      ['Basic scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, read, 401, 'AUTH_REQUIRED'],
      ['token as the whole header', { authorization: valid }, read, 401, 'AUTH_REQUIRED'],
      ['alg none in the header', { authorization: `Bearer ${b64({ alg: 'none' })}.${payload}.` }, read, 401, 'AUTH_FAILED'],
      ['alg none in ?token=', {}, `${read}&token=${b64({ alg: 'none' })}.${payload}.`, 401, 'AUTH_FAILED'],
      ['payload tampered', { authorization: `Bearer ${header}.${b64({ sub: 'root', tier: 'realtime', ent: { symbols: ['*'] }, exp: nowSec() + 600 })}.${signature}` }, read, 401, 'AUTH_FAILED'],
      ['garbage', { authorization: 'Bearer not.a.jwt' }, read, 401, 'AUTH_FAILED'],
      ['control characters', {}, `${read}&token=%00%01.x.y`, 401, 'AUTH_FAILED'],
      ['expired in the header', { authorization: `Bearer ${expired}` }, read, 401, 'TOKEN_EXPIRED'],
      ['expired in ?token=', {}, `${read}&token=${expired}`, 401, 'TOKEN_EXPIRED'],
      ['expired in the header, valid in ?token= (the header wins)', { authorization: `Bearer ${expired}` }, `${read}&token=${valid}`, 401, 'TOKEN_EXPIRED'],
      ['valid in ?token= twice', {}, `${read}&token=${valid}&token=${valid}`, 400, 'BAD_REQUEST'],
      ['valid in ?token=', {}, `${read}&token=${valid}`, 200],
      ['no ent claim: entitled to nothing', { authorization: `Bearer ${noEnt}` }, read, 200],
      ['candles without ent: 403', { authorization: `Bearer ${noEnt}` }, '/v1/candles?symbol=HTTP.A', 403, 'NOT_ENTITLED'],
      ['instruments, expired', { authorization: `Bearer ${expired}` }, '/v1/instruments', 401, 'TOKEN_EXPIRED'],
      ['candles, alg none', { authorization: `Bearer ${b64({ alg: 'none' })}.${payload}.` }, '/v1/candles?symbol=HTTP.A', 401, 'AUTH_FAILED'],
    ];
    const { answers, tally } = await expectCounted(
      cases.map(([, headers, path]) => httpRequestBytes('GET', path, headers)),
      (answer, index) => {
        const [name, , , status, code] = cases[index]!;
        if (answer.status !== status || (code !== undefined && errorOf(answer)?.code !== code)) throw new Error(`${name}: ${answer.status} ${answer.body.toString().slice(0, 200)}, expected ${status} ${code ?? ''}`);
      },
    );
    expect(JSON.parse(answers[15]!.body.toString())).toMatchObject({ snapshots: [], notEntitled: ['HTTP.A'] });
    figures['tokens'] = { cases: cases.length, counted: tally };
  });

  it('static files: traversal (raw, encoded, double-encoded, backslashes, NUL, overlong UTF-8), symlinks out and dotfiles are 400/404 over a real socket, counted; nothing outside the directory is served', async () => {
    const targets = [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/%252e%252e/secret.txt',
      '/%252e%252e%252fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/assets\\..\\..\\secret.txt',
      '/index.html%00.js',
      '/%00',
      '/%c0%ae%c0%ae/secret.txt',
      '/%c0%afetc/passwd',
      '/%e0%80%ae%e0%80%ae/secret.txt',
      '/\u00c0\u00ae\u00c0\u00ae/secret.txt',
      '/link-out.txt',
      '/dir-out/secret.txt',
      '/passwd',
      '/.env',
      '/%2eenv',
      '/.git/config',
      '/.git/',
      '/assets/',
      '//etc/passwd',
      '/%2fetc%2fpasswd',
      '/./index.html',
      '/index.html/..',
      '/assets/./app.js',
      '/%ff',
      '/%',
      'http://127.0.0.1/../secret.txt',
      '*',
    ];
    const requests = targets.flatMap((target) => [httpRequestBytes('GET', target), httpRequestBytes('HEAD', target)]);
    const statuses: Record<string, number> = {};
    const { tally } = await expectCounted(requests, (answer, index) => {
      const target = targets[Math.floor(index / 2)]!;
      statuses[target] = answer.status;
      if (![400, 403, 404].includes(answer.status)) throw new Error(`${target}: status ${answer.status}`);
      if (answer.body.includes(SECRET) || answer.body.includes('root:')) throw new Error(`${target}: served a file outside the site`);
    });
    // The controls: the site itself is served.
    expect((await get('/')).body.toString()).toContain('<title>tickwire</title>');
    expect((await get('/assets/app.js')).status).toBe(200);
    figures['static'] = { requests: requests.length, statuses, counted: tally };
  });

  it(`the ops port: ${FUZZED_OPS_REQUESTS} seeded random paths and methods while /metrics is scraped concurrently; every scrape 200 and whole, never a 5xx`, async () => {
    const opsPort = Number(new URL(await edge.process.opsUrl()).port);
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'FOO', 'get');
    const path = fc.oneof(
      fc.constantFrom('/metrics', '/healthz', '/readyz', '/metrics/', '/metrics?x=1&x=2', '/METRICS', '//metrics', '/metrics%00', '/%2e%2e/metrics', '/healthz/../metrics', '/..', '*'),
      fc.webPath().map((p) => p || '/'),
      fc.string({ unit: 'binary', maxLength: 60 }).map((p) => `/${p}`),
      fc.nat({ max: 20_000 }).map((n) => `/${'m'.repeat(n)}`),
    );
    const inputs = fc.sample(fc.tuple(method, path), { seed: SEED + 1, numRuns: FUZZED_OPS_REQUESTS });
    let attacking = true;
    const scrapes: { status: number; whole: boolean }[] = [];
    const scrapers = Array.from({ length: 4 }, async () => {
      while (attacking) {
        const answer = await rawHttp(opsPort, httpRequestBytes('GET', '/metrics'));
        scrapes.push({ status: answer.status, whole: answer.body.includes('tickwire_edge_rejections_total') && answer.body.toString().endsWith('\n') });
      }
    });
    const statuses: Record<number, number> = {};
    try {
      await inBatches(inputs, async ([m, p]) => {
        const answer = await rawHttp(opsPort, httpRequestBytes(m, Buffer.from(p, 'utf8')));
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status >= 500 || answer.status === 0) throw new Error(`ops ${m} ${JSON.stringify(p.slice(0, 100))}: status ${answer.status}`);
      });
    } finally {
      attacking = false;
      await Promise.all(scrapers);
    }
    expect(scrapes.length).toBeGreaterThan(0);
    expect(scrapes.filter((s) => s.status !== 200 || !s.whole)).toEqual([]);
    expect((await rawHttp(opsPort, httpRequestBytes('GET', '/healthz'))).status).toBe(200);
    expect(edge.process.running).toBe(true);
    figures['ops'] = { requests: inputs.length, statuses, scrapes: scrapes.length };
  }, 60_000);

  it('afterwards: the process is up, its descriptors back, its memory bounded, and the client connected throughout lost nothing', async () => {
    await stopPump();
    const reports = await healthy.report(stack.market);
    for (const report of reports) expect(report).toMatchObject({ startsWithSnapshot: true, lost: 0, extraSnapshots: 0, breaks: 0 });
    expect(edge.process.running).toBe(true);
    const fdsAfter = edge.process.openFds();
    expect(fdsAfter).toBeLessThanOrEqual(fdsBefore + 2);
    const rssAfter = edge.process.rssBytes();
    expect(rssAfter - rssBefore).toBeLessThan(64 * 1024 * 1024);
    const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
    console.log(JSON.stringify({ figures: 'edge hostile HTTP', ...figures, fds: { before: fdsBefore, after: fdsAfter }, rssMiB: { before: mib(rssBefore), after: mib(rssAfter) }, healthy: reports }));
  });
});
