import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { SubscriptionMode } from '@tickwire/protocol';
import type { Logger } from '@tickwire/runtime';
import { symbolProblem } from '@tickwire/snapshot-grpc';
import type { EdgeMetrics, RejectionReason } from './edge-metrics';

/**
 * `code` of an HTTP error body (`{"error":"<message>","code":"<CODE>"}`), beside the status. 401 uses the
 * close code names of the refusal (`AUTH_REQUIRED`, `AUTH_FAILED`, `TOKEN_EXPIRED`).
 */
export type HttpErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_ENTITLED'
  | 'ORIGIN_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'SERVER_DRAINING'
  | 'TOO_MANY_CONNECTIONS'
  | 'SNAPSHOT_UNAVAILABLE'
  | 'SNAPSHOT_TIMEOUT'
  | 'INTERNAL_ERROR';

/** `?mode=` of the HTTP reads and SSE. A Map: `__proto__`, `toString` or `constructor` name no mode. */
export const MODE_BY_NAME: ReadonlyMap<string, SubscriptionMode> = new Map([
  ['ltp', SubscriptionMode.LTP],
  ['quote', SubscriptionMode.QUOTE],
  ['full', SubscriptionMode.FULL],
]);

/**
 * Requests Node's HTTP parser refuses before fastify sees them (fastify's client error handler answers them
 * and closes the connection): counted by the parser's error code, anything else `malformed_request` (400).
 */
const REJECTION_BY_CLIENT_ERROR: Readonly<Record<string, RejectionReason>> = { ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout', HPE_HEADER_OVERFLOW: 'headers_too_large' };

/** Answers no route counts itself, counted in `rejections_total` by status. */
const REJECTION_BY_STATUS: Readonly<Record<number, RejectionReason>> = { 400: 'bad_request', 404: 'not_found' };

const NOT_FOUND_BODY = JSON.stringify({ error: 'not found', code: 'NOT_FOUND' });

function ignore(): void {}

export function errorBody(code: HttpErrorCode | string, message: string): string {
  return JSON.stringify({ error: message, code });
}

export function sendError(reply: FastifyReply, status: number, code: HttpErrorCode | string, message: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(errorBody(code, message));
}

/**
 * The first query parameter given more than once (`?symbols=A&symbols=B`), or undefined. Fastify's parser
 * hands such a parameter over as an array, which the routes must never see as a string.
 */
export function repeatedParameter(query: unknown): string | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  for (const [name, value] of Object.entries(query)) if (Array.isArray(value)) return name;
  return undefined;
}

/** Why a list of symbols cannot be asked for in one request (none, too many, an invalid one), or undefined. */
export function symbolsProblem(symbols: readonly string[] | undefined, maxSymbols: number): string | undefined {
  if (symbols === undefined || symbols.length === 0) return 'symbols: a comma-separated list of 1 or more symbols is required';
  if (symbols.length > maxSymbols) return `symbols: at most ${maxSymbols} per request`;
  const invalid = symbols.find((s) => symbolProblem(s) !== undefined);
  return invalid === undefined ? undefined : `symbols: ${JSON.stringify(invalid.slice(0, 40))}: ${symbolProblem(invalid)!}`;
}

/**
 * Fastify's `frameworkErrors`: a URL its router cannot decode (`/%c0%ae`, an overlong UTF-8 dot) is 400
 * `BAD_REQUEST`, counted; fastify's own answer echoed the path and went uncounted.
 */
export function frameworkErrorAnswer(metrics: EdgeMetrics): NonNullable<FastifyServerOptions['frameworkErrors']> {
  return (_err, _request, reply) => {
    metrics.reject('bad_request');
    void sendError(reply, 400, 'BAD_REQUEST', 'the URL is not valid percent-encoded UTF-8');
  };
}

/**
 * How the client port answers what no route accepts, on top of the routes' own answers: a repeated query
 * parameter on `/v1/...` is 400; an unknown path or method (CONNECT included) is 404 with a body that does
 * not echo the URL (it may hold `?token=`); errors fastify raises (a malformed request: 4xx) keep their status, anything else
 * is 500 `INTERNAL_ERROR`, logged. 400 and 404 are counted in `rejections_total` (`bad_request`,
 * `not_found`), and so are the requests Node's parser refuses (400 `malformed_request`, 431
 * `headers_too_large`, 408 `request_timeout`); the routes count 401, 403 and 503 themselves, by reason.
 */
export function installHttpAnswers(app: FastifyInstance, metrics: EdgeMetrics, logger: Logger): void {
  app.addHook('preValidation', (request, reply, done) => {
    const repeated = request.routeOptions.url?.startsWith('/v1/') === true ? repeatedParameter(request.query) : undefined;
    if (repeated === undefined) return done();
    sendError(reply, 400, 'BAD_REQUEST', `${repeated.slice(0, 40)}: given more than once`);
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).header('content-type', 'application/json; charset=utf-8').send(NOT_FOUND_BODY));
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      logger.error({ event: 'edge.http_error', method: request.method, path: request.routeOptions.url, err }, 'HTTP request failed');
      return sendError(reply, 500, 'INTERNAL_ERROR', 'internal error');
    }
    return sendError(reply, status, status === 400 ? 'BAD_REQUEST' : (STATUS_CODES[status] ?? 'ERROR').toUpperCase().replaceAll(' ', '_'), STATUS_CODES[status] ?? 'error');
  });
  app.server.prependListener('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // The cases fastify's handler answers (a reset connection gets no answer and is not a rejection).
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    metrics.reject(REJECTION_BY_CLIENT_ERROR[err.code ?? ''] ?? 'malformed_request');
  });
  // CONNECT never reaches fastify: Node hands it to 'connect' and, with no listener, drops the connection unanswered.
  app.server.on('connect', (_request: unknown, socket: Duplex) => {
    metrics.reject('not_found');
    socket.on('error', ignore);
    socket.end(`HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${NOT_FOUND_BODY.length}\r\n\r\n${NOT_FOUND_BODY}`);
  });
  app.addHook('onResponse', (_request, reply, done) => {
    const reason = REJECTION_BY_STATUS[reply.statusCode];
    if (reason !== undefined) metrics.reject(reason);
    done();
  });
}
