import { SubscriptionMode, SubscriptionResultCode, type MarketUpdate } from '@tickwire/protocol';
import { PrometheusSamples, serverMessage, type EdgeWire } from '@tickwire/testing';
import { EdgeStack, type EdgeProcess, type HealthyClient } from './edge-stack';
import { hs256Token } from './test-tokens';
import { until } from './until';

/**
 * Redis stopped under the snapshot service, the snapshot service killed and restarted while Redis is down,
 * then Redis back (empty: no persistence), seen from the client's side through a real edge process. A new
 * subscription must get `unavailable` (docs/protocol.md: the snapshot service could not be reached) or the
 * live state, never an old snapshot presented as current; `GET /v1/snapshot` answers 503; live
 * subscriptions keep every update in order; once both are back, new subscribers get the newest seq. Then
 * the snapshot service alone is killed and restarted: it serves from Redis at once.
 */

/** Held by healthy clients throughout and traded every 20 ms: the edge carries them the whole time. */
const LIVE = ['OUT.LIVE1', 'OUT.LIVE2'];
/** Traded every 20 ms, wanted only by the probes: the edge must ask the snapshot service for them. */
const TRADED = 'OUT.TRADED';
/** Published once at the start, then quiet. */
const QUIET = 'OUT.QUIET';
/** The long snapshot outage, and the floor of the bound on serving again after it. */
const LONG_OUTAGE_MS = 30_000;
const LONG_OUTAGE_FLOOR_MS = 5_000;

interface Probe {
  readonly code: SubscriptionResultCode;
  /** The market's seq of the symbol when the subscribe was sent. */
  readonly before: bigint;
  /** The first update after an `ok`: what the edge presents as the current state. */
  readonly first?: MarketUpdate;
  /** Seqs of every update received for the symbol until the probe closed. */
  readonly seqs: bigint[];
}

describe('Redis and the snapshot service restarted under a live edge (clients\' view)', () => {
  let stack: EdgeStack;
  let edge: EdgeProcess;
  const healthy: HealthyClient[] = [];
  let stopPump: (() => Promise<void>) | undefined;
  /** TRADED's seq when Redis was stopped: nothing older may ever be shown after it. */
  let outageSeq = 0n;
  const probes: Probe[] = [];
  const figures: Record<string, unknown> = {};

  /**
   * Subscribes a fresh client to `symbol` in full mode; returns the result code and the first update. After an
   * `ok` it waits until the stream reaches the market's seq at the time of the request: the state shown
   * first may trail it by what the snapshot service had not written yet (its flush interval), and the
   * edge's repair (a complete state on the next update) must bring the client to the live market.
   */
  async function probe(symbol: string, wire: EdgeWire): Promise<Probe> {
    // The edge must not carry the symbol from an earlier probe: wait out the interest linger.
    await until(async () => new PrometheusSamples(await edge.process.metrics()).value('tickwire_edge_nats_subscriptions') === LIVE.length, 'the edge to carry only the live symbols');
    const client = await stack.client(edge, wire);
    const before = seqNow(symbol);
    const id = client.subscribe([symbol], SubscriptionMode.FULL);
    const ack = await client.waitFor(serverMessage.ack(id), 15_000);
    const code = ack.body?.$case === 'subscribeAck' ? ack.body.value.results[0]!.code : SubscriptionResultCode.UNSPECIFIED;
    let first: MarketUpdate | undefined;
    if (code === SubscriptionResultCode.OK) {
      const message = await client.waitFor(serverMessage.update(symbol));
      first = message.body?.$case === 'update' ? message.body.value : undefined;
      await client.waitFor((m) => m.body?.$case === 'update' && m.body.value.symbol === symbol && m.body.value.seq >= before, 5_000);
    }
    client.close();
    await client.closed;
    const result: Probe = { code, before, ...(first === undefined ? {} : { first }), seqs: client.updates(symbol).map((u) => u.seq) };
    probes.push(result);
    return result;
  }

  /** The seq the market last published for `symbol`. */
  const seqNow = (symbol: string): bigint => BigInt(stack.market.lastSeq(symbol));

  /**
   * Probes `symbol` (encodings alternating) until a subscription is `ok`; every answer before it must be
   * `unavailable`. Throws after `limitMs` from `sinceMs`.
   */
  async function probeUntilOk(symbol: string, sinceMs: number, limitMs: number): Promise<Probe> {
    for (let i = 0; ; i++) {
      const answer = await probe(symbol, i % 2 === 0 ? 'json' : 'proto');
      if (answer.code === SubscriptionResultCode.OK) return answer;
      expect(answer.code).toBe(SubscriptionResultCode.UNAVAILABLE);
      if (Date.now() - sinceMs > limitMs) throw new Error(`${symbol}: no ok within ${limitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function snapshotHttp(): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${edge.port}/v1/snapshot?symbols=${LIVE[0]},${QUIET}`, { headers: { authorization: `Bearer ${await hs256Token()}` } });
    await response.text();
    return response.status;
  }

  async function snapshotReady(): Promise<number> {
    return (await fetch(`${await stack.snapshot.opsUrl()}/readyz`)).status;
  }

  beforeAll(async () => {
    stack = await EdgeStack.start();
    edge = await stack.startEdge();
    await stack.listSymbols([...LIVE, TRADED, QUIET]);
    healthy.push(await stack.healthyClient(edge, 'json', LIVE), await stack.healthyClient(edge, 'proto', LIVE));
    stopPump = stack.market.pump([...LIVE, TRADED], 20);
  });

  afterAll(async () => {
    await stopPump?.();
    await stack?.stop();
    console.log(`snapshot/redis restart: ${JSON.stringify(figures)}`);
  });

  it('with both up: a new subscriber gets the newest state; GET /v1/snapshot 200', async () => {
    const traded = await probe(TRADED, 'json');
    expect(traded.code).toBe(SubscriptionResultCode.OK);
    const quiet = await probe(QUIET, 'proto');
    expect([quiet.code, quiet.first?.seq]).toEqual([SubscriptionResultCode.OK, 1n]);
    expect(await snapshotHttp()).toBe(200);
  });

  it('Redis stopped: quiet symbols get unavailable, traded ones unavailable or their live state, carried ones their live state; GET /v1/snapshot 503', async () => {
    outageSeq = seqNow(TRADED);
    await stack.redis.stop();
    await until(async () => (await snapshotReady()) === 503, 'the snapshot service to report not ready');
    await expectOutageAnswers('redis down');
    // Live traffic goes on through the outage: 50 more seqs reach the live clients.
    const target = BigInt(stack.market.lastSeq(LIVE[0]!) + 50);
    await healthy[0]!.client.waitFor(serverMessage.update(LIVE[0]!, target), 15_000);
  });

  it('the snapshot service killed while Redis is down, then restarted (it opens gRPC only once Redis answers): the same answers', async () => {
    await stack.killSnapshot();
    await expectOutageAnswers('snapshot killed');
    await stack.startSnapshot();
    expect(await snapshotReady()).toBe(503);
    await expectOutageAnswers('snapshot restarted, redis down');
  });

  it('Redis back (empty): the restarted service is ready, new subscribers get the newest seq; a quiet symbol it never saw is unknown until it trades, never served old', async () => {
    const redisBackAt = Date.now();
    await stack.redis.start();
    await until(async () => (await snapshotReady()) === 200, 'the snapshot service to be ready again', 20_000);
    figures['readyAfterRedisMs'] = Date.now() - redisBackAt;
    // Through the edge: the first ok after Redis is back (the edge's gRPC channel reconnects by itself).
    const firstOkAt = Date.now();
    const traded = await probeUntilOk(TRADED, firstOkAt, 20_000);
    // Nothing from before the outage: the restarted service knows only what it consumed since.
    expect(traded.first!.seq).toBeGreaterThan(outageSeq);
    figures['firstOkAfterReadyMs'] = Date.now() - firstOkAt;
    // GET /v1/snapshot: 503 until the edge's channel has reconnected, then 200.
    for (let status = await snapshotHttp(); status !== 200; status = await snapshotHttp()) {
      expect(status).toBe(503);
      if (Date.now() - firstOkAt > 20_000) throw new Error('GET /v1/snapshot not 200 within 20 s of the snapshot service being ready');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    figures['http200AfterReadyMs'] = Date.now() - firstOkAt;

    // With the market paused, a new subscriber gets exactly the last seq of every traded symbol.
    await stopPump!();
    stopPump = undefined;
    await stack.waitUntilServed([...LIVE, TRADED]);
    for (const symbol of [...LIVE, TRADED]) {
      const paused = await probe(symbol, 'proto');
      expect([symbol, paused.code, paused.first?.seq]).toEqual([symbol, SubscriptionResultCode.OK, seqNow(symbol)]);
    }
    // Redis came back empty and the service that held QUIET in memory was killed: nobody has its state.
    // The honest answer is unknown_symbol (never an old snapshot); its next trade makes it known again.
    const quiet = await probe(QUIET, 'json');
    expect(quiet.code).toBe(SubscriptionResultCode.UNKNOWN_SYMBOL);
    await stack.market.publish([QUIET]);
    await stack.waitUntilServed([QUIET]);
    const traded2 = await probe(QUIET, 'json');
    expect([traded2.code, traded2.first?.seq]).toEqual([SubscriptionResultCode.OK, seqNow(QUIET)]);
  });

  it('the snapshot service killed and restarted with Redis up: unavailable while it is gone, then it serves from Redis at once (the market paused: exact seqs)', async () => {
    await stack.killSnapshot();
    const quietGone = await probe(QUIET, 'proto');
    expect(quietGone.code).toBe(SubscriptionResultCode.UNAVAILABLE);
    expect(await snapshotHttp()).toBe(503);
    const startedAt = Date.now();
    await stack.startSnapshot();
    // The market is paused: an ok can only come from the snapshot service, i.e. from Redis.
    expect((await probeUntilOk(QUIET, startedAt, 20_000)).first!.seq).toBe(seqNow(QUIET));
    figures['servedAfterSnapshotRestartMs'] = Date.now() - startedAt;
    expect(await snapshotReady()).toBe(200);
    for (const symbol of [...LIVE, TRADED]) {
      const paused = await probe(symbol, 'proto');
      expect([symbol, paused.code, paused.first?.seq]).toEqual([symbol, SubscriptionResultCode.OK, seqNow(symbol)]);
    }
  });

  it('a long snapshot outage (30 s): unavailable throughout, then the edge serves again within a bound of the short restart above', async () => {
    await stack.killSnapshot();
    const downAt = Date.now();
    while (Date.now() - downAt < LONG_OUTAGE_MS) {
      expect((await probe(QUIET, 'json')).code).toBe(SubscriptionResultCode.UNAVAILABLE);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const startedAt = Date.now();
    await stack.startSnapshot();
    expect((await probeUntilOk(QUIET, startedAt, 60_000)).first!.seq).toBe(seqNow(QUIET));
    const servedMs = Date.now() - startedAt;
    // The edge's gRPC channel must not back off for long: the same restart after a 30 s outage is served
    // within 3x the short one's time (floor 5 s against scheduler noise). gRPC's default backoff (up to
    // 120 s) took 8.2 s here after 40 s down, and up to two minutes after longer outages.
    const baseline = Number(figures['servedAfterSnapshotRestartMs'] ?? 0);
    expect(servedMs).toBeLessThanOrEqual(Math.max(3 * baseline, LONG_OUTAGE_FLOOR_MS));
    figures['servedAfterLongOutageMs'] = servedMs;
  }, 90_000);

  it('the live subscriptions lost nothing, no probe ever saw a seq go backwards, no process exited', async () => {
    let updates = 0;
    for (const client of healthy) {
      for (const report of await client.report(stack.market)) {
        expect(report).toEqual(expect.objectContaining({ startsWithSnapshot: true, lost: 0, extraSnapshots: 0, breaks: 0 }));
        updates += report.updates;
      }
    }
    for (const p of probes) expect(p.seqs.every((seq, i) => i === 0 || seq > p.seqs[i - 1]!)).toBe(true);
    expect([edge.process.running, stack.snapshot.running]).toEqual([true, true]);
    const samples = new PrometheusSamples(await edge.process.metrics());
    Object.assign(figures, {
      liveUpdatesChecked: updates,
      lost: 0,
      probes: probes.length,
      unavailable: probes.filter((p) => p.code === SubscriptionResultCode.UNAVAILABLE).length,
      snapshotFetchFailures: samples.value('tickwire_edge_snapshot_fetch_failures_total'),
    });
  });

  /**
   * While the snapshot service cannot answer: QUIET (not carried by the edge) gets `unavailable`; TRADED gets
   * `unavailable`, or `ok` made from a live update published after the request; a carried symbol gets the edge's own live state; GET /v1/snapshot 503.
   */
  async function expectOutageAnswers(phase: string): Promise<void> {
    const quiet = await probe(QUIET, 'json');
    expect([phase, quiet.code]).toEqual([phase, SubscriptionResultCode.UNAVAILABLE]);
    const traded = await probe(TRADED, 'proto');
    // No snapshot to be had: an ok can only come from a live update published after the request.
    if (traded.code === SubscriptionResultCode.OK) expect(traded.first!.seq).toBeGreaterThan(traded.before);
    else expect([phase, traded.code]).toEqual([phase, SubscriptionResultCode.UNAVAILABLE]);
    // A carried symbol: the edge holds it live; what it shows is at least what a live client already has.
    const held = healthy[0]!.client.updates(LIVE[0]).at(-1)!.seq;
    const client = await stack.client(edge, 'json');
    const id = client.subscribe([LIVE[0]!], SubscriptionMode.FULL);
    const ack = await client.waitFor(serverMessage.ack(id), 15_000);
    expect(ack.body?.$case === 'subscribeAck' && ack.body.value.results[0]!.code).toBe(SubscriptionResultCode.OK);
    const first = await client.waitFor(serverMessage.update(LIVE[0]!));
    expect(first.body?.$case === 'update' && first.body.value.seq >= held).toBe(true);
    client.close();
    expect([phase, await snapshotHttp()]).toEqual([phase, 503]);
  }
});
