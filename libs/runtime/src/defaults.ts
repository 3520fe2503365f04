/**
 * Shared defaults, one place. Services may override them per variable; docs and `--help` show the effective value.
 * Timeouts nest: drain < shutdown deadline < the orchestrator's grace period (Kubernetes: 30 s by default).
 */

/** Ops HTTP server bind address. All interfaces, so probes and Prometheus reach it inside a container. */
export const DEFAULT_OPS_HOST = '0.0.0.0';

/**
 * Ops HTTP server port (`/healthz`, `/readyz`, `/metrics`). Services on one host set `OPS_PORT` apart;
 * `0` picks a free port (the bound address is logged with `service.started`).
 */
export const DEFAULT_OPS_PORT = 9100;

/** Log threshold. Levels below it are no-ops (pino replaces them with `noop`), so `debug` calls cost nothing. */
export const DEFAULT_LOG_LEVEL = 'info';

/**
 * Overall deadline for graceful shutdown, from the first signal to exit, in milliseconds. Past it the process logs
 * `RUNTIME_ERR_SHUTDOWN_TIMEOUT` and exits 1. Kept under Kubernetes' default 30 s grace period so our own deadline,
 * not SIGKILL, ends a stuck shutdown and the reason is logged.
 */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

/**
 * Time a service gives its clients to drain (e.g. edge WebSockets) in milliseconds. Less than
 * {@link DEFAULT_SHUTDOWN_TIMEOUT_MS} so closing servers and adapters still fits in the deadline.
 */
export const DEFAULT_DRAIN_TIMEOUT_MS = 15_000;

/** Default NATS server URL for local development. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
