/** Metric families whose names a query can reference: ours, Node/process defaults, and the NATS exporter's. */
const METRIC_NAME = /\b(?:tickwire|nodejs|process|gnatsd)_[a-zA-Z0-9_:]+/g;

/** The metric names a PromQL expression uses, of the families above (label names and functions are not matched). */
export function metricNamesInPromQL(expr: string): string[] {
  // Label matchers hold values, not names: drop quoted strings first.
  return [...new Set(expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(METRIC_NAME) ?? [])];
}
