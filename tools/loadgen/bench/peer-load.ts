// What the comparison scenarios do to any peer: open clients through the worker pool, run one fan-out step at
// a controlled rate and measure it (delivered updates/s, latency quantiles, everyone's CPU), read memory.
import { connectNatsBus, type NatsBus } from '@tickwire/bus';
import { SubscriptionMode } from '@tickwire/protocol';
import { DEFAULT_SOURCE_ADDRESSES, splitRange } from '../src/connection-plan';
import { mergeTallies } from '../src/delivery-tally';
import type { LoadWorkerPool } from '../src/load-worker-pool';
import type { SubscriptionPlan } from '../src/peer-clients';
import { CpuWindow, readRssBytes } from '../src/process-sampler';
import { wallClockNs } from '../src/wall-clock';
import type { OpenedReply, TallyReply } from '../src/worker-protocol';
import { collectGarbage, log, sleep, type Upstream } from './edge-rig';
import type { RunningPeer } from './peer-rig';
import { publishTicks } from './tick-publisher';

/** A step waits this long at most for the last deliveries after publishing stops. */
const DRAIN_TIMEOUT_MS = 10_000;
/** ... and stops waiting once nothing new arrived for this long. */
const DRAIN_STABLE_MS = 1_000;

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Every client of the comparisons subscribes in `full` mode: the edge then sends what the peers send, the whole update. */
export function fullPlan(upstream: Upstream, perConnection: number): SubscriptionPlan {
  return { symbols: upstream.symbols, subjects: upstream.subjects, perConnection, mode: SubscriptionMode.FULL };
}

export interface OpenOptions {
  /** Global index of the first connection (a second group continues the numbering). */
  readonly start?: number;
  readonly stall?: boolean;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

/** Opens `count` clients of `peer` spread over the pool's workers; throws unless every one is subscribed. */
export async function openClients(pool: LoadWorkerPool, peer: RunningPeer, plan: SubscriptionPlan, count: number, options: OpenOptions = {}): Promise<{ readonly open: number; readonly seconds: number }> {
  const ranges = splitRange(count, pool.size);
  const first = options.start ?? 0;
  const started = performance.now();
  const replies: OpenedReply[] = await pool.all(
    (i) => ({
      type: 'open',
      url: peer.url,
      protocol: peer.protocol,
      start: first + ranges[i]!.start,
      count: ranges[i]!.count,
      addressCount: DEFAULT_SOURCE_ADDRESSES,
      plan,
      stall: options.stall ?? false,
      concurrency: options.concurrency ?? 100,
      timeoutMs: options.timeoutMs ?? 60_000,
    }),
    'opened',
  );
  const failed = replies.reduce((a, r) => a + r.failed, 0);
  if (failed > 0) throw new Error(`${peer.name}: ${failed} of ${count} clients failed to subscribe: ${replies.flatMap((r) => r.errors).join('; ')}`);
  return { open: count, seconds: (performance.now() - started) / 1e3 };
}

export async function closeClients(pool: LoadWorkerPool): Promise<void> {
  await pool.all(() => ({ type: 'close' }), 'closed');
}

export function tallies(pool: LoadWorkerPool, reset: boolean): Promise<TallyReply[]> {
  return pool.all(() => ({ type: 'tally', reset }), 'tally');
}

export function closesOf(replies: readonly TallyReply[]): number {
  let n = 0;
  for (const r of replies) for (const count of Object.values(r.closes)) n += count;
  return n;
}

/** Sum of the peer's processes' resident memory. */
export function peerRss(peer: RunningPeer): number {
  return peer.pids.reduce((a, pid) => a + readRssBytes(pid), 0);
}

/** Median of `reads` reads of the peer's RSS `intervalMs` apart, after `settleMs`. */
export async function settledPeerRss(peer: RunningPeer, settleMs: number, reads = 5, intervalMs = 200): Promise<number> {
  await sleep(settleMs);
  const values: number[] = [];
  for (let i = 0; i < reads; i++) {
    if (i > 0) await sleep(intervalMs);
    values.push(peerRss(peer));
  }
  values.sort((a, b) => a - b);
  return values[values.length >> 1]!;
}

/** A full GC in every Node process of the peer (through their inspectors); false if it has none (nats-server). */
export async function collectPeerGarbage(peer: RunningPeer): Promise<boolean> {
  for (const port of peer.inspectPorts) await collectGarbage(port);
  return peer.inspectPorts.length > 0;
}

/** The processes whose CPU a step reports: the peer's (summed), the workers', the upstream NATS's (when the peer uses it) and ours (publisher). */
export function cpuPidsOf(peer: RunningPeer, pool: LoadWorkerPool, upstream: Upstream): Record<string, number> {
  const pids: Record<string, number> = { publisher: process.pid };
  peer.pids.forEach((pid, i) => (pids[`peer${i}`] = pid));
  pool.pids.forEach((pid, i) => (pids[`worker${i}`] = pid));
  if (peer.natsUrl === upstream.nats.url) pids['nats'] = upstream.nats.pid;
  return pids;
}

/** A publisher connection for this peer: the shared one when it reads the upstream NATS, else one to its own server (closed by `release`). */
export async function publisherFor(peer: RunningPeer, upstream: Upstream, shared: NatsBus): Promise<{ readonly bus: NatsBus; release(): Promise<void> }> {
  if (peer.natsUrl === upstream.nats.url) return { bus: shared, release: async () => undefined };
  const bus = await connectNatsBus({ servers: peer.natsUrl, name: `bench-publisher-${peer.name}` });
  return { bus, release: () => bus.close() };
}

function sumOf(shares: Record<string, number>, prefix: string): number {
  return round(Object.entries(shares).filter(([name]) => name.startsWith(prefix)).reduce((a, [, v]) => a + v, 0));
}

export interface StepContext {
  readonly pool: LoadWorkerPool;
  readonly peer: RunningPeer;
  readonly upstream: Upstream;
  readonly bus: NatsBus;
  /** Counted subscribers of each symbol (an update of symbol s should arrive fanout[s] times). */
  readonly fanout: readonly number[];
  readonly cpuPids: Record<string, number>;
  /** A step is `ok` when everything arrived and p99 is at most this. */
  readonly p99LimitMs: number;
}

export interface StepResult {
  readonly targetPerSec: number;
  readonly publishedPerSec: number;
  readonly expected: number;
  readonly delivered: number;
  readonly deliveredPerSec: number;
  /** Complete states received during the step: the edge conflated for a client that fell behind. */
  readonly snapshots: number;
  readonly updatesPerFrame: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** Connections the peer closed during the step. */
  readonly closes: number;
  readonly malformedFrames: number;
  /** CPU in cores: the peer's processes, the load workers, NATS (when not the peer), the publisher. */
  readonly peerCpu: number;
  readonly workersCpu: number;
  readonly natsCpu: number | null;
  readonly publisherCpu: number;
  readonly peerRssBytes: number;
  /** Every update arrived once as a live update: nothing lost, conflated or closed. */
  readonly allDelivered: boolean;
  /** All delivered and p99 within the limit. */
  readonly ok: boolean;
}

/** Publishes for `seconds` at the rate that makes `target` deliveries/s, waits for the deliveries, and measures. */
export async function runStep(ctx: StepContext, target: number, seconds: number, label: string): Promise<StepResult> {
  const averageFanout = ctx.fanout.reduce((a, b) => a + b, 0) / ctx.fanout.length;
  const rate = target / averageFanout;
  const total = Math.max(1, Math.round(rate * seconds));
  const baseline = await tallies(ctx.pool, true);
  const cpu = new CpuWindow(ctx.cpuPids);
  cpu.start();
  const startedNs = wallClockNs();
  const perSymbol = await publishTicks(ctx.upstream.ticks, ctx.bus, rate, total);
  const publishedNs = wallClockNs();
  let expected = 0;
  for (let s = 0; s < perSymbol.length; s++) expected += perSymbol[s]! * ctx.fanout[s]!;
  let replies = await tallies(ctx.pool, false);
  let last = -1;
  let stableSince = performance.now();
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const got = replies.reduce((a, r) => a + r.tally.updates + r.tally.snapshots, 0);
    if (got >= expected || performance.now() > deadline) break;
    if (got !== last) {
      last = got;
      stableSince = performance.now();
    } else if (performance.now() - stableSince > DRAIN_STABLE_MS) break;
    await sleep(50);
    replies = await tallies(ctx.pool, false);
  }
  const shares = cpu.stop();
  const peerRssBytes = peerRss(ctx.peer);
  const merged = mergeTallies(replies.map((r) => r.tally));
  const elapsed = (Math.max(publishedNs, merged.lastUpdateNs) - startedNs) / 1e9;
  const closes = closesOf(replies) - closesOf(baseline);
  const q = (p: number): number => round(merged.latency.quantileUs(p) / 1e3, 3);
  const allDelivered = merged.updates === expected && merged.snapshots === 0 && closes === 0 && merged.malformedFrames === 0;
  const p99Ms = q(0.99);
  const result: StepResult = {
    targetPerSec: target,
    publishedPerSec: Math.round(rate),
    expected,
    delivered: merged.updates,
    deliveredPerSec: Math.round(merged.updates / elapsed),
    snapshots: merged.snapshots,
    updatesPerFrame: round((merged.updates + merged.snapshots) / Math.max(1, merged.frames)),
    p50Ms: q(0.5),
    p95Ms: q(0.95),
    p99Ms,
    p999Ms: q(0.999),
    maxMs: round(merged.latency.maxUs / 1e3, 3),
    closes,
    malformedFrames: merged.malformedFrames,
    peerCpu: sumOf(shares, 'peer'),
    workersCpu: sumOf(shares, 'worker'),
    natsCpu: shares['nats'] ?? null,
    publisherCpu: shares['publisher'] ?? 0,
    peerRssBytes,
    allDelivered,
    ok: allDelivered && p99Ms <= ctx.p99LimitMs,
  };
  log(
    `${label} ${target.toLocaleString('en-US')}/s: delivered ${merged.updates}/${expected} = ${result.deliveredPerSec.toLocaleString('en-US')}/s (${result.updatesPerFrame}/frame), ` +
      `p50 ${result.p50Ms} p95 ${result.p95Ms} p99 ${result.p99Ms} p99.9 ${result.p999Ms} ms, snapshots ${merged.snapshots}, closes ${closes}; ` +
      `CPU peer ${result.peerCpu} workers ${result.workersCpu} nats ${result.natsCpu ?? '-'} -> ${result.ok ? 'ok' : result.allDelivered ? `p99 over ${ctx.p99LimitMs} ms` : 'NOT all delivered'}`,
  );
  return result;
}
