import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fastify, LogController } from 'fastify';
import type { FastifyError, FastifyInstance, RawServerDefault } from 'fastify';
import type { Logger } from './logger';
import { RUNTIME_EVENTS } from './logger';
import type { Registry } from './metrics';
import type { Readiness } from './readiness';

export interface OpsServerOptions {
  readonly host: string;
  /** `0` binds a free port; {@link OpsServer.listen} returns the one chosen. */
  readonly port: number;
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly logger: Logger;
  /**
   * Log every request (fastify's "incoming request"/"request completed" lines). Off by default: probes and
   * scrapes hit these routes every few seconds and would flood the logs. Failures are logged either way.
   */
  readonly logRequests?: boolean;
}

export interface OpsAddress {
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:9100`; IPv6 hosts are bracketed. */
  readonly url: string;
}

/** The fastify instance behind the ops server, typed with our pino logger. */
export type OpsApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export interface OpsServer {
  /** The fastify instance: `inject()` in tests, extra routes in a service that needs them (before `listen`). */
  readonly app: OpsApp;
  listen(): Promise<OpsAddress>;
  /** Stops accepting, closes idle keep-alive connections, waits for in-flight requests. Idempotent. */
  close(): Promise<void>;
}

/** Body of `GET /readyz`. */
export interface ReadyzBody {
  readonly status: 'ready' | 'not_ready';
  readonly draining: boolean;
  readonly failing: readonly { readonly name: string; readonly reason?: string }[];
}

const NO_STORE = 'no-store';
const HEALTHY = Object.freeze({ status: 'ok' });

/**
 * The ops HTTP server every service runs (fastify 5):
 * - `GET /healthz`: 200 `{"status":"ok"}` while the process is alive (liveness; stays 200 while draining, so the
 *   orchestrator does not restart a pod that is shutting down cleanly).
 * - `GET /readyz`: 200 when {@link Readiness} is ready, else 503; the body lists the failing conditions.
 * - `GET /metrics`: the registry in Prometheus text format with the registry's content type.
 */
export function createOpsServer(options: OpsServerOptions): OpsServer {
  const { registry, readiness } = options;
  const log = options.logger.child({ component: 'ops' });
  const app = fastify({
    loggerInstance: log,
    logController: new LogController({ disableRequestLogging: options.logRequests !== true }),
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) log.error({ event: RUNTIME_EVENTS.OPS_REQUEST_FAILED, url: request.url, err }, 'ops request failed');
    void reply.code(status).header('cache-control', NO_STORE).send({ status: 'error', message: status >= 500 ? 'internal error' : err.message });
  });

  app.get('/healthz', async (_request, reply) => {
    void reply.header('cache-control', NO_STORE);
    return HEALTHY;
  });

  app.get('/readyz', async (_request, reply) => {
    const report = readiness.report();
    const body: ReadyzBody = {
      status: report.ready ? 'ready' : 'not_ready',
      draining: report.draining,
      failing: report.failing.map((c) => (c.reason === undefined ? { name: c.name } : { name: c.name, reason: c.reason })),
    };
    void reply.code(report.ready ? 200 : 503).header('cache-control', NO_STORE);
    return body;
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    void reply.type(registry.contentType).header('cache-control', NO_STORE);
    return text;
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    async listen(): Promise<OpsAddress> {
      await app.listen({ host: options.host, port: options.port });
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return Object.freeze({ host: address.address, port: address.port, url: `http://${host}:${address.port}` });
    },
    close(): Promise<void> {
      closing ??= app.close();
      return closing;
    },
  };
}
