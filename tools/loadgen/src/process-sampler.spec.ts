import { parseStatCpuTicks, parseStatParentPid, parseVmRssBytes, readCpuSeconds, readRssBytes } from './process-sampler';

describe('process sampler', () => {
  it('reads utime + stime and the parent from a stat line whose command has spaces and parentheses', () => {
    const stat = '4242 (node (edge) x) S 4000 4242 4000 0 -1 4194304 1000 0 0 0 250 75 0 0 20 0 11 0 12345 1049620480 21000 18446744073709551615';
    expect(parseStatCpuTicks(stat)).toBe(325);
    expect(parseStatParentPid(stat)).toBe(4000);
    expect(() => parseStatCpuTicks('garbage')).toThrow();
  });

  it('reads VmRSS in bytes', () => {
    expect(parseVmRssBytes('Name:\tnode\nVmPeak:\t  1 kB\nVmRSS:\t   88200 kB\nRssAnon:\t 1 kB\n')).toBe(88_200 * 1024);
    expect(() => parseVmRssBytes('Name:\tzombie\n')).toThrow('no VmRSS');
  });

  it('reads this process from /proc', () => {
    expect(readRssBytes(process.pid)).toBeGreaterThan(1_000_000);
    expect(readCpuSeconds(process.pid)).toBeGreaterThanOrEqual(0);
  });
});
