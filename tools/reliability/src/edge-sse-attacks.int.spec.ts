import { connect } from 'node:net';
import fc from 'fast-check';
import { PrometheusSamples } from '@tickwire/testing';
import { countedRejections, emptyTally, tallyAnswer } from './edge-http-rejections';
import { EdgeStack, type EdgeProcess, type HealthyClient } from './edge-stack';
import { errorOf } from './raw-http';
import { SseStream } from './sse-stream';
import { hs256Token } from './test-tokens';
import { until } from './until';

/**
 * Hostile Server-Sent Events clients against a real edge process: bad subscribe parameters, too many
 * symbols, symbols not entitled, no or bad tokens, more streams from one address than MAX_CONNECTIONS_PER_IP,
 * a client that never reads while updates flow, and clients that disconnect mid-stream over and over. Each
 * refusal gets its documented answer and is counted; the stalled client is closed as a slow consumer and
 * its descriptor, subscriptions and memory are given back; churn leaks no subscription; the process stays
 * up and a WebSocket client subscribed throughout loses nothing.
 */

const LIVE = ['SSE.A', 'SSEB'];
/** What the stalled client subscribes to, published in bursts so its send buffer fills. */
const FLOOD = Array.from({ length: 100 }, (_, i) => `SSEF${i}`);
const MAX_PER_IP = 20;
const STREAMS_FROM_ONE_ADDRESS = 30;
const CHURN = 200;
const SEED = 20_251_202;
/** The slow consumer settings of this edge (small, so the test does not need megabytes per client). */
const SOFT_BUFFER_BYTES = 64 * 1024;
const HARD_BUFFER_BYTES = 1024 * 1024;
const SLOW_CONSUMER_MS = 2_000;
/** Publishing rounds of FLOOD at most, and for how long, while waiting for the stalled client to be closed. */
const MAX_FLOOD_ROUNDS = 20_000;
const MAX_FLOOD_MS = 30_000;

const nowSec = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('edge process under hostile SSE clients', () => {
  let stack: EdgeStack;
  let edge: EdgeProcess;
  let healthy: HealthyClient;
  let stopPump: () => Promise<void>;
  let token: string;
  const figures: Record<string, unknown> = {};

  const samples = async (): Promise<PrometheusSamples> => new PrometheusSamples(await edge.process.metrics());
  const gauges = async (): Promise<{ connections: number; subscriptions: number; natsSubscriptions: number }> => {
    const s = await samples();
    return { connections: s.value('tickwire_edge_connections'), subscriptions: s.value('tickwire_edge_subscriptions'), natsSubscriptions: s.value('tickwire_edge_nats_subscriptions') };
  };
  const sse = (query: string, options: Parameters<typeof SseStream.open>[2] = {}): Promise<SseStream> => SseStream.open(edge.port, `/v1/sse?${query}`, options);
  const subscribeAck = (stream: SseStream): { symbol: string; code: string }[] | undefined => stream.messages().find((m) => m.type === 'subscribe_ack')?.['results'] as { symbol: string; code: string }[] | undefined;

  beforeAll(async () => {
    stack = await EdgeStack.start();
    edge = await stack.startEdge({
      MAX_CONNECTIONS_PER_IP: String(MAX_PER_IP),
      SOFT_BUFFER_BYTES: String(SOFT_BUFFER_BYTES),
      HARD_BUFFER_BYTES: String(HARD_BUFFER_BYTES),
      SLOW_CONSUMER_TIMEOUT: `${SLOW_CONSUMER_MS}ms`,
    });
    await stack.listSymbols([...LIVE, ...FLOOD]);
    healthy = await stack.healthyClient(edge, 'json', LIVE);
    stopPump = stack.market.pump(LIVE, 10);
    token = await hs256Token({ claims: { ent: { symbols: ['SSE*'] } } });
  });

  afterAll(async () => {
    await stopPump?.();
    await stack?.stop();
  });

  it('bad subscribe parameters: 400 BAD_REQUEST before any stream opens, counted; no connection is held', async () => {
    const many = Array.from({ length: 501 }, (_, i) => `SSE${i}`).join(',');
    const queries = ['', 'symbols=', 'symbols=,,,', `symbols=${many}`, 'symbols=SSE.A,A%7BB', `symbols=${'S'.repeat(65)}`, 'symbols=SSE.A&mode=__proto__', 'symbols=SSE.A&mode=FULL', 'symbols=SSE.A&symbols=SSEB', 'symbols=SSE.A&mode=ltp&mode=full', 'symbols=%00'];
    const before = await samples();
    const tally = emptyTally();
    for (const query of queries) {
      const stream = await sse(`${query}&token=${token}`);
      if (stream.answer.status !== 400 || errorOf(stream.answer)?.code !== 'BAD_REQUEST') throw new Error(`${query.slice(0, 80)}: ${stream.answer.status} ${stream.answer.body.toString().slice(0, 200)}`);
      tallyAnswer(tally, stream.answer);
    }
    expect(countedRejections(before, await samples())).toEqual({ ...emptyTally(), bad_request: queries.length });
    expect(tally.bad_request).toBe(queries.length);
    expect((await gauges()).connections).toBe(1);
  });

  it('no token, bad, alg none and expired tokens (in ?token= and the Authorization header): 401 with the code before any stream opens, counted by reason', async () => {
    const [, payload] = token.split('.') as [string, string, string];
    const expired = await hs256Token({ claims: { ent: { symbols: ['SSE*'] } }, expiresAt: nowSec() - 60 });
    const cases: [string, string, Record<string, string>, string][] = [
      ['no token', '', {}, 'AUTH_REQUIRED'],
      ['?token= empty', '&token=', {}, 'AUTH_REQUIRED'],
      ['garbage in ?token=', '&token=not.a.jwt', {}, 'AUTH_FAILED'],
      ['alg none in ?token=', `&token=${b64({ alg: 'none' })}.${payload}.`, {}, 'AUTH_FAILED'],
      ['alg none in the header', '', { authorization: `Bearer ${b64({ alg: 'none' })}.${payload}.` }, 'AUTH_FAILED'],
      ['expired in ?token=', `&token=${expired}`, {}, 'TOKEN_EXPIRED'],
      ['expired in the header', '', { authorization: `Bearer ${expired}` }, 'TOKEN_EXPIRED'],
    ];
    const before = await samples();
    const tally = emptyTally();
    for (const [name, query, headers, code] of cases) {
      const stream = await sse(`symbols=SSE.A${query}`, { headers });
      if (stream.answer.status !== 401 || errorOf(stream.answer)?.code !== code) throw new Error(`${name}: ${stream.answer.status} ${stream.answer.body.toString().slice(0, 200)}`);
      tallyAnswer(tally, stream.answer);
    }
    expect(countedRejections(before, await samples())).toEqual(tally);
    expect(tally).toMatchObject({ auth_required: 2, auth_failed: 3, token_expired: 2 });
    expect((await gauges()).connections).toBe(1);
  });

  it('symbols not entitled: the ack says not_entitled for them, the entitled ones stream; all not entitled streams nothing', async () => {
    const mixed = await sse(`symbols=SSE.A,OTHER.X&mode=ltp&token=${token}`);
    await mixed.waitFor((m) => m.some((x) => x.type === 'update' && x['symbol'] === 'SSE.A'), 'an update of SSE.A');
    expect(subscribeAck(mixed)).toEqual([expect.objectContaining({ symbol: 'SSE.A', code: 'ok' }), expect.objectContaining({ symbol: 'OTHER.X', code: 'not_entitled' })]);
    expect(mixed.messages().some((m) => m['symbol'] === 'OTHER.X' && m.type === 'update')).toBe(false);
    const none = await sse(`symbols=OTHER.X,OTHER.Y&token=${token}`);
    await none.waitFor((m) => subscribeAck(none) !== undefined || m.length > 5, 'the subscribe ack');
    expect(subscribeAck(none)!.map((r) => r.code)).toEqual(['not_entitled', 'not_entitled']);
    mixed.destroy();
    none.destroy();
    await until(async () => (await gauges()).connections === 1, 'the streams to be released');
  });

  it(`${STREAMS_FROM_ONE_ADDRESS} SSE streams from one address with MAX_CONNECTIONS_PER_IP=${MAX_PER_IP}: the excess gets 503 TOO_MANY_CONNECTIONS, counted; another address is admitted; slots come back`, async () => {
    const before = await samples();
    const streams = await Promise.all(Array.from({ length: STREAMS_FROM_ONE_ADDRESS }, () => sse(`symbols=SSE.A&mode=ltp&token=${token}`, { localAddress: '127.0.0.3' })));
    const admitted = streams.filter((s) => s.answer.status === 200);
    const refused = streams.filter((s) => s.answer.status !== 200);
    expect(admitted).toHaveLength(MAX_PER_IP);
    expect(new Set(refused.map((s) => `${s.answer.status} ${errorOf(s.answer)?.code}`))).toEqual(new Set(['503 TOO_MANY_CONNECTIONS']));
    expect(countedRejections(before, await samples())).toEqual({ ...emptyTally(), per_ip_limit: STREAMS_FROM_ONE_ADDRESS - MAX_PER_IP });
    // Another address, and WebSockets from it, are not affected.
    const other = await sse(`symbols=SSE.A&mode=ltp&token=${token}`, { localAddress: '127.0.0.4' });
    expect(other.answer.status).toBe(200);
    await other.waitFor((m) => m.some((x) => x.type === 'update'), 'an update on the other address');
    expect((await gauges()).connections).toBe(1 + MAX_PER_IP + 1);
    for (const s of [...admitted, other]) s.destroy();
    await until(async () => (await gauges()).connections === 1, 'the streams to be released');
    const again = await sse(`symbols=SSE.A&mode=ltp&token=${token}`, { localAddress: '127.0.0.3' });
    expect(again.answer.status).toBe(200);
    again.destroy();
    figures['perIp'] = { streams: STREAMS_FROM_ONE_ADDRESS, admitted: admitted.length, refused503: refused.length };
  });

  it(`a client that never reads its stream while updates flow: closed as a slow consumer (4200, counted), its descriptor, subscriptions and memory given back`, async () => {
    await until(async () => (await gauges()).connections === 1, 'only the healthy client to be connected');
    const base = await gauges();
    const fdsBefore = edge.process.openFds();
    const rssBefore = edge.process.rssBytes();
    const before = await samples();
    const stalled = await sse(`symbols=${FLOOD.join(',')}&mode=full&token=${await hs256Token({ claims: { ent: { symbols: ['SSEF*'] } } })}`, { localAddress: '127.0.0.5', read: false });
    expect(stalled.answer.status).toBe(200);
    await until(async () => (await gauges()).subscriptions === base.subscriptions + FLOOD.length, 'the stalled stream to hold its subscriptions');
    const startedAt = Date.now();
    let rounds = 0;
    let peakRss = rssBefore;
    const slowConsumers = async (): Promise<number> => (await samples()).delta(before, 'tickwire_edge_rejections_total', { reason: 'slow_consumer' });
    // Bursts until the edge gives up on it: once it is behind (send buffer past SOFT_BUFFER_BYTES) that takes
    // SLOW_CONSUMER_TIMEOUT, however many bursts the machine's speed fits in it.
    while ((await slowConsumers()) === 0 && rounds < MAX_FLOOD_ROUNDS && Date.now() - startedAt < MAX_FLOOD_MS) {
      for (let i = 0; i < 10; i++) await stack.market.publish(FLOOD);
      rounds += 10;
      peakRss = Math.max(peakRss, edge.process.rssBytes());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const closedAfterMs = Date.now() - startedAt;
    expect(await slowConsumers()).toBe(1);
    // Behind, the edge kept marks instead of queueing updates (the healthy client reads: it is never behind).
    const conflated = (await samples()).delta(before, 'tickwire_edge_conflated_updates_total');
    expect(conflated).toBeGreaterThan(0);
    // Released at once; the socket itself within the close grace (2 s) although the client still reads nothing.
    await until(async () => {
      const g = await gauges();
      return g.connections === base.connections && g.subscriptions === base.subscriptions;
    }, 'the stalled stream to be released');
    await until(() => edge.process.openFds() <= fdsBefore, `the edge's descriptors to return to ${fdsBefore}`, 10_000, 100);
    // The edge's allocation rate shows in RSS (45,000 updates go through it); what it held for the client did not grow with them.
    expect(peakRss - rssBefore).toBeLessThan(96 * 1024 * 1024);
    // What reached the client's kernel before the close is still there to read; then the stream ends.
    stalled.resume();
    await Promise.race([stalled.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('the stalled stream did not end')), 10_000))]);
    // Only what the kernel and the edge's bounded buffer held: fewer than were published for it.
    expect(stalled.messages().length).toBeGreaterThan(0);
    expect(stalled.messages().length).toBeLessThan(rounds * FLOOD.length);
    expect(edge.process.running).toBe(true);
    const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
    figures['stalled'] = { symbols: FLOOD.length, publishedRounds: rounds, updatesPublished: rounds * FLOOD.length, conflated, closedAfterMs, messagesReadAfterwards: stalled.messages().length, closeEventRead: stalled.closeEvent() ?? null, rssMiB: { before: mib(rssBefore), peak: mib(peakRss) }, fds: { before: fdsBefore, after: edge.process.openFds() } };
  }, 90_000);

  it(`${CHURN} SSE clients disconnecting at random moments mid-stream: connections, subscriptions and NATS interest return to where they were`, async () => {
    await until(async () => (await gauges()).connections === 1, 'only the healthy client to be connected');
    const base = await gauges();
    const fdsBefore = edge.process.openFds();
    // When each client hangs up: at once, after the headers, after the ack, after its first update, or after a few ms.
    const plans = fc.sample(fc.record({ when: fc.constantFrom('request', 'headers', 'ack', 'update', 'delay'), delayMs: fc.nat({ max: 50 }), symbols: fc.subarray([...LIVE, 'SSE.C', 'SSE.D'], { minLength: 1 }), mode: fc.constantFrom('ltp', 'quote', 'full') }), { seed: SEED, numRuns: CHURN });
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < plans.length; i += 10) {
      await Promise.all(
        plans.slice(i, i + 10).map(async (plan) => {
          outcomes[plan.when] = (outcomes[plan.when] ?? 0) + 1;
          if (plan.when === 'request') {
            // Hung up right after sending the request, before any answer.
            const socket = connect({ host: '127.0.0.1', port: edge.port, localAddress: '127.0.0.6' }, () => {
              socket.write(`GET /v1/sse?symbols=${plan.symbols.join(',')}&token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
              socket.destroy();
            });
            socket.on('error', () => undefined);
            return;
          }
          const stream = await sse(`symbols=${plan.symbols.join(',')}&mode=${plan.mode}&token=${token}`, { localAddress: '127.0.0.6' });
          if (plan.when === 'ack') await stream.waitFor(() => subscribeAck(stream) !== undefined, 'the ack').catch(() => undefined);
          if (plan.when === 'update') await stream.waitFor((m) => m.some((x) => x.type === 'update'), 'an update', 2_000).catch(() => undefined);
          if (plan.when === 'delay') await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
          stream.destroy();
        }),
      );
    }
    await until(async () => {
      const g = await gauges();
      return g.connections === base.connections && g.subscriptions === base.subscriptions && g.natsSubscriptions === base.natsSubscriptions;
    }, `connections, subscriptions and NATS interest to return to ${JSON.stringify(base)}`);
    await until(() => edge.process.openFds() <= fdsBefore, `the edge's descriptors to return to ${fdsBefore}`, 10_000, 100);
    expect(edge.process.running).toBe(true);
    figures['churn'] = { clients: plans.length, hungUp: outcomes, gauges: base };
  }, 60_000);

  it('afterwards: the process is up and the WebSocket client connected throughout lost nothing', async () => {
    await stopPump();
    const reports = await healthy.report(stack.market);
    for (const report of reports) expect(report).toMatchObject({ startsWithSnapshot: true, lost: 0, extraSnapshots: 0, breaks: 0 });
    expect(edge.process.running).toBe(true);
    console.log(JSON.stringify({ figures: 'edge hostile SSE', ...figures, healthy: reports }));
  });
});
