// The soak run (issue 10, part 5; not in CI): `npm run soak` (SOAK_DURATION=4m for a short one).
//
// Runs the edge stack (NATS, Redis, the snapshot service and an edge as processes, the synthetic market) under a
// steady load for SOAK_DURATION: healthy clients whose delivery latency is measured, a crowd of clients in a
// worker process that drops and reconnects all at once every SOAK_STORM_EVERY, and a burst of subscription
// churn every SOAK_CHURN_EVERY. Every SOAK_SAMPLE_INTERVAL it samples each server process's RSS and open
// descriptors, the edge's heap, and the healthy clients' latency percentiles. At the end it prints a drift
// report (first vs last 10% of the samples after SOAK_WARMUP) and exits 1 if a process's memory grew without bound (drift.ts says the
// rule), a process died, a storm left clients unserved, or a healthy client lost an update. The last line of
// output is the report as one JSON object.
import { EdgeTestClient, PrometheusSamples, serverMessage } from '@tickwire/testing';
import type { LatencySummary } from '../src/delivery-latency';
import { EdgeLoadRig } from '../src/edge-load-rig';
import { descendantProcesses, processStats, type ChildProcessInfo } from '../src/process-tree';
import { StormWorkers } from '../src/storm-workers';
import { churn, SubscriptionChurner } from '../src/subscription-churner';
import { hs256Token } from '../src/test-tokens';
import { ends, GROWTH_FLOOR_MIB, GROWTH_RATIO, median, memoryDrift, parseDuration, type MemoryDrift, type ProcessSample } from './drift';

const env = process.env;
const DURATION_MS = parseDuration(env['SOAK_DURATION'] ?? '30m', 'SOAK_DURATION');
const SAMPLE_MS = parseDuration(env['SOAK_SAMPLE_INTERVAL'] ?? '10s', 'SOAK_SAMPLE_INTERVAL');
const STORM_EVERY_MS = parseDuration(env['SOAK_STORM_EVERY'] ?? '60s', 'SOAK_STORM_EVERY');
const CHURN_EVERY_MS = parseDuration(env['SOAK_CHURN_EVERY'] ?? '30s', 'SOAK_CHURN_EVERY');
/**
 * Samples of the first SOAK_WARMUP (at most a quarter of the run) are printed but left out of the drift: the
 * snapshot service's RSS climbs for about the first minute (Redis client buffers, V8 growing its heap) and
 * then holds, which is warm-up, not a leak.
 */
const WARMUP_MS = Math.min(parseDuration(env['SOAK_WARMUP'] ?? '60s', 'SOAK_WARMUP'), DURATION_MS / 4);
const CROWD = Number(env['SOAK_CROWD'] ?? 1_000);
/** Fewer and slower than the tests' healthy clients: the soak keeps every message they receive for the final check. */
const HEALTHY = { clients: 4, pumpMs: 100 };
const CROWD_SYMBOLS = Array.from({ length: 100 }, (_, i) => `SOAK.C${String(i).padStart(3, '0')}`);
const CHURN_SYMBOLS = Array.from({ length: 500 }, (_, i) => `SOAK.X${String(i).padStart(3, '0')}`);
const CHURNERS = 30;
const CHURN_BURST_MS = 10_000;
const CHURN_MESSAGES_PER_SEC = 20;
const STORM_SERVED_WITHIN_MS = 30_000;
/** The processes the drift rule applies to (the load worker and this process are the load, not the system). */
const WATCHED = new Set(['edge', 'snapshot', 'nats-server', 'redis-server']);

interface Sample {
  readonly atSec: number;
  readonly latency: LatencySummary;
  readonly processes: Record<string, { rssMiB: number; fds: number } | null>;
  readonly edgeHeapMiB: number;
  readonly edgeConnections: number;
  readonly edgeNatsSubscriptions: number;
}

const MiB = 2 ** 20;
const round = (value: number): number => Math.round(value * 10) / 10;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const log = (text: string): void => void process.stdout.write(`${text}\n`);

async function main(): Promise<number> {
  log(`soak: ${DURATION_MS / 1e3} s, a sample every ${SAMPLE_MS / 1e3} s, a ${CROWD}-client storm every ${STORM_EVERY_MS / 1e3} s, ${CHURNERS} churners for ${CHURN_BURST_MS / 1e3} s every ${CHURN_EVERY_MS / 1e3} s`);
  const rig = await EdgeLoadRig.start({}, [{ symbols: CROWD_SYMBOLS, intervalMs: 500 }, { symbols: CHURN_SYMBOLS, intervalMs: 1_000 }], HEALTHY);
  const workers = StormWorkers.start(1);
  const failures: string[] = [];
  const samples: Sample[] = [];
  const storms: { atSec: number; servedP99Ms: number; servedMaxMs: number; unserved: number; refusals: Record<string, number> }[] = [];
  let churnBursts = 0;
  let churnRefusals = 0;
  try {
    const url = `${rig.edge.url}?token=${await hs256Token({ expiresAt: DURATION_MS / 1e3 + 3_600 + Math.floor(Date.now() / 1e3) })}`;
    const [opened] = await workers.all(() => ({ type: 'open', url, firstIndex: 0, count: CROWD, addressCount: 4, symbols: CROWD_SYMBOLS, perClient: 2, timeoutMs: 30_000 }), 'opened');
    if (opened!.open !== CROWD) failures.push(`only ${opened!.open} of ${CROWD} crowd clients connected`);
    const watched: ChildProcessInfo[] = descendantProcesses().filter((p) => WATCHED.has(p.name));
    log(`soak: watching ${watched.map((p) => `${p.name} (${p.pid})`).join(', ')}`);
    const started = Date.now();
    const deadline = started + DURATION_MS;
    const sinceStart = (): number => Math.round((Date.now() - started) / 100) / 10;

    const sampling = (async () => {
      while (Date.now() + SAMPLE_MS <= deadline) {
        const latency = await rig.latencyOver(SAMPLE_MS);
        const metrics = rig.edge.process.running ? new PrometheusSamples(await rig.edge.process.metrics()) : undefined;
        const processes: Sample['processes'] = {};
        for (const p of watched) {
          const stats = processStats(p.pid);
          processes[`${p.name}:${p.pid}`] = stats ?? null;
          if (stats === undefined && !failures.some((f) => f.includes(`${p.pid}`))) failures.push(`${p.name} (${p.pid}) died at ${sinceStart()} s`);
        }
        const sample: Sample = {
          atSec: sinceStart(),
          latency,
          processes,
          edgeHeapMiB: round((metrics?.value('nodejs_heap_size_used_bytes') ?? 0) / MiB),
          edgeConnections: metrics?.value('tickwire_edge_connections') ?? 0,
          edgeNatsSubscriptions: metrics?.value('tickwire_edge_nats_subscriptions') ?? 0,
        };
        samples.push(sample);
        log(`soak: ${JSON.stringify(sample)}`);
      }
    })();

    const storming = (async () => {
      for (let next = started + STORM_EVERY_MS; next + STORM_SERVED_WITHIN_MS <= deadline; next += STORM_EVERY_MS) {
        await sleep(next - Date.now());
        const [stormed] = await workers.all(() => ({ type: 'storm', spreadMs: 0, timeoutMs: STORM_SERVED_WITHIN_MS }), 'stormed');
        const served = [...stormed!.servedMs].sort((a, b) => a - b);
        const storm = { atSec: sinceStart(), servedP99Ms: served[Math.ceil(served.length * 0.99) - 1] ?? -1, servedMaxMs: served.at(-1) ?? -1, unserved: stormed!.unserved, refusals: stormed!.refusals };
        storms.push(storm);
        log(`soak: storm ${JSON.stringify(storm)}`);
        if (stormed!.unserved > 0) failures.push(`${stormed!.unserved} of ${CROWD} crowd clients not served within ${STORM_SERVED_WITHIN_MS} ms of the storm at ${storm.atSec} s`);
      }
    })();

    const churning = (async () => {
      for (let next = started + CHURN_EVERY_MS; next + CHURN_BURST_MS <= deadline; next += CHURN_EVERY_MS) {
        await sleep(next - Date.now());
        const token = await hs256Token();
        const churners: SubscriptionChurner[] = [];
        for (let i = 0; i < CHURNERS; i++) {
          const client = await EdgeTestClient.connect(`${rig.edge.url}?token=${token}`, 'proto');
          await client.waitFor(serverMessage.welcome);
          churners.push(new SubscriptionChurner(client, CHURN_SYMBOLS, 20));
        }
        await churn(churners, CHURN_MESSAGES_PER_SEC, CHURN_BURST_MS);
        churnRefusals += churners.reduce((a, c) => a + c.refusals(), 0);
        for (const churner of churners) churner.client.close();
        churnBursts++;
      }
    })();

    const results = await Promise.allSettled([sampling, storming, churning]);
    for (const result of results) if (result.status === 'rejected') failures.push(`load loop failed: ${String(result.reason)}`);
    if (!rig.edge.process.running) failures.push('the edge process exited');
    const reports = await rig.healthyReports().catch((error: unknown) => {
      failures.push(`healthy clients did not receive every update: ${String(error)}`);
      return [];
    });
    const lost = reports.reduce((a, r) => a + r.lost + r.breaks + r.extraSnapshots, 0);
    if (lost > 0) failures.push(`healthy clients: ${lost} updates lost or out of order`);
    if (churnRefusals > 0) failures.push(`${churnRefusals} churn requests refused`);

    // Drift: first vs last 10% of the samples after the warm-up.
    const measured = samples.filter((s) => s.atSec * 1e3 >= WARMUP_MS);
    if (measured.length < 2) failures.push(`only ${measured.length} samples after the warm-up: run longer or sample more often`);
    const memory: Record<string, MemoryDrift> = {};
    for (const p of watched) {
      const series: ProcessSample[] = measured.flatMap((s) => {
        const stats = s.processes[`${p.name}:${p.pid}`];
        return stats ? [{ atSec: s.atSec, rssMiB: stats.rssMiB }] : [];
      });
      const drift = memoryDrift(series);
      memory[p.name] = drift;
      if (drift.unbounded) failures.push(`${p.name}: RSS grew ${drift.growthMiB} MiB (first 10% ${drift.firstMiB} MiB, last 10% ${drift.lastMiB} MiB; allowed ${drift.allowedMiB} MiB)`);
    }
    const { first, last } = ends(measured);
    const heap = { firstMiB: round(median(first.map((s) => s.edgeHeapMiB))), lastMiB: round(median(last.map((s) => s.edgeHeapMiB))) };
    const p99 = { firstMs: median(first.map((s) => s.latency.p99Ms)), lastMs: median(last.map((s) => s.latency.p99Ms)) };
    const fds = Object.fromEntries(watched.map((p) => [p.name, { first: median(first.map((s) => s.processes[`${p.name}:${p.pid}`]?.fds ?? 0)), last: median(last.map((s) => s.processes[`${p.name}:${p.pid}`]?.fds ?? 0)) }]));
    const report = {
      soak: 'edge stack',
      durationSec: DURATION_MS / 1e3,
      samples: samples.length,
      sampleIntervalSec: SAMPLE_MS / 1e3,
      warmupSec: WARMUP_MS / 1e3,
      measuredSamples: measured.length,
      memoryRule: `fail when a process's last-10% median RSS exceeds its first-10% median by more than max(${GROWTH_FLOOR_MIB} MiB, ${GROWTH_RATIO * 100}%)`,
      memory,
      edgeHeapMiB: heap,
      fds,
      healthyP99Ms: { ...p99, change: p99.firstMs > 0 ? Math.round((p99.lastMs / p99.firstMs) * 100) / 100 : null },
      healthyP50Ms: { firstMs: median(first.map((s) => s.latency.p50Ms)), lastMs: median(last.map((s) => s.latency.p50Ms)) },
      healthy: { clients: HEALTHY.clients, updates: reports.reduce((a, r) => a + r.updates, 0), lost },
      storms: { count: storms.length, crowd: CROWD, worstServedMaxMs: Math.max(-1, ...storms.map((s) => s.servedMaxMs)), unserved: storms.reduce((a, s) => a + s.unserved, 0) },
      churn: { bursts: churnBursts, churners: CHURNERS, refusals: churnRefusals },
      failures,
      ok: failures.length === 0,
    };
    log('');
    log(`soak drift report (${measured.length} samples after a ${WARMUP_MS / 1e3} s warm-up, ${DURATION_MS / 1e3} s in all; first vs last 10%):`);
    for (const [name, d] of Object.entries(memory)) log(`  ${name.padEnd(13)} RSS ${d.firstMiB} -> ${d.lastMiB} MiB (${d.growthMiB >= 0 ? '+' : ''}${d.growthMiB}, allowed ${d.allowedMiB}); slope ${d.slopeMiBPerHour} MiB/hour; fds ${fds[name]!.first} -> ${fds[name]!.last}`);
    log(`  edge heap     ${heap.firstMiB} -> ${heap.lastMiB} MiB`);
    log(`  healthy p99   ${p99.firstMs} -> ${p99.lastMs} ms; p50 ${report.healthyP50Ms.firstMs} -> ${report.healthyP50Ms.lastMs} ms; ${report.healthy.updates} updates, ${lost} lost`);
    log(`  storms        ${storms.length} x ${CROWD} clients, slowest served after ${report.storms.worstServedMaxMs} ms, ${report.storms.unserved} unserved; churn bursts ${churnBursts}`);
    log(`  ${failures.length === 0 ? 'PASS' : `FAIL: ${failures.join('; ')}`}`);
    log(JSON.stringify(report));
    return failures.length === 0 ? 0 : 1;
  } finally {
    workers.close();
    await rig.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.stdout.write(`${JSON.stringify({ soak: 'edge stack', ok: false, failures: [String(error)] })}\n`);
    process.exit(1);
  },
);
