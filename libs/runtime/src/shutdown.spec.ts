import { EventEmitter } from 'node:events';
import { captureLogs } from '../test/log-capture';
import { Readiness } from './readiness';
import { GracefulShutdown, SHUTDOWN_STAGES } from './shutdown';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(timeoutMs = 1_000) {
  const logs = captureLogs();
  const signals = new EventEmitter();
  const readiness = new Readiness().set('bus', true);
  const exit = jest.fn<void, [number]>();
  const shutdown = new GracefulShutdown({ logger: logs.logger, readiness, timeoutMs, exit, signals }).install();
  return { logs, signals, readiness, exit, shutdown };
}

describe('GracefulShutdown', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('on SIGTERM: closing flag first, then draining, then stages in order; exits 0', async () => {
    const { signals, readiness, exit, shutdown, logs } = setup();
    const order: string[] = [];
    // registered out of order on purpose
    shutdown.onShutdown('close-adapters', () => void order.push('close-adapters'), 'nats');
    shutdown.onShutdown('drain', async () => void order.push('drain'), 'clients');
    shutdown.onShutdown('stop-accepting', () => {
      order.push(`stop-accepting closing=${shutdown.closing} ready=${readiness.isReady()}`);
    }, 'listener');
    shutdown.onShutdown('close-servers', () => void order.push('close-servers'), 'ws');

    expect(shutdown.closing).toBe(false);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(shutdown.closing).toBe(true); // synchronously, before any hook
    expect(readiness.draining).toBe(true);

    await jest.runAllTimersAsync();
    expect(order).toEqual(['stop-accepting closing=true ready=false', 'drain', 'close-servers', 'close-adapters']);
    expect(exit.mock.calls).toEqual([[0]]);
    expect(logs.events()).toEqual([
      'shutdown.begin',
      'shutdown.stage',
      'shutdown.stage',
      'shutdown.stage',
      'shutdown.stage',
      'shutdown.complete',
    ]);
    expect(logs.lines[0]).toMatchObject({ reason: 'signal SIGTERM' });
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
  });

  it('runs hooks of one stage concurrently and waits for all before the next stage', async () => {
    const { exit, shutdown } = setup();
    const order: string[] = [];
    const a = deferred();
    const b = deferred();
    shutdown.onShutdown('drain', async () => {
      order.push('a start');
      await a.promise;
      order.push('a end');
    });
    shutdown.onShutdown('drain', async () => {
      order.push('b start');
      await b.promise;
      order.push('b end');
    });
    shutdown.onShutdown('close-servers', () => void order.push('next stage'));
    const done = shutdown.trigger('test');
    await jest.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['a start', 'b start']);
    b.resolve();
    await jest.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['a start', 'b start', 'b end']);
    a.resolve();
    await done;
    expect(order).toEqual(['a start', 'b start', 'b end', 'a end', 'next stage']);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('logs a failing hook (throw or reject) and still runs the next stages', async () => {
    const { exit, shutdown, logs } = setup();
    const ran: string[] = [];
    shutdown.onShutdown('stop-accepting', () => {
      throw new Error('sync boom');
    }, 'thrower');
    shutdown.onShutdown('drain', () => Promise.reject(new Error('async boom')), 'rejecter');
    shutdown.onShutdown('close-adapters', () => void ran.push('close-adapters'));
    await shutdown.trigger('test');
    expect(ran).toEqual(['close-adapters']);
    expect(exit.mock.calls).toEqual([[0]]);
    const failed = logs.lines.filter((l) => l.event === 'shutdown.hook_failed');
    expect(failed).toEqual([
      expect.objectContaining({ level: 'error', code: 'RUNTIME_ERR_SHUTDOWN_HOOK_FAILED', stage: 'stop-accepting', hook: 'thrower', err: expect.objectContaining({ message: 'sync boom' }) }),
      expect.objectContaining({ stage: 'drain', hook: 'rejecter', err: expect.objectContaining({ message: 'async boom' }) }),
    ]);
  });

  it('exits 1 at the deadline when a hook hangs, naming the pending hook', async () => {
    const { exit, shutdown, logs } = setup(5_000);
    const later = jest.fn();
    shutdown.onShutdown('drain', () => new Promise(() => undefined), 'stuck-drain');
    shutdown.onShutdown('close-adapters', later);
    const done = shutdown.trigger('test');
    await jest.advanceTimersByTimeAsync(4_999);
    expect(exit).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    await done;
    expect(exit.mock.calls).toEqual([[1]]);
    expect(later).not.toHaveBeenCalled();
    expect(logs.lines.at(-1)).toMatchObject({
      level: 'error',
      event: 'shutdown.timeout',
      code: 'RUNTIME_ERR_SHUTDOWN_TIMEOUT',
      pending: ['drain/stuck-drain'],
    });
  });

  it('a second signal forces an immediate exit 1; the deadline then does not exit again', async () => {
    const { signals, exit, shutdown, logs } = setup(5_000);
    shutdown.onShutdown('drain', () => new Promise(() => undefined), 'stuck');
    signals.emit('SIGTERM', 'SIGTERM');
    await jest.advanceTimersByTimeAsync(10);
    expect(exit).not.toHaveBeenCalled();
    signals.emit('SIGINT', 'SIGINT');
    expect(exit.mock.calls).toEqual([[1]]);
    expect(logs.lines.at(-1)).toMatchObject({ level: 'fatal', event: 'shutdown.forced', code: 'RUNTIME_ERR_SHUTDOWN_FORCED', signal: 'SIGINT', pending: ['drain/stuck'] });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('a shutdown started otherwise (an error, a supervisor) is not forced by one signal, only by a second', async () => {
    const { signals, exit, shutdown, logs } = setup(5_000);
    shutdown.onShutdown('drain', () => new Promise(() => undefined), 'stuck');
    void shutdown.trigger('asked by the primary');
    await jest.advanceTimersByTimeAsync(10);
    signals.emit('SIGINT', 'SIGINT');
    expect(exit).not.toHaveBeenCalled();
    expect(logs.lines.filter((l) => l['event'] === 'shutdown.forced')).toEqual([]);
    signals.emit('SIGINT', 'SIGINT');
    expect(exit.mock.calls).toEqual([[1]]);
    expect(logs.lines.at(-1)).toMatchObject({ event: 'shutdown.forced', signal: 'SIGINT' });
  });

  it('trigger is idempotent and keeps the highest exit code asked for', async () => {
    const { exit, shutdown, logs } = setup();
    const hook = jest.fn();
    shutdown.onShutdown('drain', hook);
    const first = shutdown.trigger('first');
    const second = shutdown.trigger('uncaught', 1);
    expect(second).toBe(first);
    await first;
    expect(hook).toHaveBeenCalledTimes(1);
    expect(exit.mock.calls).toEqual([[1]]);
    expect(logs.events().filter((e) => e === 'shutdown.begin')).toHaveLength(1);
  });

  it('with no hooks, exits 0 right away', async () => {
    const { exit, shutdown } = setup();
    await shutdown.trigger('test');
    expect(exit.mock.calls).toEqual([[0]]);
  });

  it('rejects an unknown stage and a non-positive timeout', () => {
    const { shutdown, logs } = setup();
    // @ts-expect-error not a stage
    expect(() => shutdown.onShutdown('later', () => undefined)).toThrow(/unknown shutdown stage "later"/);
    expect(() => new GracefulShutdown({ logger: logs.logger, timeoutMs: 0, exit: jest.fn() })).toThrow(RangeError);
  });

  it('install/uninstall are idempotent', () => {
    const { signals, shutdown } = setup();
    shutdown.install();
    expect(signals.listenerCount('SIGTERM')).toBe(1);
    shutdown.uninstall();
    shutdown.uninstall();
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('stages are the house rule 8 order', () => {
    expect(SHUTDOWN_STAGES).toEqual(['stop-accepting', 'drain', 'close-servers', 'close-adapters']);
  });
});
