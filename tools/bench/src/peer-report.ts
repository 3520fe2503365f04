import type { ScenarioResult } from './run-scenario';
import type { PeerMetric, Scenario } from './scenarios';

/** What a comparison scenario's result carries (see `Scenario.peers`). */
interface PeerFigures {
  readonly reference?: string;
  readonly runs?: number;
  readonly peerLabels?: Record<string, string>;
  readonly peers?: Record<string, Record<string, number | null>>;
  readonly ratios?: Record<string, Record<string, number | null>>;
  readonly goals?: Record<string, Goal>;
  readonly loadAverage?: readonly number[];
  /** Cores used by other work on the machine during the measurements. */
  readonly othersCores?: { readonly median: number | null; readonly max: number | null };
  readonly errors?: readonly string[];
}

/** A goal as the scenarios report it: the measured value against a target. */
export interface Goal {
  readonly label: string;
  readonly measured: number | null;
  readonly unit: string;
  readonly comparison: '>=' | '<=' | '<';
  readonly target: number;
  readonly met: boolean;
}

/** A figure for a table cell (the unit is in the column header): thousands separators, 2-3 significant decimals below 100. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  // Trailing zeros say nothing: 1.50 -> 1.5, 12.0 -> 12.
  return (Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2)).replace(/\.?0+$/, '');
}

function withUnit(value: number | null, unit: string): string {
  const text = formatNumber(value);
  return value === null || unit === '' ? text : unit === 'x' ? `${text}x` : `${text} ${unit}`;
}

function ratioText(ratio: number | null | undefined, metric: PeerMetric): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '';
  // Bold when Tickwire is ahead on this metric.
  const ahead = metric.better === 'higher' ? ratio > 1 : ratio < 1;
  const text = `${ratio}x`;
  return ` (${ahead ? `**${text}**` : text})`;
}

export function goalLine(goal: Goal): string {
  return `- ${goal.label}: measured ${withUnit(goal.measured, goal.unit)} (target ${goal.comparison} ${withUnit(goal.target, goal.unit)}): **${goal.met ? 'met' : 'missed'}**`;
}

/** One comparison scenario as Markdown: a row per peer, a column per metric, each peer's cell with the ratio reference / peer. */
export function renderPeerSection(result: ScenarioResult, scenario: Scenario, plotPath?: string): string[] {
  const f = result.figures as PeerFigures;
  const metrics = scenario.peers?.metrics ?? [];
  const reference = f.reference ?? '';
  const label = (peer: string): string => f.peerLabels?.[peer] ?? peer;
  const names = Object.keys(f.peers ?? {});
  const ordered = [reference, ...names.filter((n) => n !== reference)].filter((n) => names.includes(n));
  const load = f.loadAverage !== undefined && f.loadAverage.length === 2 ? `; load average (1 min) ${f.loadAverage[0]} at the start, ${f.loadAverage[1]} at the end` : '';
  const others = f.othersCores?.median !== undefined && f.othersCores.median !== null ? `; other work on the machine during the measurements: median ${f.othersCores.median}, at most ${f.othersCores.max} cores` : '';
  const lines = [
    `### ${result.scenario}`,
    '',
    `${scenario.description}. \`${result.command}\`: median of ${f.runs ?? 1} run${(f.runs ?? 1) === 1 ? '' : 's'}${load}${others}.`,
    `In parentheses: ${label(reference)} / that peer, the median of the ratios measured within each run; **bold** where Tickwire is ahead.`,
    '',
    `| Peer | ${metrics.map((m) => `${m.label}${m.unit === '' ? '' : ` (${m.unit})`}`).join(' | ')} |`,
    `| --- | ${metrics.map(() => '---:').join(' | ')} |`,
  ];
  for (const peer of ordered) {
    const cells = metrics.map((m) => {
      const shown = formatNumber(f.peers?.[peer]?.[m.key]);
      return peer === reference ? shown : `${shown}${ratioText(f.ratios?.[peer]?.[m.key], m)}`;
    });
    lines.push(`| ${peer === reference ? `**${label(peer)}**` : label(peer)} | ${cells.join(' | ')} |`);
  }
  const goals = Object.values(f.goals ?? {});
  if (goals.length > 0) lines.push('', ...goals.map(goalLine));
  if ((f.errors ?? []).length > 0) lines.push('', `Failures recorded: ${f.errors!.map((e) => `\`${e.replace(/`/g, "'").slice(0, 200)}\``).join('; ')}`);
  if (plotPath !== undefined) lines.push('', `![p99 latency against delivered updates/s, per peer](${plotPath})`);
  return lines;
}
