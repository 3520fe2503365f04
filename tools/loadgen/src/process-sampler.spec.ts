import { MachineShare, parseProcStatCpu, parseStatCpuTicks, parseStatParentPid, parseVmRssBytes, processTree, readCpuSeconds, readRssBytes } from './process-sampler';

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

  it('reads the machine\'s busy and total jiffies from /proc/stat (iowait counts as idle)', () => {
    expect(parseProcStatCpu('cpu  100 5 50 1000 20 3 2 1 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\n')).toEqual({ busy: 161, total: 1181 });
    expect(() => parseProcStatCpu('intr 1 2 3')).toThrow('no cpu line');
  });

  it('finds this process in its own tree and tells our CPU from the rest of the machine', async () => {
    expect(processTree(process.pid)[0]).toBe(process.pid);
    const share = new MachineShare();
    share.start();
    const until = performance.now() + 100;
    while (performance.now() < until) Math.sqrt(Math.random());
    const used = share.stop();
    expect(used.ours).toBeGreaterThan(0);
    expect(used.others).toBeGreaterThanOrEqual(0);
    expect(used.machine).toBeGreaterThanOrEqual(0);
  });
});
