import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { machineInfo, renderResults, spliceResults } from './report';
import { runScenario, type ScenarioResult } from './run-scenario';
import { findScenario, SCENARIOS, type Scenario } from './scenarios';

const USAGE = `usage: npm run bench -- [scenario ...] [--quick] [--json]
  scenario   one or more of: ${SCENARIOS.map((s) => s.name).join(', ')} (default: all)
  --quick    small sizes, for CI smoke runs
  --json     print only the result JSON (one object per scenario; the last line is the last scenario's)
Without --json, results are written to bench-results/<scenario>.json and docs/benchmarks.md.`;

async function main(argv: readonly string[]): Promise<number> {
  const flags = new Set(argv.filter((arg) => arg.startsWith('--')));
  const names = argv.filter((arg) => !arg.startsWith('--'));
  if (flags.has('--help')) {
    console.log(USAGE);
    return 0;
  }
  const unknownFlags = [...flags].filter((flag) => flag !== '--quick' && flag !== '--json');
  const unknownNames = names.filter((name) => !findScenario(name));
  if (unknownFlags.length > 0 || unknownNames.length > 0) {
    console.error(`bench: unknown ${[...unknownFlags, ...unknownNames].join(', ')}\n${USAGE}`);
    return 2;
  }
  const repoRoot = resolve(__dirname, '../../..');
  const selected: Scenario[] = names.length > 0 ? names.map((name) => findScenario(name)!) : [...SCENARIOS];
  const quick = flags.has('--quick');
  const json = flags.has('--json');
  const results: ScenarioResult[] = [];
  for (const scenario of selected) {
    if (!json) console.error(`bench: running ${scenario.name}${quick ? ' (quick)' : ''}...`);
    const result = await runScenario(repoRoot, scenario, quick, []);
    results.push(result);
    if (json) console.log(JSON.stringify({ scenario: result.scenario, quick, ...result.figures }));
  }
  if (!json) {
    const machine = machineInfo();
    mkdirSync(join(repoRoot, 'bench-results'), { recursive: true });
    for (const result of results) writeFileSync(join(repoRoot, 'bench-results', `${result.scenario}${quick ? '.quick' : ''}.json`), `${JSON.stringify({ ...result, machine }, null, 2)}\n`);
    if (!quick) {
      const docPath = join(repoRoot, 'docs', 'benchmarks.md');
      writeFileSync(docPath, spliceResults(readFileSync(docPath, 'utf8'), renderResults(results, SCENARIOS, machine)));
      console.error('bench: wrote bench-results/ and docs/benchmarks.md');
    }
    console.log(JSON.stringify({ scenarios: results.map((r) => ({ scenario: r.scenario, ...r.figures })) }));
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
