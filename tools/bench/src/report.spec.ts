import { RESULTS_END, RESULTS_START, renderResults, spliceResults } from './report';
import type { Scenario } from './scenarios';

const scenario: Scenario = { name: 'demo', description: 'd', project: 'p', script: 's', headline: [{ key: 'rate', label: 'throughput', unit: 'msg/s' }] };
const machine = { cpu: 'Test CPU', cores: 2, memoryGiB: 24, node: 'v20.20.2', platform: 'linux-x64' };

describe('benchmark report', () => {
  it('renders one row per headline figure with the command that reproduces it', () => {
    const block = renderResults([{ scenario: 'demo', quick: false, command: 'npm run bench -- demo --json', startedAt: '2026-11-23T00:00:00Z', wallSeconds: 1, figures: { rate: 31234567.8 } }], [scenario], machine);
    expect(block).toContain('| demo | throughput | 31,234,568 msg/s | `npm run bench -- demo --json` |');
    expect(block).toContain('Test CPU, 2 cores, 24 GiB');
  });

  it('replaces only the generated block of the document', () => {
    const doc = `# Benchmarks\nintro\n${RESULTS_START}\nold\n${RESULTS_END}\nnotes\n`;
    expect(spliceResults(doc, `${RESULTS_START}\nnew\n${RESULTS_END}`)).toBe(`# Benchmarks\nintro\n${RESULTS_START}\nnew\n${RESULTS_END}\nnotes\n`);
    expect(spliceResults('# B\n', 'X')).toBe('# B\n\nX\n');
  });
});
