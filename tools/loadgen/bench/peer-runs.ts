// Several runs over the peers, each run loading every peer in turn (the order rotates from run to run so no
// peer always goes first on a warm or a cold machine), with one load generator, one NATS and one publisher.
import { loadavg } from 'node:os';
import { comparePeers, medianOf, type PeerComparison, type PeerFigures } from '../src/peer-comparison';
import { MachineShare } from '../src/process-sampler';
import { log, sleep } from './edge-rig';
import type { PeerName } from './peer-rig';

export interface PeerRunResult<T> {
  readonly figures: PeerFigures;
  /** Anything else worth keeping from this measurement (steps, storms). */
  readonly detail: T;
  /** Cores used by other work on the machine during this measurement, and how long it waited for quiet first. */
  readonly othersCores?: number;
  readonly quietWaitSeconds?: number;
}

/** How long a full run waits at most, before each measurement, for other work on the machine to calm down. */
export const QUIET_WAIT_MS = 180_000;
/** Other work on the machine (cores, outside this benchmark's process tree) that counts as quiet. */
const QUIET_OTHERS_CORES = 0.5;
const QUIET_SAMPLE_MS = 2_000;
const QUIET_RETRY_MS = 5_000;

/** Waits (at most `maxWaitMs`) until other work uses at most QUIET_OTHERS_CORES; returns the seconds waited. */
async function waitForQuiet(maxWaitMs: number, scenario: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const share = new MachineShare();
    share.start();
    await sleep(QUIET_SAMPLE_MS);
    const { others } = share.stop();
    const waited = (performance.now() - started) / 1e3;
    if (others <= QUIET_OTHERS_CORES) return Math.round(waited);
    if (performance.now() - started + QUIET_RETRY_MS > maxWaitMs) {
      log(`${scenario}: other work still uses ${others} cores after ${waited.toFixed(0)} s; measuring anyway`);
      return Math.round(waited);
    }
    log(`${scenario}: other work uses ${others} cores; waiting for a quieter machine`);
    await sleep(QUIET_RETRY_MS);
  }
}

export interface PeerRunsResult<T> extends PeerComparison {
  /** Per run, per peer: the figures and the detail. */
  readonly perRun: Record<string, PeerRunResult<T> | { readonly error: string }>[];
  readonly errors: readonly string[];
  /** 1-minute load average when the runs started and ended (the machine is shared). */
  readonly loadAverage: readonly [number, number];
  /** Cores used by other work during the measurements: the median and the largest. */
  readonly othersCores: { readonly median: number | null; readonly max: number | null };
}

/**
 * Runs `measure` for every peer, `runs` times, and compares the figures named `metrics` against `reference`.
 * A peer that fails is recorded and skipped when `keepGoing` (the full run: one peer's limit is a result),
 * and fails the whole scenario otherwise (the quick run: a failure there means the harness broke).
 */
export async function runPeers<T>(options: { readonly peers: readonly PeerName[]; readonly runs: number; readonly reference: PeerName; readonly metrics: readonly string[]; readonly keepGoing: boolean; readonly scenario: string; /** Wait this long at most for other work to calm down before each measurement (0: never). */ readonly quietWaitMs?: number }, measure: (peer: PeerName, run: number) => Promise<PeerRunResult<T>>): Promise<PeerRunsResult<T>> {
  const loadStart = loadavg()[0]!;
  const perRun: Record<string, PeerRunResult<T> | { readonly error: string }>[] = [];
  const errors: string[] = [];
  for (let run = 0; run < options.runs; run++) {
    const results: Record<string, PeerRunResult<T> | { readonly error: string }> = {};
    const order = options.peers.map((_, i) => options.peers[(i + run) % options.peers.length]!);
    for (const peer of order) {
      log(`${options.scenario}: run ${run + 1}/${options.runs}, ${peer} (load average ${loadavg()[0]!.toFixed(2)})`);
      try {
        const quietWaitSeconds = (options.quietWaitMs ?? 0) > 0 ? await waitForQuiet(options.quietWaitMs!, options.scenario) : 0;
        const share = new MachineShare();
        share.start();
        const result = await measure(peer, run);
        const othersCores = share.stop().others;
        log(`${options.scenario}: ${peer}: other work on the machine used ${othersCores} cores meanwhile`);
        results[peer] = { ...result, othersCores, quietWaitSeconds };
      } catch (error) {
        const message = `run ${run + 1}, ${peer}: ${error instanceof Error ? error.message : String(error)}`;
        if (!options.keepGoing) throw new Error(message, { cause: error });
        log(`${options.scenario}: ${message}`);
        errors.push(message);
        results[peer] = { error: message };
      }
    }
    perRun.push(results);
  }
  const figureRuns = perRun.map((run) => Object.fromEntries(Object.entries(run).flatMap(([peer, r]) => ('figures' in r ? [[peer, r.figures]] : []))));
  const others = perRun.flatMap((run) => Object.values(run).flatMap((r) => ('othersCores' in r && typeof r.othersCores === 'number' ? [r.othersCores] : [])));
  return { ...comparePeers(figureRuns, options.reference, options.metrics), perRun, errors, loadAverage: [loadStart, loadavg()[0]!], othersCores: { median: medianOf(others), max: others.length === 0 ? null : Math.max(...others) } };
}

/** The run whose `metric` is the median among the runs that measured `peer` (for curves and details). */
export function medianRunOf<T>(perRun: PeerRunsResult<T>['perRun'], peer: string, metric: string): PeerRunResult<T> | undefined {
  const measured = perRun.map((run) => run[peer]).filter((r): r is PeerRunResult<T> => r !== undefined && 'figures' in r && typeof r.figures[metric] === 'number');
  measured.sort((a, b) => a.figures[metric]! - b.figures[metric]!);
  return measured[(measured.length - 1) >> 1];
}
