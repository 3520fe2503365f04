/**
 * Sample values of a Prometheus text exposition (`GET /metrics`), read the way the tests compare them:
 * before and after an attack, as a difference.
 */
export class PrometheusSamples {
  private readonly samples = new Map<string, number>();

  constructor(text: string) {
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const space = line.lastIndexOf(' ');
      this.samples.set(line.slice(0, space).trim(), Number(line.slice(space + 1)));
    }
  }

  /**
   * The value of `name` with exactly `labels` apart from the `service` label every Tickwire metric carries;
   * 0 when there is no such sample (a labelled counter nobody incremented yet).
   */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number {
    for (const [key, value] of this.samples) {
      const parsed = parseKey(key);
      if (parsed.name !== name) continue;
      const { service: _service, ...rest } = parsed.labels;
      const wanted = Object.entries(labels);
      if (Object.keys(rest).length === wanted.length && wanted.every(([k, v]) => rest[k] === v)) return value;
    }
    return 0;
  }

  /** `value(...)` here minus the same in `before`. */
  delta(before: PrometheusSamples, name: string, labels: Readonly<Record<string, string>> = {}): number {
    return this.value(name, labels) - before.value(name, labels);
  }

  /** The sum of `name` over every series whose labels include `labels` (all of its series when none are given). */
  sum(name: string, labels: Readonly<Record<string, string>> = {}): number {
    let total = 0;
    for (const [key, value] of this.samples) {
      const parsed = parseKey(key);
      if (parsed.name === name && includesLabels(parsed.labels, labels)) total += value;
    }
    return total;
  }

  /**
   * Of the observations histogram `name` (the series with `labels`) received since `before`, the upper bound
   * (`le`, in the metric's unit) of the first bucket that holds the `q` quantile: the quantile is at most that.
   * Infinity when it is past the last finite bucket; undefined when nothing was observed in between.
   */
  histogramQuantileAtMost(before: PrometheusSamples, name: string, q: number, labels: Readonly<Record<string, string>> = {}): number | undefined {
    const bounds: number[] = [];
    for (const key of this.samples.keys()) {
      const parsed = parseKey(key);
      const le = parsed.labels['le'];
      if (parsed.name === `${name}_bucket` && le !== undefined && includesLabels(parsed.labels, labels)) bounds.push(le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le));
    }
    bounds.sort((a, b) => a - b);
    const inBucket = (bound: number): number => this.delta(before, `${name}_bucket`, { ...labels, le: bound === Number.POSITIVE_INFINITY ? '+Inf' : String(bound) });
    const total = bounds.length === 0 ? 0 : inBucket(bounds.at(-1)!);
    if (total <= 0) return undefined;
    return bounds.find((bound) => inBucket(bound) >= q * total);
  }
}

/** True when a series' `labels` include every one of `wanted`. */
function includesLabels(labels: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): boolean {
  return Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

function parseKey(key: string): { name: string; labels: Record<string, string> } {
  const brace = key.indexOf('{');
  if (brace < 0) return { name: key, labels: {} };
  const labels: Record<string, string> = {};
  for (const match of key.slice(brace + 1, -1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
  return { name: key.slice(0, brace), labels };
}

/**
 * What a Prometheus text exposition (`GET /metrics`) holds: every series name a query may use. A
 * histogram `h` is queried as `h_bucket`, `h_sum` and `h_count`; a labelled counter nobody incremented yet
 * has no sample but its `# TYPE` line, so names come from both.
 */
export function exposedSeriesNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      names.add(name);
      if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      if (kind === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}
