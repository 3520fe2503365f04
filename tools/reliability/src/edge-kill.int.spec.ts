import { edgeConnections, type HaproxyBalancer } from '@tickwire/testing';
import { EdgeStack, type EdgeProcess } from './edge-stack';
import { fleetPlans, startFleet, type RecordedClient } from './sdk-fleet';
import { until } from './until';

/**
 * kill -9 of one of two edge processes behind real HAProxy (infra/haproxy/haproxy.cfg), with a few hundred
 * @tickwire/client SDK clients (both encodings, every mode) subscribed through it while a synthetic market
 * trades. The dead edge's clients must come back on the survivor, spread in time by the SDK's jittered
 * backoff, resubscribe and end with the market's exact state; the survivor's descriptors and memory must
 * come back when the clients leave.
 */

const CLIENTS = 240;
const SYMBOLS = Array.from({ length: 12 }, (_, i) => `KILL.${String.fromCharCode(65 + i)}`);
const SYMBOLS_PER_CLIENT = 3;
/** The first reconnect waits `random() * initialDelayMs`: this is the window the attempts must spread over. */
const BACKOFF = { initialDelayMs: 1_000, maxDelayMs: 8_000 };
/** The attempts must span at least this share of the window... */
const MIN_SPREAD_SHARE = 0.5;
/** ...and no 100 ms slice of it may hold half of them (uniform: 10%; no jitter: 100%). */
const MAX_SLICE_SHARE = 0.5;
const SLICE_MS = 100;
/** Descriptors the survivor may keep above its baseline once the clients are gone (timers, a lingering subscription). */
const FD_SLACK = 10;
const MAX_RSS_GROWTH = 64 * 1024 * 1024;

describe('kill -9 of an edge behind HAProxy, a few hundred SDK clients subscribed through it', () => {
  let stack: EdgeStack;
  let edges: EdgeProcess[];
  let haproxy: HaproxyBalancer;
  let clients: RecordedClient[] = [];
  let stopPump: (() => Promise<void>) | undefined;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    stack = await EdgeStack.start();
    edges = [await stack.startEdge(), await stack.startEdge()];
    await stack.listSymbols(SYMBOLS);
    haproxy = await stack.balancer(edges);
  });

  afterAll(async () => {
    for (const client of clients) client.client.close();
    await stopPump?.();
    await stack?.stop();
    console.log(`edge kill: ${JSON.stringify(figures)}`);
  });

  it('the dead edge\'s clients reconnect to the survivor with jitter, resubscribe and end with the market\'s state; none gives up', async () => {
    const [victim, survivor] = [edges[0]!, edges[1]!];
    await until(async () => (await edgeConnections(victim.process)) + (await edgeConnections(survivor.process)) === 0, 'the probe connection to close');
    const baseline = { fds: survivor.process.openFds(), rss: survivor.process.rssBytes() };

    stopPump = stack.market.pump(SYMBOLS, 100);
    clients = await startFleet(haproxy.wsUrl('/v1/stream'), fleetPlans(CLIENTS, SYMBOLS, SYMBOLS_PER_CLIENT), BACKOFF);
    await until(() => clients.every((c) => c.plan.symbols.every((s) => c.client.state(s) !== undefined)), 'every client to hold a state per symbol', 30_000);
    const onVictim = await edgeConnections(victim.process);
    const onSurvivor = await edgeConnections(survivor.process);
    expect(onVictim + onSurvivor).toBe(CLIENTS);
    // leastconn: both edges carry a fair share.
    expect(Math.min(onVictim, onSurvivor)).toBeGreaterThanOrEqual(CLIENTS / 4);

    const killedAt = Date.now();
    victim.process.kill();
    await victim.process.exited;
    await until(() => clients.filter((c) => c.lostSince(killedAt)).length === onVictim && clients.every((c) => !c.lostSince(killedAt) || c.servedSince(killedAt) !== undefined), `the ${onVictim} clients of the dead edge to be served again`, 60_000, 20);
    const moved = clients.filter((c) => c.lostSince(killedAt));
    const servedMs = Math.max(...moved.map((c) => c.servedSince(killedAt)!)) - killedAt;

    // Exactly the dead edge's clients reconnected, all of them to the survivor (the only edge left in the
    // pool); the survivor's own clients never noticed.
    expect(moved).toHaveLength(onVictim);
    expect(await edgeConnections(survivor.process)).toBe(CLIENTS);
    expect(clients.filter((c) => !c.lostSince(killedAt)).every((c) => c.statuses.filter((s) => s.atMs >= killedAt).length === 0)).toBe(true);
    expect(clients.filter((c) => c.closedForGood)).toHaveLength(0);

    // Jitter: each moved client's first attempt after the kill, relative to the kill.
    const attempts = moved.map((c) => c.statuses.find((s) => s.atMs >= killedAt && s.status === 'connecting')!.atMs - killedAt).sort((a, b) => a - b);
    const spreadMs = attempts.at(-1)! - attempts[0]!;
    const slices = new Map<number, number>();
    for (const at of attempts) slices.set(Math.floor(at / SLICE_MS), (slices.get(Math.floor(at / SLICE_MS)) ?? 0) + 1);
    const busiestSlice = Math.max(...slices.values());
    const delays = moved.map((c) => c.statuses.find((s) => s.atMs >= killedAt && s.status === 'reconnecting')!.detail.retryInMs!);
    expect(spreadMs).toBeGreaterThanOrEqual(MIN_SPREAD_SHARE * BACKOFF.initialDelayMs);
    expect(busiestSlice / attempts.length).toBeLessThanOrEqual(MAX_SLICE_SHARE);
    expect(delays.every((d) => d >= 0 && d < BACKOFF.initialDelayMs)).toBe(true);

    // Every client, moved or not, ends with the market's last state in its mode, seq never backwards.
    await stopPump();
    stopPump = undefined;
    await until(() => clients.every((c) => c.caughtUp(stack.market)), 'every client to hold the market\'s last state', 20_000);
    expect(clients.reduce((n, c) => n + c.backwards, 0)).toBe(0);
    const updates = clients.reduce((n, c) => n + c.client.stats().updates, 0);

    // The survivor gives back what the clients cost once they leave.
    const loaded = { fds: survivor.process.openFds(), rss: survivor.process.rssBytes() };
    for (const client of clients) client.client.close();
    await until(async () => (await edgeConnections(survivor.process)) === 0, 'the survivor to see every client go', 20_000);
    await until(() => survivor.process.openFds() <= baseline.fds + FD_SLACK, `the survivor's descriptors to return near ${baseline.fds}`, 20_000, 100);
    const after = { fds: survivor.process.openFds(), rss: survivor.process.rssBytes() };
    expect(after.rss - baseline.rss).toBeLessThan(MAX_RSS_GROWTH);
    expect(survivor.process.running).toBe(true);

    Object.assign(figures, {
      clients: CLIENTS,
      onVictim,
      onSurvivor,
      servedAgainMs: servedMs,
      firstAttemptMs: attempts[0],
      lastAttemptMs: attempts.at(-1),
      spreadMs,
      busiestSliceShare: Number((busiestSlice / attempts.length).toFixed(3)),
      updatesChecked: updates,
      closedForGood: 0,
      survivorFds: `${baseline.fds} -> ${loaded.fds} -> ${after.fds}`,
      survivorRssMiB: `${(baseline.rss / 2 ** 20).toFixed(1)} -> ${(loaded.rss / 2 ** 20).toFixed(1)} -> ${(after.rss / 2 ** 20).toFixed(1)}`,
    });
  }, 90_000);
});
