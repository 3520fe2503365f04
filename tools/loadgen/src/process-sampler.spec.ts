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

  it('counts a child that ends inside the window as ours', async () => {
    const { spawn } = await import('node:child_process');
    const share = new MachineShare(process.pid, 20);
    share.start();
    // The child burns some CPU, then says how much (its own account; plain text, no console colours) and exits inside the window.
    const child = spawn(process.execPath, ['-e', 'let x = 0; for (let i = 0; i < 3e8; i++) x += i; const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1e6) + (x > 0 ? \' \' : \'!\'));'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // 'close', not 'exit': by then the child's stdout has been read to the end.
    await new Promise((resolve) => child.once('close', resolve));
    const used = share.stop();
    const childSeconds = Number(out.split(' ')[0]);
    expect(childSeconds).toBeGreaterThan(0);
    // Without the refreshes the exited child's CPU would be lost; with them, all but its last 20 ms is ours.
    expect(used.ours * used.seconds).toBeGreaterThan(childSeconds * 0.5);
  });
});
