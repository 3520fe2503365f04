import { PrometheusSamples } from './prometheus-samples';

const exposition = (buckets: readonly [string, number][], extra = ''): string =>
  ['# TYPE d histogram', ...buckets.map(([le, n]) => `d_bucket{service="edge",le="${le}"} ${n}`), `d_count{service="edge"} ${buckets.at(-1)![1]}`, extra].join('\n');

describe('PrometheusSamples', () => {
  it('reads a value by name and labels, the service label aside, and differences', () => {
    const before = new PrometheusSamples('c{service="edge",reason="a"} 2\nc{service="edge",reason="b"} 5\n');
    const after = new PrometheusSamples('c{service="edge",reason="a"} 7\n');
    expect(after.value('c', { reason: 'a' })).toBe(7);
    expect(after.value('c', { reason: 'b' })).toBe(0);
    expect(after.delta(before, 'c', { reason: 'a' })).toBe(5);
  });

  it("bounds a histogram's quantile over an interval by the first bucket holding it", () => {
    const before = new PrometheusSamples(exposition([['0.005', 90], ['0.01', 95], ['0.1', 100], ['+Inf', 100]]));
    // In between: 100 observations, 97 of them <= 5 ms, 2 in (5, 10] ms, 1 in (10, 100] ms.
    const after = new PrometheusSamples(exposition([['0.005', 187], ['0.01', 194], ['0.1', 200], ['+Inf', 200]]));
    expect(after.histogramQuantileAtMost(before, 'd', 0.5)).toBe(0.005);
    expect(after.histogramQuantileAtMost(before, 'd', 0.97)).toBe(0.005);
    expect(after.histogramQuantileAtMost(before, 'd', 0.99)).toBe(0.01);
    expect(after.histogramQuantileAtMost(before, 'd', 1)).toBe(0.1);
  });

  it('sums a metric over every series whose labels include the given ones', () => {
    const samples = new PrometheusSamples('c{service="edge",reason="a"} 2\nc{service="edge",reason="b"} 5\nc_other{service="edge"} 100\ng{service="edge"} 3\n');
    expect(samples.sum('c')).toBe(7);
    expect(samples.sum('c', { reason: 'b' })).toBe(5);
    expect(samples.sum('g')).toBe(3);
    expect(samples.sum('missing')).toBe(0);
  });

  it("bounds a labelled histogram's quantile within the series of those labels", () => {
    const lines = (m: string, buckets: readonly [string, number][]): string[] => buckets.map(([le, n]) => `d_bucket{service="snapshot",method="${m}",le="${le}"} ${n}`);
    const samples = new PrometheusSamples([...lines('A', [['0.001', 99], ['0.005', 100], ['+Inf', 100]]), ...lines('B', [['0.001', 0], ['0.005', 0], ['+Inf', 10]])].join('\n'));
    const none = new PrometheusSamples('');
    expect(samples.histogramQuantileAtMost(none, 'd', 0.99, { method: 'A' })).toBe(0.001);
    expect(samples.histogramQuantileAtMost(none, 'd', 0.99, { method: 'B' })).toBe(Number.POSITIVE_INFINITY);
    expect(samples.histogramQuantileAtMost(none, 'd', 0.99, { method: 'C' })).toBeUndefined();
  });

  it('says undefined when nothing was observed in between, and Infinity past the last finite bucket', () => {
    const before = new PrometheusSamples(exposition([['0.005', 1], ['+Inf', 1]]));
    expect(before.histogramQuantileAtMost(before, 'd', 0.99)).toBeUndefined();
    const after = new PrometheusSamples(exposition([['0.005', 1], ['+Inf', 3]]));
    expect(after.histogramQuantileAtMost(before, 'd', 0.99)).toBe(Number.POSITIVE_INFINITY);
  });
});
