// Several runs over the peers, each run loading every peer in turn (the order rotates from run to run so no
// peer always goes first on a warm or a cold machine), with one load generator, one NATS and one publisher.
import { loadavg } from 'node:os';
import { comparePeers, type PeerComparison, type PeerFigures } from '../src/peer-comparison';
import { log } from './edge-rig';
import type { PeerName } from './peer-rig';

export interface PeerRunResult<T> {
  readonly figures: PeerFigures;
  /** Anything else worth keeping from this measurement (steps, storms). */
  readonly detail: T;
}

export interface PeerRunsResult<T> extends PeerComparison {
  /** Per run, per peer: the figures and the detail. */
  readonly perRun: Record<string, PeerRunResult<T> | { readonly error: string }>[];
  readonly errors: readonly string[];
  /** 1-minute load average when the runs started and ended (the machine is shared). */
  readonly loadAverage: readonly [number, number];
}

/**
 * Runs `measure` for every peer, `runs` times, and compares the figures named `metrics` against `reference`.
 * A peer that fails is recorded and skipped when `keepGoing` (the full run: one peer's limit is a result),
 * and fails the whole scenario otherwise (the quick run: a failure there means the harness broke).
 */
export async function runPeers<T>(options: { readonly peers: readonly PeerName[]; readonly runs: number; readonly reference: PeerName; readonly metrics: readonly string[]; readonly keepGoing: boolean; readonly scenario: string }, measure: (peer: PeerName, run: number) => Promise<PeerRunResult<T>>): Promise<PeerRunsResult<T>> {
  const loadStart = loadavg()[0]!;
  const perRun: Record<string, PeerRunResult<T> | { readonly error: string }>[] = [];
  const errors: string[] = [];
  for (let run = 0; run < options.runs; run++) {
    const results: Record<string, PeerRunResult<T> | { readonly error: string }> = {};
    const order = options.peers.map((_, i) => options.peers[(i + run) % options.peers.length]!);
    for (const peer of order) {
      log(`${options.scenario}: run ${run + 1}/${options.runs}, ${peer} (load average ${loadavg()[0]!.toFixed(2)})`);
      try {
        results[peer] = await measure(peer, run);
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
  return { ...comparePeers(figureRuns, options.reference, options.metrics), perRun, errors, loadAverage: [loadStart, loadavg()[0]!] };
}

/** The run whose `metric` is the median among the runs that measured `peer` (for curves and details). */
export function medianRunOf<T>(perRun: PeerRunsResult<T>['perRun'], peer: string, metric: string): PeerRunResult<T> | undefined {
  const measured = perRun.map((run) => run[peer]).filter((r): r is PeerRunResult<T> => r !== undefined && 'figures' in r && typeof r.figures[metric] === 'number');
  measured.sort((a, b) => a.figures[metric]! - b.figures[metric]!);
  return measured[(measured.length - 1) >> 1];
}
