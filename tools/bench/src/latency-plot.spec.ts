import { renderLatencyPlot } from './latency-plot';

describe('renderLatencyPlot', () => {
  const curves = [
    { label: 'Tickwire <edge>', points: [{ deliveredPerSec: 25_000, p99Ms: 3 }, { deliveredPerSec: 100_000, p99Ms: 12 }, { deliveredPerSec: 400_000, p99Ms: 80 }] },
    { label: 'nats-server', points: [{ deliveredPerSec: 50_000, p99Ms: 2 }, { deliveredPerSec: 0, p99Ms: 1 }, { deliveredPerSec: 200_000, p99Ms: Number.NaN }] },
  ];

  it('draws a line per peer with a point per usable step, the limit, and a legend (escaped)', () => {
    const svg = renderLatencyPlot(curves, 50, 'fan-out & latency');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(1); // the second peer has one usable point: no line
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain('p99 50 ms');
    expect(svg).toContain('Tickwire &lt;edge&gt;');
    expect(svg).toContain('<title>fan-out &amp; latency</title>');
    expect(svg).not.toContain('NaN');
  });

  it('is deterministic and copes with no points at all', () => {
    expect(renderLatencyPlot(curves, 50, 't')).toBe(renderLatencyPlot(curves, 50, 't'));
    expect(renderLatencyPlot([{ label: 'x', points: [] }], 50, 't')).not.toContain('NaN');
  });
});
