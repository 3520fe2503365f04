import { defineConfig, env } from './config';
import { DEFAULT_LOG_LEVEL, DEFAULT_OPS_HOST, DEFAULT_OPS_PORT, DEFAULT_SHUTDOWN_TIMEOUT_MS } from './defaults';
import { LOG_LEVELS } from './logger';

/**
 * Variables every service has; `runService` adds them to the service's own spec. A service may redeclare one to
 * change its default or doc (same type required), e.g. a distinct `OPS_PORT` per service.
 */
export const RUNTIME_CONFIG = defineConfig({
  OPS_HOST: env.string({ default: DEFAULT_OPS_HOST, doc: 'Bind address of the ops HTTP server (/healthz, /readyz, /metrics)' }),
  OPS_PORT: env.port({ default: DEFAULT_OPS_PORT, allowZero: true, doc: 'Port of the ops HTTP server; 0 picks a free port' }),
  LOG_LEVEL: env.enumOf(LOG_LEVELS, { default: DEFAULT_LOG_LEVEL, ignoreCase: true, doc: 'Log threshold' }),
  SHUTDOWN_TIMEOUT: env.duration({
    default: DEFAULT_SHUTDOWN_TIMEOUT_MS,
    min: 1,
    doc: 'Deadline for graceful shutdown; past it the process exits 1',
  }),
});

export type RuntimeConfigSpec = typeof RUNTIME_CONFIG;
