import { EventEmitter } from 'node:events';
import { spawnDemo } from '../test/demo-process';
import { defineConfig, env } from './config';
import type { ServiceHost } from './service';
import { runService } from './service';

const OPS = { OPS_HOST: '127.0.0.1', OPS_PORT: '0' };

describe('demo service as a child process (dist/)', () => {
  it('(a) exits 78 with exactly one stderr line naming the variable and the expected form', async () => {
    const demo = spawnDemo({ OPS_PORT: 'notaport' });
    const { code } = await demo.exited;
    expect(code).toBe(78);
    expect(demo.stderr).toEqual(['tickwire-demo: invalid configuration: OPS_PORT: expected an integer port 0-65535 (0 = any free port), got "notaport"']);
    expect(demo.stdout).toEqual([]);
  });

  it('(a2) reports every malformed variable on that one line', async () => {
    const demo = spawnDemo({ OPS_PORT: 'notaport', DEMO_HANG: 'perhaps', SHUTDOWN_TIMEOUT: '5 s' });
    expect((await demo.exited).code).toBe(78);
    expect(demo.stderr).toHaveLength(1);
    expect(demo.stderr[0]).toMatch(/^tickwire-demo: invalid configuration: OPS_PORT: .*; SHUTDOWN_TIMEOUT: expected a duration.*, got "5 s"; DEMO_HANG: expected a boolean .*, got "perhaps"$/);
  });

  it('(b) serves /healthz and /readyz, and on SIGTERM runs its hooks in stage order and exits 0', async () => {
    const demo = spawnDemo({ ...OPS, LOG_LEVEL: 'debug' });
    const started = await demo.waitFor('service.started');
    expect(started).toMatchObject({ level: 'info', service: 'demo', pid: demo.child.pid });
    const url = started['ops'] as string;

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', draining: false, failing: [] });

    demo.child.kill('SIGTERM');
    const { code, signal } = await demo.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(demo.lines.filter((l) => l.event === 'demo.hook').map((l) => l['stage'])).toEqual(['stop-accepting', 'drain', 'close-servers', 'close-adapters']);
    expect(demo.lines.find((l) => l.event === 'shutdown.begin')).toMatchObject({ reason: 'signal SIGTERM' });
    expect(demo.lines.at(-1)).toMatchObject({ event: 'shutdown.complete', exitCode: 0 });
    expect(demo.stderr).toEqual([]);
  });

  it('(c) a hook hanging past SHUTDOWN_TIMEOUT makes it exit 1, naming the hook', async () => {
    const demo = spawnDemo({ ...OPS, DEMO_HANG: 'true', SHUTDOWN_TIMEOUT: '300ms' });
    await demo.waitFor('service.started');
    demo.child.kill('SIGTERM');
    const { code } = await demo.exited;
    expect(code).toBe(1);
    expect(demo.lines.filter((l) => l.event === 'demo.hook').map((l) => l['stage'])).toEqual(['stop-accepting', 'drain']);
    expect(demo.lines.at(-1)).toMatchObject({ level: 'error', event: 'shutdown.timeout', code: 'RUNTIME_ERR_SHUTDOWN_TIMEOUT', pending: ['drain/demo-drain'] });
  });

  it('(d) a second signal forces exit 1 while a hook hangs', async () => {
    const demo = spawnDemo({ ...OPS, DEMO_HANG: 'true', SHUTDOWN_TIMEOUT: '10m' });
    await demo.waitFor('service.started');
    demo.child.kill('SIGTERM');
    await demo.waitFor('demo.hook');
    demo.child.kill('SIGINT');
    expect((await demo.exited).code).toBe(1);
    expect(demo.lines.at(-1)).toMatchObject({ level: 'fatal', event: 'shutdown.forced', signal: 'SIGINT' });
  });

  it('(e) --help prints the variables and exits 0', async () => {
    const demo = spawnDemo({}, ['--help']);
    expect((await demo.exited).code).toBe(0);
    expect(demo.stdout.join('\n')).toContain('  DEMO_HANG  (default false)');
  });
});

describe('runService in process (real ops socket, injected exit)', () => {
  function host(vars: Record<string, string> = {}, execArgv: string[] = []) {
    const logs: Record<string, unknown>[] = [];
    const signals = new EventEmitter();
    const events = new EventEmitter();
    let exited!: (code: number) => void;
    const exit = new Promise<number>((resolve) => (exited = resolve));
    const h: Partial<ServiceHost> = {
      env: { ...OPS, ...vars },
      argv: [],
      execArgv,
      exit: (code) => exited(code),
      signals,
      events,
      logDestination: { write: (s: string) => void logs.push(JSON.parse(s)) },
    };
    return { h, logs, signals, events, exit, events_: () => logs.map((l) => l['event']).filter(Boolean) };
  }

  const spec = defineConfig({ GREETING: env.string({ default: 'hi' }) });

  it('readiness is 503 (started) while start runs, then 200; start\'s value is handed back; SIGTERM closes the ops server', async () => {
    const t = host();
    let during: { status: number; body: unknown } | undefined;
    const svc = (await runService({
      name: 'inproc',
      config: spec,
      host: t.h,
      async start(ctx) {
        const greeting: string = ctx.config.GREETING;
        const port: number = ctx.config.OPS_PORT;
        expect([greeting, port]).toEqual(['hi', 0]);
        const listening = t.logs.find((l) => l['event'] === 'ops.listening')!;
        const res = await fetch(`${listening['url'] as string}/readyz`);
        during = { status: res.status, body: await res.json() };
        return { listening: 'what a host needs to know' };
      },
    }))!;
    expect(svc.started).toEqual({ listening: 'what a host needs to know' });
    expect(during).toEqual({ status: 503, body: { status: 'not_ready', draining: false, failing: [{ name: 'started', reason: 'starting' }] } });
    const url = svc.ops.url;
    const after = await fetch(`${url}/readyz`);
    expect(after.status).toBe(200);
    await after.body?.cancel();
    expect(t.events_()).toEqual(['ops.listening', 'service.started']);

    t.signals.emit('SIGTERM', 'SIGTERM');
    expect(await t.exit).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('a start without the Node options the service is tuned for logs service.node_options_missing, naming them; given ones are not named', async () => {
    const nodeOptions = [
      { flag: '--max-semi-space-size=4', why: 'fewer mark-compacts' },
      { flag: '--no-memory-reducer', why: 'no shrinking after idle' },
    ];
    const starts = [host(), host({ NODE_OPTIONS: '--max-semi-space-size=4' }), host({ NODE_OPTIONS: '--no-memory-reducer' }, ['--max_semi_space_size=8'])];
    for (const t of starts) {
      await runService({ name: 'inproc', config: spec, host: t.h, nodeOptions, start: () => undefined });
      t.signals.emit('SIGTERM', 'SIGTERM');
      expect(await t.exit).toBe(0);
    }
    const warnings = starts.map((t) => t.logs.filter((l) => l['event'] === 'service.node_options_missing'));
    expect(warnings[0]).toEqual([expect.objectContaining({ level: 'warn', missing: ['--max-semi-space-size=4', '--no-memory-reducer'], nodeOptions: null, msg: expect.stringContaining('--max-semi-space-size=4 (fewer mark-compacts)') })]);
    expect(warnings[1]).toEqual([expect.objectContaining({ missing: ['--no-memory-reducer'], nodeOptions: '--max-semi-space-size=4' })]);
    expect(warnings[2]).toEqual([]);
  });

  it('start failure: logs service.start_failed, runs the hooks registered so far, exits 1', async () => {
    const t = host();
    const ran: string[] = [];
    const result = await runService({
      name: 'inproc',
      config: spec,
      host: t.h,
      start(ctx) {
        ctx.onShutdown('close-adapters', () => void ran.push('close-adapters'));
        throw new Error('cannot reach NATS');
      },
    });
    expect(result).toBeUndefined();
    expect(await t.exit).toBe(1);
    expect(ran).toEqual(['close-adapters']);
    expect(t.logs.find((l) => l['event'] === 'service.start_failed')).toMatchObject({
      level: 'error',
      code: 'RUNTIME_ERR_START_FAILED',
      err: expect.objectContaining({ message: 'cannot reach NATS' }),
    });
    expect(t.events_()).not.toContain('service.started');
  });

  it('an uncaught exception is logged and shuts down with exit 1', async () => {
    const t = host();
    await runService({ name: 'inproc', config: spec, host: t.h, start: () => undefined });
    t.events.emit('uncaughtException', new Error('bug'));
    expect(await t.exit).toBe(1);
    expect(t.logs.find((l) => l['event'] === 'process.uncaught')).toMatchObject({ level: 'fatal', kind: 'uncaughtException', code: 'RUNTIME_ERR_UNCAUGHT' });
    expect(t.events_()).toContain('shutdown.complete');
  });

  it('an unhandled rejection is logged and shuts down with exit 1', async () => {
    const t = host();
    await runService({ name: 'inproc', config: spec, host: t.h, start: () => undefined });
    t.events.emit('unhandledRejection', new Error('forgotten promise'));
    expect(await t.exit).toBe(1);
    expect(t.logs.find((l) => l['event'] === 'process.uncaught')).toMatchObject({ kind: 'unhandledRejection' });
  });

  it('an ops port already in use fails the start with exit 1', async () => {
    const first = host();
    const svc = (await runService({ name: 'a', config: spec, host: first.h, start: () => undefined }))!;
    const second = host({ OPS_PORT: String(svc.ops.port) });
    const start = jest.fn();
    await runService({ name: 'b', config: spec, host: second.h, start });
    expect(await second.exit).toBe(1);
    expect(start).not.toHaveBeenCalled();
    expect(second.logs.find((l) => l['event'] === 'service.start_failed')).toMatchObject({ step: 'ops-server', err: expect.objectContaining({ code: 'EADDRINUSE' }) });
    first.signals.emit('SIGTERM', 'SIGTERM');
    expect(await first.exit).toBe(0);
  });
});
