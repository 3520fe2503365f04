import { EventEmitter } from 'node:events';
import { defineConfig, env } from './config';
import { RUNTIME_CONFIG } from './runtime-config';
import type { ServiceHost } from './service';
import { runService } from './service';

// Only paths that open no socket; the running service is covered in service.int.spec.ts.
function fakeHost(envVars: Record<string, string>, argv: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const logs: string[] = [];
  const host: ServiceHost = {
    env: envVars,
    argv,
    execArgv: [],
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    exit: jest.fn(),
    signals: new EventEmitter(),
    events: new EventEmitter(),
    logDestination: { write: (s: string) => void logs.push(s) },
  };
  return { host, out, err, logs, exit: host.exit as jest.Mock };
}

const spec = defineConfig({
  NATS_URL: env.url({ protocols: ['nats:', 'tls:'], list: true, doc: 'NATS server URL(s)' }),
  SHARDS: env.intRanges({ min: 0, max: 1023, default: '0-15' }),
});

describe('runService without a socket', () => {
  it('invalid config: exactly one stderr line, exit 78, start never called, nothing else written', async () => {
    const { host, out, err, logs, exit } = fakeHost({ OPS_PORT: '99999', SHARDS: '9-1' });
    const start = jest.fn();
    await expect(runService({ name: 'demo', config: spec, start, host })).resolves.toBeUndefined();
    expect(exit.mock.calls).toEqual([[78]]);
    expect(start).not.toHaveBeenCalled();
    expect(out).toEqual([]);
    expect(logs).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toBe(
      'tickwire-demo: invalid configuration: OPS_PORT: expected an integer port 0-65535 (0 = any free port), got "99999"; ' +
        'NATS_URL: expected a comma-separated list of URLs (nats: or tls:), but it is not set; ' +
        'SHARDS: expected comma-separated integers or ranges within 0-1023 (e.g. 0-7,1023), got "9-1"\n',
    );
  });

  it('--help prints runtime and service variables to stdout and exits 0', async () => {
    const { host, out, err, exit } = fakeHost({}, ['--help']);
    const start = jest.fn();
    await runService({ name: 'demo', config: spec, start, host });
    expect(exit.mock.calls).toEqual([[0]]);
    expect(start).not.toHaveBeenCalled();
    expect(err).toEqual([]);
    const text = out.join('');
    for (const name of ['OPS_HOST', 'OPS_PORT', 'LOG_LEVEL', 'SHUTDOWN_TIMEOUT', 'NATS_URL', 'SHARDS']) expect(text).toContain(`  ${name}  (`);
  });

  it('--help lists the Node options the service is tuned for, after the variables', async () => {
    const { host, out } = fakeHost({}, ['--help']);
    await runService({ name: 'demo', config: spec, start: jest.fn(), host, nodeOptions: [{ flag: '--max-semi-space-size=4', why: 'fewer mark-compacts' }] });
    const text = out.join('');
    expect(text.indexOf('  SHARDS  (')).toBeLessThan(text.indexOf('NODE_OPTIONS="--max-semi-space-size=4"'));
    expect(text).toContain('\n  --max-semi-space-size=4\n      fewer mark-compacts\n');
  });

  it('a service may redeclare a runtime variable with the same type', async () => {
    const { host, err } = fakeHost({ OPS_PORT: '1' }); // edge's port must be >= 9000 here
    const own = defineConfig({ OPS_PORT: env.int({ min: 9000, max: 9999, default: 9102 }) });
    await runService({ name: 'edge', config: own, start: jest.fn(), host });
    expect(err[0]).toContain('OPS_PORT: expected an integer 9000-9999, got "1"');
  });

  it('types: a runtime variable cannot be redeclared with another type', () => {
    const bad = defineConfig({ OPS_PORT: env.string() });
    // @ts-expect-error OPS_PORT must stay a number
    void (() => runService({ name: 'x', config: bad, start: () => undefined }));
    expect(Object.keys(RUNTIME_CONFIG)).toEqual(['OPS_HOST', 'OPS_PORT', 'LOG_LEVEL', 'SHUTDOWN_TIMEOUT']);
  });
});
