import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { machineInfo, QUICK_END, QUICK_START, renderPlot, renderResults, RESULTS_END, RESULTS_START, spliceResults } from './report';
import { runScenario, type ScenarioResult } from './run-scenario';
import { findScenario, PEER_SCENARIOS, SCENARIOS, type Scenario } from './scenarios';

const USAGE = `usage: npm run bench -- [scenario ...] [--peers-only] [--quick] [--json]
  scenario      one or more of: ${SCENARIOS.map((s) => s.name).join(', ')} (default: all)
  --peers-only  the comparisons with peers only: ${PEER_SCENARIOS.join(', ')}
  --quick       small sizes, for CI smoke runs
  --json        print only the result JSON (one object per scenario; the last line is the last scenario's)
Without --json, results are written to bench-results/<scenario>[.quick].json (plots next to them as .svg)
and docs/benchmarks.md (the full run's block, or the quick run's own block).`;

const FLAGS = new Set(['--quick', '--json', '--peers-only', '--help']);

/** The stored result of every scenario that has one for this mode, in the order of SCENARIOS. */
function storedResults(dir: string, quick: boolean): ScenarioResult[] {
  const out: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    const file = join(dir, `${scenario.name}${quick ? '.quick' : ''}.json`);
    if (existsSync(file)) out.push(JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult);
  }
  return out;
}

async function main(argv: readonly string[]): Promise<number> {
  const flags = new Set(argv.filter((arg) => arg.startsWith('--')));
  const names = argv.filter((arg) => !arg.startsWith('--'));
  if (flags.has('--help')) {
    console.log(USAGE);
    return 0;
  }
  const unknownFlags = [...flags].filter((flag) => !FLAGS.has(flag));
  const unknownNames = names.filter((name) => !findScenario(name));
  if (unknownFlags.length > 0 || unknownNames.length > 0) {
    console.error(`bench: unknown ${[...unknownFlags, ...unknownNames].join(', ')}\n${USAGE}`);
    return 2;
  }
  const repoRoot = resolve(__dirname, '../../..');
  const defaults: readonly Scenario[] = flags.has('--peers-only') ? PEER_SCENARIOS.map((name) => findScenario(name)!) : SCENARIOS;
  const selected: Scenario[] = names.length > 0 ? names.map((name) => findScenario(name)!) : [...defaults];
  const quick = flags.has('--quick');
  const json = flags.has('--json');
  const results: ScenarioResult[] = [];
  const failed: string[] = [];
  const dir = join(repoRoot, 'bench-results');
  const suffix = quick ? '.quick' : '';
  const machine = machineInfo();
  for (const scenario of selected) {
    if (!json) console.error(`bench: running ${scenario.name}${quick ? ' (quick)' : ''}...`);
    let result: ScenarioResult;
    try {
      result = await runScenario(repoRoot, scenario, quick, []);
    } catch (error) {
      // One broken scenario does not cost the others their results; the run still fails at the end.
      console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
      failed.push(scenario.name);
      continue;
    }
    results.push(result);
    if (json) console.log(JSON.stringify({ scenario: result.scenario, quick, ...result.figures }));
    else {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${result.scenario}${suffix}.json`), `${JSON.stringify({ ...result, machine }, null, 2)}\n`);
    }
  }
  if (!json && results.length > 0) {
    // The document shows every scenario that has a stored result for this mode, not only the ones just run.
    const all = storedResults(dir, quick);
    const plots: Record<string, string> = {};
    for (const result of all) {
      const svg = renderPlot(result, findScenario(result.scenario)!);
      if (svg === undefined) continue;
      writeFileSync(join(dir, `${result.scenario}${suffix}.svg`), svg);
      plots[result.scenario] = `../bench-results/${result.scenario}${suffix}.svg`;
    }
    const docPath = join(repoRoot, 'docs', 'benchmarks.md');
    const block = renderResults(all, SCENARIOS, machine, { plots, start: quick ? QUICK_START : RESULTS_START, end: quick ? QUICK_END : RESULTS_END });
    writeFileSync(docPath, spliceResults(readFileSync(docPath, 'utf8'), block, quick ? QUICK_START : RESULTS_START, quick ? QUICK_END : RESULTS_END));
    console.error(`bench: wrote bench-results/ and docs/benchmarks.md${quick ? ' (quick block)' : ''}`);
    console.log(JSON.stringify({ scenarios: results.map((r) => ({ scenario: r.scenario, ...r.figures })) }));
  }
  if (failed.length > 0) {
    console.error(`bench: failed: ${failed.join(', ')}`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
