import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { CLOSE_CODES, JSON_SUBPROTOCOL } from '@tickwire/protocol';
import { EdgeStack, type EdgeProcess, type HealthyClient } from './edge-stack';
import { PrometheusSamples } from '@tickwire/testing';
import { RawWebSocket } from './raw-websocket';
import { hs256Token } from './test-tokens';
import { until } from './until';

/**
 * Connection floods from one address against a real edge process: upgrades beyond MAX_CONNECTIONS_PER_IP
 * (503 with Retry-After, counted; other addresses and the connections already open keep being served), and
 * a burst of TCP connections that never finish their upgrade request (closed by the edge's handshake
 * timeout; its open descriptors return to where they were).
 */

const LIVE = ['FLOOD.A'];
const MAX_PER_IP = 50;
const ATTEMPTS = 200;
const HALF_OPEN = { silent: 300, partialHeaders: 300, neverAuthenticated: 30 };
/** The edge's handshake deadline (edge-server.ts) plus the HTTP server's check interval, with slack. */
const HALF_OPEN_CLOSED_WITHIN_MS = 20_000;

describe('edge process under connection floods from one address', () => {
  let stack: EdgeStack;
  let edge: EdgeProcess;
  let healthy: HealthyClient;
  let stopPump: () => Promise<void>;
  const figures: Record<string, unknown> = {};

  const samples = async (): Promise<PrometheusSamples> => new PrometheusSamples(await edge.process.metrics());
  const connections = async (): Promise<number> => (await samples()).value('tickwire_edge_connections');

  beforeAll(async () => {
    stack = await EdgeStack.start();
    edge = await stack.startEdge({ MAX_CONNECTIONS_PER_IP: String(MAX_PER_IP), AUTH_TIMEOUT: '1s' });
    await stack.listSymbols(LIVE);
    healthy = await stack.healthyClient(edge, 'json', LIVE); // from 127.0.0.1: one of its 50
    stopPump = stack.market.pump(LIVE, 10);
  });

  afterAll(async () => {
    await stopPump?.();
    await stack?.stop();
  });

  it(`${ATTEMPTS} upgrades at once from 127.0.0.1 with MAX_CONNECTIONS_PER_IP=${MAX_PER_IP}: the excess gets 503 + Retry-After, counted; another address is admitted; slots come back`, async () => {
    const before = await samples();
    const path = `/v1/stream?token=${await hs256Token()}`;
    const attempts = await Promise.all(Array.from({ length: ATTEMPTS }, () => RawWebSocket.connect(edge.port, path, JSON_SUBPROTOCOL)));
    const admitted = attempts.filter((a) => a.answer.status === 101);
    const refused = attempts.filter((a) => a.answer.status !== 101);
    expect(admitted).toHaveLength(MAX_PER_IP - 1);
    expect(new Set(refused.map((a) => `${a.answer.status} retry-after=${a.answer.headers['retry-after']}`))).toEqual(new Set(['503 retry-after=1']));
    expect((await samples()).delta(before, 'tickwire_edge_rejections_total', { reason: 'per_ip_limit' })).toBe(ATTEMPTS - MAX_PER_IP + 1);

    // Another address is not affected by 127.0.0.1's limit.
    const other = new WebSocket(`${edge.url}?token=${await hs256Token()}`, [JSON_SUBPROTOCOL], { localAddress: '127.0.0.2' });
    await new Promise((resolve, reject) => other.once('open', resolve).once('error', reject));
    await new Promise((resolve) => other.once('message', resolve)); // welcome
    expect(await connections()).toBe(MAX_PER_IP + 1);
    other.close();

    // The slots are released as the flood's connections close: 127.0.0.1 is admitted again.
    for (const a of attempts) a.destroy();
    await until(async () => (await connections()) === 1, 'the flood connections to be released');
    const again = await stack.client(edge, 'proto');
    again.socket.close();
    expect(edge.process.running).toBe(true);
    figures['perIpFlood'] = { attempts: ATTEMPTS, admitted: admitted.length, refused503: refused.length, countedPerIpLimit: ATTEMPTS - MAX_PER_IP + 1 };
  });

  it('a burst of connections that never finish the upgrade (silent, partial headers) is closed by the handshake timeout; upgraded ones that never authenticate get 4103; no descriptor leaks', async () => {
    await until(async () => (await connections()) === 1, 'only the healthy client to be connected');
    const before = await samples();
    const fdsBefore = edge.process.openFds();
    const startedAt = Date.now();
    const closedAfterMs: number[] = [];
    const answers = new Map<string, number>();
    const track = (socket: Socket): Socket => {
      let first = '';
      socket.on('data', (chunk: Buffer) => (first ||= chunk.toString('latin1').split('\r\n')[0] ?? ''));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        closedAfterMs.push(Date.now() - startedAt);
        answers.set(first || '(nothing)', (answers.get(first || '(nothing)') ?? 0) + 1);
      });
      return socket;
    };
    const silent = Array.from({ length: HALF_OPEN.silent }, () => track(connect({ host: '127.0.0.1', port: edge.port })));
    const partial = Array.from({ length: HALF_OPEN.partialHeaders }, () => {
      const socket = track(connect({ host: '127.0.0.1', port: edge.port }));
      socket.write(`GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
      return socket;
    });
    const unauthenticated = await Promise.all(Array.from({ length: HALF_OPEN.neverAuthenticated }, () => RawWebSocket.connect(edge.port, '/v1/stream', JSON_SUBPROTOCOL)));
    expect(unauthenticated.every((u) => u.answer.status === 101)).toBe(true);
    await until(() => edge.process.openFds() >= fdsBefore + HALF_OPEN.silent + HALF_OPEN.partialHeaders, 'the edge to hold the half-open connections');
    const fdsDuring = edge.process.openFds();

    // Meanwhile the edge serves: a new client from the same address is admitted (half-open sockets hold no slot).
    const meanwhile = await stack.client(edge, 'json');
    meanwhile.socket.close();

    const unauthenticatedCodes = await Promise.all(unauthenticated.map((u) => u.closed(5_000)));
    expect(new Set(unauthenticatedCodes)).toEqual(new Set([CLOSE_CODES.AUTH_TIMEOUT.code]));
    await until(() => closedAfterMs.length === silent.length + partial.length, `all ${silent.length + partial.length} half-open connections to be closed by the edge`, HALF_OPEN_CLOSED_WITHIN_MS, 100);
    await until(() => edge.process.openFds() <= fdsBefore + 2, `the edge's descriptors to return to ${fdsBefore}`, 5_000, 100);
    const fdsAfter = edge.process.openFds();
    const after = await samples();
    expect(after.delta(before, 'tickwire_edge_rejections_total', { reason: 'auth_timeout' })).toBe(HALF_OPEN.neverAuthenticated);
    expect(edge.process.running).toBe(true);
    figures['halfOpen'] = {
      ...HALF_OPEN,
      fds: { before: fdsBefore, during: fdsDuring, after: fdsAfter },
      closedAfterMs: { first: Math.min(...closedAfterMs), last: Math.max(...closedAfterMs) },
      answers: Object.fromEntries(answers),
    };
  }, 60_000);

  it('afterwards: the process is up and the client connected throughout lost nothing', async () => {
    await stopPump();
    const reports = await healthy.report(stack.market);
    for (const report of reports) expect(report).toMatchObject({ startsWithSnapshot: true, lost: 0, extraSnapshots: 0, breaks: 0 });
    expect(edge.process.running).toBe(true);
    console.log(JSON.stringify({ figures: 'edge connection floods', ...figures, healthy: reports }));
  });
});
