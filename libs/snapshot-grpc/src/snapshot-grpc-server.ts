import { Metadata, Server, ServerCredentials, status as GrpcStatus, type sendUnaryData, type ServerErrorResponse, type ServerUnaryCall } from '@grpc/grpc-js';
import type { GetCandlesRequest, GetSnapshotsRequest, ListInstrumentsRequest } from '@tickwire/protocol';
import { SubscriptionMode } from '@tickwire/protocol';
import { SnapshotServiceService } from '@tickwire/protocol/grpc';
import type { Logger, Registry } from '@tickwire/runtime';
import { StoreError, type SnapshotStore } from '@tickwire/store';
import { ERROR_CODE_METADATA_KEY, SnapshotGrpcError } from './errors';
import { createGrpcCallRecorder, grpcStatusName, type GrpcCallRecorder } from './grpc-metrics';
import { HEALTH_SERVICE_DEFINITION, HealthServingStatus, HealthStatusTable } from './health-service';
import { DEFAULT_PROJECTION_CACHE_ENTRIES, ProjectionCache } from './projection-cache';
import { assertCandleRange, assertSymbolField, assertSymbolList, assertSymbolPrefix, resolveListLimit, resolveMode } from './request-validation';
import { encodeRepeatedMessages } from './response-encoding';
import { addServerReflection } from './server-reflection';

/** Symbols per GetSnapshots call above which the call is refused (INVALID_ARGUMENT). */
export const DEFAULT_MAX_SYMBOLS_PER_REQUEST = 1_000;
/** ListInstruments `limit` 0 means this many. */
export const DEFAULT_LIST_LIMIT = 100;
/** ListInstruments never returns more than this; a larger `limit` is cut to it. */
export const DEFAULT_MAX_LIST_LIMIT = 10_000;
export const DEFAULT_GRPC_HOST = '127.0.0.1';
/** `close()` waits this long for calls in flight before cancelling them. */
export const DEFAULT_CLOSE_GRACE_MS = 5_000;
/** The service name health checks use for the SnapshotService (the empty name means the whole server). */
export const SNAPSHOT_SERVICE_NAME = 'tickwire.v1.SnapshotService';

export interface SnapshotGrpcServerOptions {
  readonly store: SnapshotStore;
  /** Default `DEFAULT_GRPC_HOST`. */
  readonly host?: string;
  /** 0 = an ephemeral port (read it from `server.port`). */
  readonly port: number;
  readonly logger: Logger;
  /** gRPC latency by method and errors by method and status go here when given. */
  readonly registry?: Registry;
  /** Default `DEFAULT_MAX_SYMBOLS_PER_REQUEST`. */
  readonly maxSymbolsPerRequest?: number;
  /** Default `DEFAULT_LIST_LIMIT`. */
  readonly defaultListLimit?: number;
  /** Default `DEFAULT_MAX_LIST_LIMIT`. */
  readonly maxListLimit?: number;
  /** Health status at start; default serving. The app flips it with the store's availability. */
  readonly serving?: boolean;
  /** LTP/QUOTE snapshots kept cut down per symbol and mode; default `DEFAULT_PROJECTION_CACHE_ENTRIES`. */
  readonly projectionCacheEntries?: number;
}

export interface SnapshotGrpcServer {
  readonly port: number;
  /** `host:port` as bound. */
  readonly address: string;
  /** Sets the grpc.health.v1 status of the server and of the SnapshotService (SERVING / NOT_SERVING). */
  setServing(serving: boolean): void;
  /** Refuses new calls (UNAVAILABLE), lets calls in flight finish for up to `graceMs`, then cancels them. Idempotent. */
  close(graceMs?: number): Promise<void>;
}

interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly maxSymbolsPerRequest: number;
  readonly defaultListLimit: number;
  readonly maxListLimit: number;
  readonly projectionCacheEntries: number;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_OPTION', `${name} must be an integer >= 1, got ${String(value)}`);
  return value;
}

/** Validates once, fills in defaults, freezes. Errors name the option. */
export function parseSnapshotGrpcServerOptions(options: SnapshotGrpcServerOptions): Readonly<ResolvedOptions> {
  const host = options.host ?? DEFAULT_GRPC_HOST;
  if (typeof host !== 'string' || host.length === 0) throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_OPTION', `host must be a non-empty string, got ${JSON.stringify(host)}`);
  if (!Number.isSafeInteger(options.port) || options.port < 0 || options.port > 65_535) throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_OPTION', `port must be an integer 0-65535, got ${String(options.port)}`);
  const resolved: ResolvedOptions = {
    host,
    port: options.port,
    maxSymbolsPerRequest: positiveInteger(options.maxSymbolsPerRequest ?? DEFAULT_MAX_SYMBOLS_PER_REQUEST, 'maxSymbolsPerRequest'),
    defaultListLimit: positiveInteger(options.defaultListLimit ?? DEFAULT_LIST_LIMIT, 'defaultListLimit'),
    maxListLimit: positiveInteger(options.maxListLimit ?? DEFAULT_MAX_LIST_LIMIT, 'maxListLimit'),
    projectionCacheEntries: positiveInteger(options.projectionCacheEntries ?? DEFAULT_PROJECTION_CACHE_ENTRIES, 'projectionCacheEntries'),
  };
  if (resolved.defaultListLimit > resolved.maxListLimit) throw new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_OPTION', `defaultListLimit (${resolved.defaultListLimit}) must not exceed maxListLimit (${resolved.maxListLimit})`);
  return Object.freeze(resolved);
}

/**
 * Request bytes that are not a valid message of the method's type. grpc-js would answer a deserializer
 * that throws with INTERNAL ("Error deserializing request") before any handler runs, so the caller's
 * mistake would look like the server's and go uncounted; the handler answers INVALID_ARGUMENT instead.
 */
class UndecodableRequest {
  constructor(readonly reason: string) {}
}

function tolerantDeserialize<Req>(deserialize: (bytes: Buffer) => Req): (bytes: Buffer) => Req | UndecodableRequest {
  return (bytes) => {
    try {
      return deserialize(bytes);
    } catch (error) {
      return new UndecodableRequest(error instanceof Error ? error.message : String(error));
    }
  };
}

/**
 * The server-side method table: the generated one, except that responses are handed over already
 * encoded (`response-encoding.ts`), so the stored bytes go out without a decode/encode round trip, and
 * undecodable requests reach the handler (`UndecodableRequest`).
 */
const PRE_ENCODED_RESPONSE = { responseSerialize: (bytes: Buffer): Buffer => bytes } as const;
const SERVER_DEFINITION = {
  getSnapshots: { ...SnapshotServiceService.getSnapshots, ...PRE_ENCODED_RESPONSE, requestDeserialize: tolerantDeserialize(SnapshotServiceService.getSnapshots.requestDeserialize) },
  listInstruments: { ...SnapshotServiceService.listInstruments, ...PRE_ENCODED_RESPONSE, requestDeserialize: tolerantDeserialize(SnapshotServiceService.listInstruments.requestDeserialize) },
  getCandles: { ...SnapshotServiceService.getCandles, ...PRE_ENCODED_RESPONSE, requestDeserialize: tolerantDeserialize(SnapshotServiceService.getCandles.requestDeserialize) },
} as const;

/** A store failure as the client should see it. */
function toSnapshotGrpcError(error: unknown): SnapshotGrpcError {
  if (error instanceof SnapshotGrpcError) return error;
  if (error instanceof StoreError) {
    switch (error.code) {
      case 'STORE_ERR_UNAVAILABLE':
      case 'STORE_ERR_CLOSED':
        return new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_STORE_UNAVAILABLE', error.message, { cause: error });
      case 'STORE_ERR_INVALID_SYMBOL':
      case 'STORE_ERR_INVALID_ARGUMENT':
        return new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', error.message, { cause: error });
      default:
        return new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INTERNAL', error.message, { cause: error });
    }
  }
  return new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}

function errorResponse(error: SnapshotGrpcError): ServerErrorResponse {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA_KEY, error.code);
  return { name: error.name, message: error.message, code: error.grpcStatus, details: error.message, metadata };
}

/** A call the client gave up on (cancelled, or past its deadline): no work is done for it. */
function isAbandoned(call: ServerUnaryCall<unknown, unknown>): boolean {
  if (call.cancelled) return true;
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) && at <= Date.now();
}

type Handler<Req> = (request: Req, call: ServerUnaryCall<Req, Buffer>) => Promise<Buffer>;

class SnapshotGrpcServerImpl implements SnapshotGrpcServer {
  private closing: Promise<void> | undefined;
  private lastUnavailableLogMs = 0;
  port = 0;
  address = '';

  constructor(
    private readonly server: Server,
    private readonly health: HealthStatusTable,
    private readonly logger: Logger,
  ) {}

  setServing(serving: boolean): void {
    if (this.closing) return;
    this.health.set(serving ? HealthServingStatus.SERVING : HealthServingStatus.NOT_SERVING);
  }

  close(graceMs = DEFAULT_CLOSE_GRACE_MS): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.health.set(HealthServingStatus.NOT_SERVING);
      this.health.endWatches();
      const timer = setTimeout(() => {
        this.logger.warn({ event: 'grpc.close_forced', graceMs }, 'gRPC calls still in flight after the grace period: cancelled');
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.closing;
  }

  /** Wraps a handler: deadline and cancellation checks, error mapping, metrics, logs. */
  unary<Req>(method: string, recorder: GrpcCallRecorder, handler: Handler<Req>): (call: ServerUnaryCall<Req | UndecodableRequest, Buffer>, callback: sendUnaryData<Buffer>) => void {
    return (call, callback) => {
      const started = process.hrtime.bigint();
      if (isAbandoned(call)) {
        // grpc-js answers the client itself (CANCELLED / DEADLINE_EXCEEDED); nothing to compute.
        recorder.record(method, started, call.cancelled ? GrpcStatus.CANCELLED : GrpcStatus.DEADLINE_EXCEEDED);
        return;
      }
      const request = call.request;
      const answer =
        request instanceof UndecodableRequest
          ? Promise.reject(new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', `the request is not a valid ${method}Request: ${request.reason}`))
          : handler(request, call as ServerUnaryCall<Req, Buffer>);
      answer.then(
        (response) => {
          if (isAbandoned(call)) {
            recorder.record(method, started, GrpcStatus.DEADLINE_EXCEEDED);
            return;
          }
          recorder.record(method, started, GrpcStatus.OK);
          callback(null, response);
        },
        (thrown: unknown) => {
          const error = toSnapshotGrpcError(thrown);
          recorder.record(method, started, error.grpcStatus);
          this.logFailure(method, error);
          if (!call.cancelled) callback(errorResponse(error));
        },
      );
    };
  }

  private logFailure(method: string, error: SnapshotGrpcError): void {
    if (error.grpcStatus === GrpcStatus.INVALID_ARGUMENT) return;
    if (error.code === 'SNAPSHOT_GRPC_ERR_STORE_UNAVAILABLE') {
      // An outage fails every call: one line a second says so without flooding.
      const now = Date.now();
      if (now - this.lastUnavailableLogMs < 1_000) return;
      this.lastUnavailableLogMs = now;
      this.logger.warn({ event: 'grpc.store_unavailable', method, code: error.code, detail: error.message }, 'SnapshotService answering UNAVAILABLE: the store is down');
      return;
    }
    this.logger.error({ event: 'grpc.call_failed', method, code: error.code, status: grpcStatusName(error.grpcStatus), err: error }, `${method} failed`);
  }
}

/**
 * Serves `tickwire.v1.SnapshotService` over `options.store`, plus `grpc.health.v1.Health` and server
 * reflection. Resolves once the port is bound and calls are accepted.
 */
export async function startSnapshotGrpcServer(options: SnapshotGrpcServerOptions): Promise<SnapshotGrpcServer> {
  const resolved = parseSnapshotGrpcServerOptions(options);
  const { store, logger } = options;
  const recorder = createGrpcCallRecorder(options.registry);
  const health = new HealthStatusTable(['', SNAPSHOT_SERVICE_NAME], options.serving === false ? HealthServingStatus.NOT_SERVING : HealthServingStatus.SERVING);
  const projections = new ProjectionCache(resolved.projectionCacheEntries);
  const server = new Server();
  const impl = new SnapshotGrpcServerImpl(server, health, logger);

  server.addService(SERVER_DEFINITION, {
    getSnapshots: impl.unary<GetSnapshotsRequest>('GetSnapshots', recorder, async (request) => {
      const mode = resolveMode(request.mode);
      assertSymbolList(request.symbols, resolved.maxSymbolsPerRequest);
      const stored = await store.getLatest(request.symbols);
      const snapshots: Uint8Array[] = [];
      const unknown: string[] = [];
      for (let i = 0; i < stored.length; i += 1) {
        const entry = stored[i];
        if (entry === undefined) unknown.push(request.symbols[i]!);
        // Stored snapshots are full state with snapshot = true: FULL goes out as stored.
        else if (mode === SubscriptionMode.FULL) snapshots.push(entry.data);
        else snapshots.push(projections.project(entry, mode));
      }
      return encodeRepeatedMessages(snapshots, unknown);
    }),
    listInstruments: impl.unary<ListInstrumentsRequest>('ListInstruments', recorder, async (request) => {
      assertSymbolPrefix(request.prefix);
      const limit = resolveListLimit(request.limit, resolved.defaultListLimit, resolved.maxListLimit);
      const list = await store.listInstruments(request.prefix, limit);
      return encodeRepeatedMessages(list.map((entry) => entry.data));
    }),
    getCandles: impl.unary<GetCandlesRequest>('GetCandles', recorder, async (request) => {
      assertSymbolField(request.symbol, 'symbol');
      assertCandleRange(request.fromTsNs, request.toTsNs);
      const candles = await store.getCandles(request.symbol, request.fromTsNs, request.toTsNs);
      return encodeRepeatedMessages(candles.map((entry) => entry.data));
    }),
  });
  server.addService(HEALTH_SERVICE_DEFINITION, health.handlers);
  addServerReflection(server);

  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const bindTo = `${host}:${resolved.port}`;
  impl.port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(bindTo, ServerCredentials.createInsecure(), (error, bound) => {
      if (!error) return resolve(bound);
      server.forceShutdown();
      reject(new SnapshotGrpcError('SNAPSHOT_GRPC_ERR_INVALID_OPTION', `cannot listen on ${bindTo}: ${error.message}`, { cause: error }));
    });
  });
  impl.address = `${host}:${impl.port}`;
  const address = impl.address;
  logger.info({ event: 'grpc.listening', address }, `SnapshotService listening on ${address}`);
  return impl;
}
