import { hostname } from 'node:os';
import type { LogLevel } from './logger';
import { createLogger, RUNTIME_EVENTS } from './logger';

function collect(level: LogLevel) {
  const lines: string[] = [];
  const logger = createLogger({ service: 'edge', level, destination: { write: (s: string) => void lines.push(s) } });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with service, pid, hostname, ISO time and level label', () => {
    const { logger, lines } = collect('info');
    logger.info({ event: 'bus.connected', url: 'nats://x' }, 'connected');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'info', service: 'edge', pid: process.pid, hostname: hostname(), event: 'bus.connected', url: 'nats://x', msg: 'connected' });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('drops levels below the threshold, and they are noops', () => {
    const { logger, lines } = collect('warn');
    logger.info('hidden');
    logger.debug('hidden');
    logger.warn('shown');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
    expect(logger.debug).toBe(logger.trace); // both pino's shared noop
  });

  it('silent logs nothing', () => {
    const { logger, lines } = collect('silent');
    logger.fatal('nothing');
    expect(lines).toEqual([]);
  });

  it('serializes errors under err', () => {
    const { logger, lines } = collect('info');
    logger.error({ event: 'x.failed', err: new Error('boom') }, 'failed');
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'Error', message: 'boom', stack: expect.stringContaining('boom') });
  });

  it('event names are dotted lower-case and unique', () => {
    const names = Object.values(RUNTIME_EVENTS);
    for (const n of names) expect(n).toMatch(/^[a-z]+(\.[a-z_]+)+$/);
    expect(new Set(names).size).toBe(names.length);
  });
});
