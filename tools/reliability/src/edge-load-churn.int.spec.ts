import { EdgeLoadRig, HEALTHY_SYMBOLS } from './edge-load-rig';
import { StormWorkers } from './storm-workers';
import { hs256Token } from './test-tokens';
import { until } from './until';

/**
 * Load fault (c), a subscription churn storm: many clients (SubscriptionChurner, in a worker process so their
 * CPU does not show in the healthy clients' latency) subscribe and unsubscribe random symbols as fast as the
 * edge's message rate limit allows. Interest routing stays exact (at a quiet point the edge's NATS
 * subscriptions are exactly the union of what its clients hold), nothing leaks (subscriptions and RSS back
 * near the baseline once the churners leave), healthy clients lose nothing and stay within the latency rule.
 */

const CHURNERS = 50;
/** The edge's default MESSAGES_PER_SEC: one message every 50 ms per churner is as fast as it allows. */
const MESSAGES_PER_SEC = 20;
const CHURN_MS = 10_000;
/** A churner holds at most this many symbols: past it, it only unsubscribes. */
const MAX_HELD = 20;
const CHURN_SYMBOLS = Array.from({ length: 1_000 }, (_, i) => `CHURN.${String(i).padStart(4, '0')}`);
/** The churn symbols are live too (published once a second): subscribing means a snapshot, then deltas. */
const CHURN_PUMP_MS = 1_000;
/** After the churners leave: RSS may stay this much above the baseline (the heap does not shrink at once). */
const RSS_RETURN_SLACK_MIB = 48;

describe('edge process in a subscription churn storm', () => {
  let rig: EdgeLoadRig;
  let workers: StormWorkers;

  beforeAll(async () => {
    rig = await EdgeLoadRig.start({}, [{ symbols: CHURN_SYMBOLS, intervalMs: CHURN_PUMP_MS }]);
    workers = StormWorkers.start(1);
  });

  afterAll(async () => {
    workers?.close();
    await rig?.stop();
  });

  it('calm baseline: the healthy clients alone', async () => {
    expect((await rig.measureBaseline()).samples).toBeGreaterThan(1_000);
    expect((await rig.samples()).value('tickwire_edge_nats_subscriptions')).toBe(HEALTHY_SYMBOLS.length);
  });

  it(`${CHURNERS} clients subscribe/unsubscribe random symbols at ${MESSAGES_PER_SEC} messages/s each for ${CHURN_MS / 1e3} s: interest routing exact, nothing rate limited or refused, healthy clients within the latency rule`, async () => {
    const before = await rig.samples();
    const url = `${rig.edge.url}?token=${await hs256Token()}`;
    const window = await rig.window('churn', async () => {
      const [churned] = await workers.all(() => ({ type: 'churn', url, count: CHURNERS, symbols: CHURN_SYMBOLS, maxHeld: MAX_HELD, messagesPerSec: MESSAGES_PER_SEC, durationMs: CHURN_MS }), 'churned');
      return churned!;
    });
    const churned = window.result;
    // A quiet point: every churner's last message handled, lingering subscriptions gone (INTEREST_LINGER 200 ms).
    const heldSubscriptions = churned.held.reduce((a, held) => a + held.length, 0);
    const interest = new Set([...HEALTHY_SYMBOLS, ...churned.held.flat()]);
    const healthySubscriptions = rig.healthy.length * HEALTHY_SYMBOLS.length;
    await until(async () => {
      const now = await rig.samples();
      return now.value('tickwire_edge_subscriptions') === heldSubscriptions + healthySubscriptions && now.value('tickwire_edge_nats_subscriptions') === interest.size;
    }, `the edge to hold ${heldSubscriptions + healthySubscriptions} subscriptions over ${interest.size} NATS subscriptions`, 10_000, 100);
    const after = await rig.samples();
    const sent = churned.sent;
    rig.figures['churn'] = {
      ...(rig.figures['churn'] as object),
      churners: CHURNERS,
      messagesSent: sent,
      messagesPerSec: Math.round(sent / (CHURN_MS / 1e3)),
      heldAtEnd: heldSubscriptions,
      natsSubscriptionsAtEnd: after.value('tickwire_edge_nats_subscriptions'),
      liveInterestAtEnd: interest.size,
      snapshotFetches: after.delta(before, 'tickwire_edge_snapshot_fetches_total'),
      rateLimited: after.delta(before, 'tickwire_edge_rejections_total', { reason: 'rate_limited' }),
    };
    expect(after.delta(before, 'tickwire_edge_rejections_total', { reason: 'rate_limited' })).toBe(0);
    expect(after.delta(before, 'tickwire_edge_snapshot_fetch_failures_total')).toBe(0);
    expect(churned.refusals).toBe(0);
    expect(after.value('tickwire_edge_connections')).toBe(CHURNERS + rig.healthy.length);
    expect(rig.edge.process.running).toBe(true);
    expect(window.latency.p99Ms).toBeLessThanOrEqual(window.limitMs);

    // The churners leave: the edge's interest and subscriptions return to the healthy clients' alone.
    await workers.all(() => ({ type: 'close' }), 'closed');
    await until(async () => {
      const now = await rig.samples();
      return now.value('tickwire_edge_connections') === rig.healthy.length && now.value('tickwire_edge_nats_subscriptions') === HEALTHY_SYMBOLS.length;
    }, 'the churners\' connections and interest to be released', 10_000, 100);
    const left = await rig.samples();
    const rssAfter = rig.rssMiB();
    rig.figures['afterChurners'] = { connections: left.value('tickwire_edge_connections'), subscriptions: left.value('tickwire_edge_subscriptions'), natsSubscriptions: left.value('tickwire_edge_nats_subscriptions'), rssMiB: rssAfter, rssBoundMiB: rig.baselineRss + RSS_RETURN_SLACK_MIB };
    expect(left.value('tickwire_edge_subscriptions')).toBe(healthySubscriptions);
    expect(rssAfter).toBeLessThanOrEqual(rig.baselineRss + RSS_RETURN_SLACK_MIB);
  });

  it('afterwards: the edge is up and the healthy clients lost nothing', async () => {
    const reports = await rig.healthyReports();
    for (const report of reports) expect(report).toMatchObject({ startsWithSnapshot: true, lost: 0, extraSnapshots: 0, breaks: 0 });
    expect(rig.edge.process.running).toBe(true);
    rig.print('edge load faults: subscription churn');
  });
});
