/** One sample of one process. */
export interface ProcessSample {
  readonly atSec: number;
  readonly rssMiB: number;
}

export interface MemoryDrift {
  readonly firstMiB: number;
  readonly lastMiB: number;
  readonly growthMiB: number;
  /** Least-squares slope over every sample. */
  readonly slopeMiBPerHour: number;
  /** The growth allowed: max(GROWTH_FLOOR_MIB, GROWTH_RATIO x first). */
  readonly allowedMiB: number;
  readonly unbounded: boolean;
}

/** A process's memory "grows without bound" when its last-10% median RSS exceeds its first-10% median (after the warm-up) by more than this or... */
export const GROWTH_FLOOR_MIB = 32;
/** ...this fraction of the first-10% median, whichever is larger. */
export const GROWTH_RATIO = 0.25;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The first and last 10% of `values` (at least one each). */
export function ends<T>(values: readonly T[]): { readonly first: readonly T[]; readonly last: readonly T[] } {
  const n = Math.max(1, Math.ceil(values.length * 0.1));
  return { first: values.slice(0, n), last: values.slice(-n) };
}

/** Least-squares slope of `y` over `x` (0 for fewer than two points). */
export function slope(points: readonly { readonly x: number; readonly y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const round = (value: number): number => Math.round(value * 10) / 10;

export function memoryDrift(samples: readonly ProcessSample[]): MemoryDrift {
  const { first, last } = ends(samples);
  const firstMiB = median(first.map((s) => s.rssMiB));
  const lastMiB = median(last.map((s) => s.rssMiB));
  const allowedMiB = Math.max(GROWTH_FLOOR_MIB, GROWTH_RATIO * firstMiB);
  return {
    firstMiB: round(firstMiB),
    lastMiB: round(lastMiB),
    growthMiB: round(lastMiB - firstMiB),
    slopeMiBPerHour: round(slope(samples.map((s) => ({ x: s.atSec / 3600, y: s.rssMiB })))),
    allowedMiB: round(allowedMiB),
    unbounded: lastMiB - firstMiB > allowedMiB,
  };
}

/** `30m`, `4m`, `90s`, `1h`, `500ms`, or a number of milliseconds. */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) throw new Error(`${name}: expected a duration like 30m, 90s or 1h, got ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}
