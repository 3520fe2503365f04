import { formatNumber, goalLine, renderPeerSection } from './peer-report';
import type { ScenarioResult } from './run-scenario';
import type { Scenario } from './scenarios';

const scenario: Scenario = {
  name: 'peers-demo',
  description: 'demo comparison',
  project: 'p',
  script: 's',
  headline: [],
  peers: {
    metrics: [
      { key: 'rate', label: 'delivered', unit: 'updates/s', better: 'higher' },
      { key: 'mem', label: 'memory', unit: 'B', better: 'lower' },
    ],
  },
};

const result: ScenarioResult = {
  scenario: 'peers-demo',
  quick: false,
  command: 'npm run bench -- peers-demo --json',
  startedAt: '2026-11-24T00:00:00Z',
  wallSeconds: 1,
  figures: {
    reference: 'edge',
    runs: 3,
    peerLabels: { edge: 'Tickwire edge', nats: 'nats-server WebSocket' },
    peers: { nats: { rate: 50_000, mem: 4_000 }, edge: { rate: 100_000, mem: 8_000 } },
    ratios: { nats: { rate: 2, mem: 2 } },
    goals: { g: { label: 'edge / nats, delivered', measured: 2, unit: 'x', comparison: '>=', target: 1.5, met: true } },
    loadAverage: [1.5, 2.25],
    othersCores: { median: 0.1, max: 0.4 },
  },
};

describe('peer report', () => {
  it('puts the reference first, each peer with its ratio, bold where Tickwire is ahead', () => {
    const lines = renderPeerSection(result, scenario, '../bench-results/peers-demo.svg');
    expect(lines).toContain('| Peer | delivered (updates/s) | memory (B) |');
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| Peer') && !l.startsWith('| ---'));
    expect(rows).toEqual(['| **Tickwire edge** | 100,000 | 8,000 |', '| nats-server WebSocket | 50,000 (**2x**) | 4,000 (2x) |']);
    expect(lines.join('\n')).toContain('median of 3 runs; load average (1 min) 1.5 at the start, 2.25 at the end; other work on the machine during the measurements: median 0.1, at most 0.4 cores.');
    expect(lines).toContain('- edge / nats, delivered: measured 2x (target >= 1.5x): **met**');
    expect(lines.at(-1)).toBe('![p99 latency against delivered updates/s, per peer](../bench-results/peers-demo.svg)');
  });

  it('formats figures for cells and goals', () => {
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.2345)).toBe('1.23');
    expect(formatNumber(1.5)).toBe('1.5');
    expect(formatNumber(20.04)).toBe('20');
    expect(formatNumber(null)).toBe('n/a');
    expect(goalLine({ label: 'storm', measured: null, unit: 'ms', comparison: '<', target: 10_000, met: false })).toBe('- storm: measured n/a (target < 10,000 ms): **missed**');
  });
});
