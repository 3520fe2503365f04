import { QUICK_END, QUICK_START, RESULTS_END, RESULTS_START, renderPlot, renderResults, spliceResults } from './report';
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

  it('keeps the quick block apart from the full one', () => {
    const doc = `# B\n${RESULTS_START}\nfull\n${RESULTS_END}\n${QUICK_START}\nold quick\n${QUICK_END}\n`;
    expect(spliceResults(doc, `${QUICK_START}\nnew quick\n${QUICK_END}`, QUICK_START, QUICK_END)).toBe(`# B\n${RESULTS_START}\nfull\n${RESULTS_END}\n${QUICK_START}\nnew quick\n${QUICK_END}\n`);
  });

  it('adds a section per comparison and says how busy the machine was', () => {
    const peers: Scenario = { name: 'peers-demo', description: 'd', project: 'p', script: 's', headline: [], peers: { metrics: [{ key: 'rate', label: 'delivered', unit: 'updates/s', better: 'higher' }], plot: 'fanout-latency' } };
    const result = { scenario: 'peers-demo', quick: false, command: 'npm run bench -- peers-demo --json', startedAt: '2026-11-24T00:00:00Z', wallSeconds: 1, loadAverage: [0.5, 1.25] as const, figures: { reference: 'edge', peers: { edge: { rate: 10 } }, ratios: {}, curves: { edge: [{ deliveredPerSec: 10, p99Ms: 1 }] }, p99LimitMs: 50 } };
    const block = renderResults([result], [peers], machine, { plots: { 'peers-demo': '../bench-results/peers-demo.svg' } });
    expect(block).toContain('### peers-demo');
    expect(block).toContain('peers-demo 2026-11-24 0.5-1.25');
    expect(block).toContain('(../bench-results/peers-demo.svg)');
    expect(renderPlot(result, peers)).toContain('<svg');
    expect(renderPlot(result, scenario)).toBeUndefined();
  });
});
