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

/** The value of an unlabelled sample (`name value`), or undefined. */
export function sampleValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/** Metric families whose names a query can reference: ours, Node/process defaults, and the NATS exporter's. */
const METRIC_NAME = /\b(?:tickwire|nodejs|process|gnatsd)_[a-zA-Z0-9_:]+/g;

/** The metric names a PromQL expression uses, of the families above (label names and functions are not matched). */
export function metricNamesInPromQL(expr: string): string[] {
  // Label matchers hold values, not names: drop quoted strings first.
  return [...new Set(expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(METRIC_NAME) ?? [])];
}
