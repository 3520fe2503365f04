import { request } from 'node:http';
import { DEMO_PROCESSES, spawnDemo, type DemoLine, type DemoProcess } from '../test/demo-process';

const OPS = { OPS_HOST: '127.0.0.1', OPS_PORT: '0' };

/** One request on a fresh connection (no keep-alive: each request is a new accept). Resolves with the body. */
function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until<T>(read: () => T | undefined | Promise<T | undefined>, what: string, limitMs = 15_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const listening = (demo: DemoProcess): DemoLine[] => demo.lines.filter((l) => l.event === 'demo.listening');

describe('a service as a group of processes (runServiceProcesses, dist/)', () => {
  let demo: DemoProcess | undefined;
  afterEach(async () => {
    if (demo !== undefined && demo.child.exitCode === null) {
      demo.child.kill('SIGKILL');
      await demo.exited;
    }
    demo = undefined;
  });

  it('shares one port between the processes, sums their metrics at the primary, restarts one that dies, and shuts all down on SIGTERM', async () => {
    demo = spawnDemo({ ...OPS, PROCESSES: '2' }, [], DEMO_PROCESSES);
    // Each process logs its own start too (with its index); the primary's line says the group serves.
    const started = await until(() => demo!.lines.find((l) => l.event === 'service.started' && l['role'] === 'primary'), "the primary's service.started");
    expect(started).toMatchObject({ processes: 2, pid: demo.child.pid });
    const ops = started['ops'] as string;
    const processes = await until(() => (listening(demo!).length === 2 ? listening(demo!) : undefined), 'both processes listening');
    const port = processes[0]!['port'] as number;
    expect(processes[1]!['port']).toBe(port);
    const pids = processes.map((l) => l['pid'] as number);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(demo.child.pid);
    expect(processes.map((l) => l['process']).sort()).toEqual([0, 1]);

    // While one process holds its event loop, the other accepts: requests 10 ms apart, each holding the loop
    // that took it for 50 ms, reach both. (Sent all at once, one process may accept the whole batch in one go.)
    const answers: Promise<string>[] = [];
    for (let i = 0; i < 20; i++) {
      answers.push(get(port, '/busy'));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const answeredBy = await Promise.all(answers);
    expect(new Set(answeredBy.map(Number))).toEqual(new Set(pids));

    const ready = await fetch(`${ops}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${ops}/metrics`)).text();
    expect(metric(metrics, 'tickwire_demo_requests_total')).toBe(20);
    expect(metric(metrics, 'tickwire_processes_ready')).toBe(2);
    expect(metrics).toContain('process_cpu_user_seconds_total');

    // One process dies: the other goes on serving, the group stays ready, the dead one is started again.
    process.kill(pids[0]!, 'SIGKILL');
    const exited = await demo.waitFor('process.exited');
    expect(exited).toMatchObject({ level: 'error', code: 'RUNTIME_ERR_PROCESS_EXITED', pid: pids[0], signal: 'SIGKILL' });
    expect((await fetch(`${ops}/readyz`)).status).toBe(200);
    expect(Number(await get(port, '/'))).toBe(pids[1]);
    const restarted = await until(() => (listening(demo!).length === 3 ? listening(demo!)[2] : undefined), 'the dead process started again');
    expect(restarted['port']).toBe(port);
    const after = await (await fetch(`${ops}/metrics`)).text();
    expect(metric(after, 'tickwire_process_restarts_total')).toBe(1);
    await until(async () => (metric(await (await fetch(`${ops}/metrics`)).text(), 'tickwire_processes_ready') === 2 ? true : undefined), 'two ready processes again');

    demo.child.kill('SIGTERM');
    const { code } = await demo.exited;
    expect(code).toBe(0);
    const completions = demo.lines.filter((l) => l.event === 'shutdown.complete');
    expect(completions.map((l) => l['pid']).sort()).toEqual([demo.child.pid, pids[1], restarted['pid']].sort());
    expect(completions.every((l) => l['exitCode'] === 0)).toBe(true);
    expect(alive(pids[1]!) || alive(restarted['pid'] as number)).toBe(false);
    expect(demo.stderr).toEqual([]);
  });

  it('Ctrl-C (SIGINT to the primary and every process at once) is one clean shutdown, not a forced one', async () => {
    // The processes are still draining when the primary, which got the signal too, asks them to stop.
    demo = spawnDemo({ ...OPS, PROCESSES: '2', DEMO_DRAIN: '300ms' }, [], DEMO_PROCESSES);
    await demo.waitFor('service.started');
    const pids = (await until(() => (listening(demo!).length === 2 ? listening(demo!) : undefined), 'both processes listening')).map((l) => l['pid'] as number);
    for (const pid of [demo.child.pid!, ...pids]) process.kill(pid, 'SIGINT');
    const { code } = await demo.exited;
    expect(code).toBe(0);
    expect(demo.lines.filter((l) => l.event === 'shutdown.forced')).toEqual([]);
    const completions = demo.lines.filter((l) => l.event === 'shutdown.complete');
    expect(completions.map((l) => l['pid']).sort()).toEqual([demo.child.pid, ...pids].sort());
    expect(completions.every((l) => l['exitCode'] === 0)).toBe(true);
  });

  it('exits 1, leaving no process behind, when the processes fail to start', async () => {
    demo = spawnDemo({ ...OPS, PROCESSES: '2', DEMO_FAIL_START: 'true' }, [], DEMO_PROCESSES);
    const { code } = await demo.exited;
    expect(code).toBe(1);
    expect(demo.lines.find((l) => l.event === 'process.exited' && l.level === 'error')).toBeDefined();
    expect(demo.lines.find((l) => l['role'] === 'primary' && l.event === 'shutdown.begin')).toMatchObject({ reason: expect.stringMatching(/exited before the service started/) });
    const children = demo.lines.filter((l) => l.event === 'process.started').map((l) => l['pid'] as number);
    expect(children).toHaveLength(2);
    expect(children.filter(alive)).toEqual([]);
  });

  it('takes its processes down with it when the primary is killed', async () => {
    demo = spawnDemo({ ...OPS, PROCESSES: '2' }, [], DEMO_PROCESSES);
    await demo.waitFor('service.started');
    const pids = (await until(() => (listening(demo!).length === 2 ? listening(demo!) : undefined), 'both processes listening')).map((l) => l['pid'] as number);
    demo.child.kill('SIGKILL');
    await demo.exited;
    await until(() => (pids.some(alive) ? undefined : true), 'the processes to exit', 5_000);
  });

  it('refuses a bad process count before starting anything (exit 78, one line)', async () => {
    demo = spawnDemo({ ...OPS, PROCESSES: '0' }, [], DEMO_PROCESSES);
    const { code } = await demo.exited;
    expect(code).toBe(78);
    expect(demo.stderr).toEqual([expect.stringMatching(/^tickwire-demo: invalid configuration: PROCESSES: /)]);
    expect(demo.stdout).toEqual([]);
  });
});
