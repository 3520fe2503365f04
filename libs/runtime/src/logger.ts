import { hostname } from 'node:os';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger } from 'pino';

/** Accepted log levels, most to least severe; `silent` disables logging. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Stable event names the runtime itself logs in the `event` field. Alerts and dashboards key on these; a name is
 * never changed once shipped (add a new one instead).
 */
export const RUNTIME_EVENTS = Object.freeze({
  SERVICE_STARTED: 'service.started',
  SERVICE_START_FAILED: 'service.start_failed',
  NODE_OPTIONS_MISSING: 'service.node_options_missing',
  SHUTDOWN_BEGIN: 'shutdown.begin',
  SHUTDOWN_STAGE: 'shutdown.stage',
  SHUTDOWN_HOOK_FAILED: 'shutdown.hook_failed',
  SHUTDOWN_COMPLETE: 'shutdown.complete',
  SHUTDOWN_TIMEOUT: 'shutdown.timeout',
  SHUTDOWN_FORCED: 'shutdown.forced',
  PROCESS_UNCAUGHT: 'process.uncaught',
  PROCESS_STARTED: 'process.started',
  PROCESS_EXITED: 'process.exited',
  OPS_LISTENING: 'ops.listening',
  OPS_REQUEST_FAILED: 'ops.request_failed',
} as const);

export interface LoggerOptions {
  readonly service: string;
  readonly level: LogLevel;
  /** Where NDJSON goes. Default: stdout (pino's own destination, flushed on exit). Tests pass a collector. */
  readonly destination?: DestinationStream;
}

/**
 * The service logger: pino, one JSON object per line on stdout (house rule 9). Shipping, rotation and pretty
 * printing are the platform's job, not the process's.
 *
 * Every line carries `service`, `pid`, `hostname`, an ISO-8601 `time` and the level as a label (`"level":"info"`).
 *
 * Convention: each line that matters to operators has a stable, dotted, lower-case event name in `event`, and the
 * message is for humans:
 * ```ts
 * log.info({ event: 'bus.connected', url }, 'connected to NATS');
 * log.error({ event: 'bus.publish_failed', code: err.code, err }, 'publish failed');
 * ```
 * Errors go under `err` (pino serializes message, stack, cause) and carry their stable `code`. Levels below the
 * threshold are `noop` functions, so `log.debug(...)` on a hot path costs a call, not a serialization; still avoid
 * building expensive arguments for it (check `log.isLevelEnabled('debug')` first).
 */
export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions = {
    level: options.level,
    base: { service: options.service, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  // Synchronous writes to stdout: lines keep their order and none is lost at `process.exit`. Services
  // log events, never per message, so the cost of a blocking write does not matter.
  return pino(pinoOptions, options.destination ?? pino.destination({ dest: 1, sync: true }));
}

