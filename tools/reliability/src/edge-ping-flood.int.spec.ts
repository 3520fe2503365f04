import { CLOSE_CODES, ErrorCode } from '@tickwire/protocol';
import { EdgeStack, type EdgeProcess, type HealthyClient } from './edge-stack';
import { PrometheusSamples } from '@tickwire/testing';
import { encodeClientFrame, Opcode, RawWebSocket } from './raw-websocket';
import { hs256Token } from './test-tokens';
import { until } from './until';

/**
 * Ping floods against a real edge process with its default limits (20 messages/s, burst 50, 20 rate-limited
 * messages tolerated): protocol `ping` messages and WebSocket ping frames, from a client that reads and from
 * one that never does. The limiter must answer RATE_LIMITED and then close with 4003; the pongs for what it
 * admits are never dropped; other clients are not slowed; the edge's memory stays bounded.
 */

const LIVE = ['PING.A'];
const BURST = 50;
const MAX_RATE_LIMIT_HITS = 20;

describe('edge process under ping floods (default rate limits)', () => {
  let stack: EdgeStack;
  let edge: EdgeProcess;
  let healthy: HealthyClient;
  let stopPump: () => Promise<void>;
  const figures: Record<string, unknown> = {};

  const samples = async (): Promise<PrometheusSamples> => new PrometheusSamples(await edge.process.metrics());

  beforeAll(async () => {
    stack = await EdgeStack.start();
    edge = await stack.startEdge();
    await stack.listSymbols(LIVE);
    healthy = await stack.healthyClient(edge, 'proto', LIVE);
    stopPump = stack.market.pump(LIVE, 10);
  });

  afterAll(async () => {
    await stopPump?.();
    await stack?.stop();
  });

  it.each(['json', 'proto'] as const)('%s: 100 ping messages at once: the burst answered with pongs in order, then RATE_LIMITED x20, then 4003; counted; another client is answered meanwhile', async (wire) => {
    const before = await samples();
    const flooder = await stack.client(edge, wire);
    const bystander = await stack.client(edge, wire === 'json' ? 'proto' : 'json');
    for (let i = 0; i < 100; i++) flooder.send({ body: { $case: 'ping', value: { ts: BigInt(i) } } });
    bystander.send({ body: { $case: 'ping', value: { ts: 4242n } } });
    await bystander.waitFor((m) => m.body?.$case === 'pong' && m.body.value.ts === 4242n);
    expect((await flooder.closed).code).toBe(CLOSE_CODES.RATE_LIMITED.code);

    const pongs = flooder.received.flatMap((m) => (m.body?.$case === 'pong' ? [Number(m.body.value.ts)] : []));
    const errors = flooder.received.filter((m) => m.body?.$case === 'error');
    // The bucket refills at 20/s while the flood is read: one or two more may pass.
    expect(pongs.length).toBeGreaterThanOrEqual(BURST);
    expect(pongs.length).toBeLessThanOrEqual(BURST + 2);
    expect(pongs).toEqual(Array.from({ length: pongs.length }, (_, i) => i));
    expect(errors).toHaveLength(MAX_RATE_LIMIT_HITS);
    for (const e of errors) expect(e.body?.$case === 'error' && [e.body.value.code, e.body.value.retryable]).toEqual([ErrorCode.RATE_LIMITED, true]);
    const after = await samples();
    // Each dropped message is counted, and so is the close: 20 answered + 1 closing + the close itself.
    expect(after.delta(before, 'tickwire_edge_rejections_total', { reason: 'rate_limited' })).toBe(MAX_RATE_LIMIT_HITS + 2);
    bystander.socket.close();
  });

  it('WebSocket ping frames count as messages: a flood gets a pong for each admitted ping, then RATE_LIMITED errors and 4003, counted', async () => {
    const before = await samples();
    const raw = await RawWebSocket.connect(edge.port, `/v1/stream?token=${await hs256Token()}`, 'tickwire.v1.json');
    await raw.until(() => raw.frames.length > 0, 'welcome');
    const pings = Array.from({ length: 500 }, (_, i) => encodeClientFrame({ opcode: Opcode.PING, payload: Buffer.from(`p${i}`) }));
    raw.write(...pings);
    expect(await raw.closed()).toBe(CLOSE_CODES.RATE_LIMITED.code);
    const pongs = raw.frames.filter((f) => f.opcode === Opcode.PONG).map((f) => f.payload.toString());
    // Pongs are never starved: every ping admitted (the burst, plus the ones answered with an error) has its pong, in order.
    expect(pongs.length).toBeGreaterThanOrEqual(BURST + MAX_RATE_LIMIT_HITS);
    expect(pongs).toEqual(Array.from({ length: pongs.length }, (_, i) => `p${i}`));
    const errors = raw.frames.filter((f) => f.opcode === Opcode.TEXT && f.payload.toString().includes('"code":1201'));
    expect(errors.length).toBeGreaterThanOrEqual(1);
    const after = await samples();
    expect(after.delta(before, 'tickwire_edge_rejections_total', { reason: 'rate_limited' })).toBe(MAX_RATE_LIMIT_HITS + 2);
    figures['wsPingFlood'] = { pingsSent: pings.length, pongs: pongs.length, closeCode: CLOSE_CODES.RATE_LIMITED.code };
  });

  it('a client flooding WebSocket pings without reading: closed, and the edge does not buffer its pongs', async () => {
    const before = await samples();
    await until(async () => (await samples()).value('tickwire_edge_connections') === 1, 'only the healthy client to be connected');
    const rssBefore = edge.process.rssBytes();
    const raw = await RawWebSocket.connect(edge.port, `/v1/stream?token=${await hs256Token()}`, 'tickwire.v1.proto');
    raw.pause();
    const ping = encodeClientFrame({ opcode: Opcode.PING, payload: Buffer.alloc(125, 0x70) });
    const chunk = Buffer.concat(Array.from({ length: 1_000 }, () => ping));
    let sent = 0;
    for (let i = 0; i < 100 && raw.isOpen; i++) {
      raw.writeBytes(chunk);
      sent += 1_000;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await until(async () => (await samples()).value('tickwire_edge_connections') === 1, 'the flooding connection to be closed');
    const rssAfter = edge.process.rssBytes();
    raw.destroy();
    const after = await samples();
    expect(after.delta(before, 'tickwire_edge_rejections_total', { reason: 'rate_limited' })).toBeGreaterThanOrEqual(1);
    expect(rssAfter - rssBefore).toBeLessThan(32 * 1024 * 1024);
    expect(edge.process.running).toBe(true);
    figures['unreadPingFlood'] = { pingsSent: sent, bytesSent: sent * ping.length, rssMiB: { before: mib(rssBefore), after: mib(rssAfter) } };
  });

  it('afterwards: the process is up and the client connected throughout lost nothing', async () => {
    await stopPump();
    const reports = await healthy.report(stack.market);
    for (const report of reports) expect(report).toMatchObject({ startsWithSnapshot: true, lost: 0, extraSnapshots: 0, breaks: 0 });
    expect(edge.process.running).toBe(true);
    console.log(JSON.stringify({ figures: 'edge ping floods', ...figures, healthy: reports }));
  });
});

function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
