/**
 * How the comparison scenarios turn several runs into one answer: per peer, the median of each figure over
 * the runs; per peer and figure, the ratio reference / peer computed *within* each run (so a noisy moment
 * of the machine hits both sides) and then the median of those ratios.
 */

/** One peer's figures in one run (null: not measured, or the peer failed). */
export type PeerFigures = Readonly<Record<string, number | null>>;
/** One run: every peer's figures. */
export type PeerRun = Readonly<Record<string, PeerFigures>>;

export interface PeerComparison {
  readonly reference: string;
  readonly runs: number;
  /** Per peer and figure: the median over the runs that measured it (null if none did). */
  readonly peers: Record<string, Record<string, number | null>>;
  /** Per peer (not the reference) and figure: median over the runs of reference / peer (null if no run had both). */
  readonly ratios: Record<string, Record<string, number | null>>;
}

export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function finite(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Rounds a ratio to 3 significant digits (0.0123, 1.23, 12.3). */
export function roundRatio(ratio: number): number {
  if (ratio === 0) return 0;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(ratio))));
  const f = 10 ** digits;
  return Math.round(ratio * f) / f;
}

export function comparePeers(runs: readonly PeerRun[], reference: string, metrics: readonly string[]): PeerComparison {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run)))];
  const peers: Record<string, Record<string, number | null>> = {};
  const ratios: Record<string, Record<string, number | null>> = {};
  for (const name of names) {
    peers[name] = {};
    if (name !== reference) ratios[name] = {};
    for (const metric of metrics) {
      peers[name]![metric] = medianOf(runs.map((run) => run[name]?.[metric]).filter(finite));
      if (name === reference) continue;
      const perRun: number[] = [];
      for (const run of runs) {
        const ours = run[reference]?.[metric];
        const theirs = run[name]?.[metric];
        if (finite(ours) && finite(theirs) && theirs !== 0) perRun.push(ours / theirs);
      }
      const ratio = medianOf(perRun);
      ratios[name]![metric] = ratio === null ? null : roundRatio(ratio);
    }
  }
  return { reference, runs: runs.length, peers, ratios };
}
