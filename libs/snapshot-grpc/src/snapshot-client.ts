import { credentials, makeGenericClientConstructor, Metadata, status as GrpcStatus, type CallOptions, type Client, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { GetCandlesRequest, GetCandlesResponse, GetSnapshotsRequest, GetSnapshotsResponse, ListInstrumentsRequest, ListInstrumentsResponse, type Candle, type Instrument, type SubscriptionMode } from '@tickwire/protocol';
import { SnapshotServiceService } from '@tickwire/protocol/grpc';
import { ERROR_CODE_METADATA_KEY, isSnapshotGrpcErrorCode, SNAPSHOT_GRPC_ERRORS, SnapshotClientError, SnapshotGrpcError, type SnapshotGrpcErrorCode } from './errors';
import { grpcStatusName } from './grpc-metrics';
import { HEALTH_SERVICE_DEFINITION, HealthServingStatus } from './health-service';

/** Every call gets this deadline unless the call or the client says otherwise. */
export const DEFAULT_CLIENT_DEADLINE_MS = 2_000;

/**
 * Longest wait between attempts to reconnect to an unreachable snapshot service. gRPC's own default grows
 * to 120 s: after an outage of a few minutes the client went on failing every call (the edge answering
 * `unavailable` and HTTP 503) for up to two minutes after the service was back. An attempt a second to a
 * service that is down costs nothing.
 */
export const DEFAULT_MAX_RECONNECT_BACKOFF_MS = 1_000;

export interface SnapshotClientOptions {
  /** Default `DEFAULT_CLIENT_DEADLINE_MS`. */
  readonly defaultDeadlineMs?: number;
  /** Default `DEFAULT_MAX_RECONNECT_BACKOFF_MS`. */
  readonly maxReconnectBackoffMs?: number;
}

/** gRPC's default first reconnect backoff, kept unless the maximum is lower. */
const GRPC_INITIAL_RECONNECT_BACKOFF_MS = 1_000;

export interface SnapshotCallOptions {
  readonly deadlineMs?: number;
}

const STATUS_TO_CODE: Readonly<Partial<Record<number, SnapshotGrpcErrorCode>>> = Object.freeze({
  [GrpcStatus.INVALID_ARGUMENT]: 'SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT',
  [GrpcStatus.UNAVAILABLE]: 'SNAPSHOT_GRPC_ERR_UNAVAILABLE',
  [GrpcStatus.DEADLINE_EXCEEDED]: 'SNAPSHOT_GRPC_ERR_DEADLINE_EXCEEDED',
  [GrpcStatus.CANCELLED]: 'SNAPSHOT_GRPC_ERR_CANCELLED',
  [GrpcStatus.INTERNAL]: 'SNAPSHOT_GRPC_ERR_INTERNAL',
});

/**
 * A failed call as a `SnapshotClientError`: the server's stable code when it sent one (trailer
 * `tickwire-error-code`), else a code from the gRPC status (connection failures, deadlines).
 */
export function clientErrorFrom(error: ServiceError): SnapshotClientError {
  const sent = error.metadata?.get(ERROR_CODE_METADATA_KEY)[0];
  if (isSnapshotGrpcErrorCode(sent)) {
    // The server's details are the whole message ("<code's message>: <detail>"): keep its detail only.
    const prefix = `${SNAPSHOT_GRPC_ERRORS[sent].message}: `;
    const detail = error.details.startsWith(prefix) ? error.details.slice(prefix.length) : error.details || undefined;
    return new SnapshotClientError(sent, detail, { cause: error, grpcStatus: error.code });
  }
  const code = STATUS_TO_CODE[error.code] ?? 'SNAPSHOT_GRPC_ERR_UNEXPECTED_STATUS';
  return new SnapshotClientError(code, `${grpcStatusName(error.code)}${error.details ? `: ${error.details}` : ''}`, { cause: error, grpcStatus: error.code });
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new SnapshotClientError('SNAPSHOT_GRPC_ERR_INVALID_OPTION', `${name} must be an integer >= 1 (milliseconds), got ${String(value)}`);
  return value;
}

const HealthClient = makeGenericClientConstructor(HEALTH_SERVICE_DEFINITION, 'grpc.health.v1.Health');

type UndecodedUnary<Req> = (request: Req, metadata: Metadata, options: CallOptions, done: (error: ServiceError | null, response: Buffer) => void) => ClientUnaryCall;

interface UndecodedSnapshotServiceClient extends Client {
  getSnapshots: UndecodedUnary<GetSnapshotsRequest>;
  listInstruments: UndecodedUnary<ListInstrumentsRequest>;
  getCandles: UndecodedUnary<GetCandlesRequest>;
}

/**
 * The generated service with every response handed over undecoded: `SnapshotClient` decodes it after grpc-js
 * is done with the call. Decoded where grpc-js' call objects could reach them, a GetSnapshots answer's 100
 * updates outlived young-generation GCs with those objects: copied, promoted, and a mark-compact every ~100
 * calls. Hand-taken (docs/benchmarks.md): p99 6.2-7.7 ms before, 1.6-1.7 ms after.
 */
const UNDECODED_RESPONSES = Object.fromEntries(Object.entries(SnapshotServiceService).map(([name, method]) => [name, { ...method, responseDeserialize: (bytes: Buffer): Buffer => bytes }]));
const UndecodedSnapshotServiceClient = makeGenericClientConstructor(UNDECODED_RESPONSES, 'tickwire.v1.SnapshotService') as unknown as new (...args: ConstructorParameters<typeof Client>) => UndecodedSnapshotServiceClient;

/** `decode` for a method's response: bytes that are not one reject as INTERNAL, naming the method. */
function responseDecoder<T>(method: string, decode: (bytes: Uint8Array) => T): (bytes: Buffer) => T {
  return (bytes) => {
    try {
      return decode(bytes);
    } catch (error) {
      throw new SnapshotClientError('SNAPSHOT_GRPC_ERR_INTERNAL', `the ${method} response could not be decoded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
}

const decodeGetSnapshots = responseDecoder('GetSnapshots', (bytes) => GetSnapshotsResponse.decode(bytes));
const decodeListInstruments = responseDecoder('ListInstruments', (bytes) => ListInstrumentsResponse.decode(bytes).instruments);
const decodeGetCandles = responseDecoder('GetCandles', (bytes) => GetCandlesResponse.decode(bytes).candles);
const asIs = <T>(response: T): T => response;

/**
 * A typed client of `tickwire.v1.SnapshotService`. One HTTP/2 connection, shared by every call; it
 * reconnects by itself. Every call has a deadline; failures reject with `SnapshotClientError`, whose
 * `retryable` says whether the same call can succeed later.
 */
export class SnapshotClient {
  private readonly client: UndecodedSnapshotServiceClient;
  private readonly defaultDeadlineMs: number;
  private healthClient: Client | undefined;
  private closed = false;

  constructor(
    readonly address: string,
    options: SnapshotClientOptions = {},
  ) {
    if (typeof address !== 'string' || address.length === 0) throw new SnapshotClientError('SNAPSHOT_GRPC_ERR_INVALID_OPTION', `address must be host:port, got ${JSON.stringify(address)}`);
    this.defaultDeadlineMs = positiveInteger(options.defaultDeadlineMs ?? DEFAULT_CLIENT_DEADLINE_MS, 'defaultDeadlineMs');
    const maxBackoffMs = positiveInteger(options.maxReconnectBackoffMs ?? DEFAULT_MAX_RECONNECT_BACKOFF_MS, 'maxReconnectBackoffMs');
    this.client = new UndecodedSnapshotServiceClient(address, credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': Math.min(GRPC_INITIAL_RECONNECT_BACKOFF_MS, maxBackoffMs),
      'grpc.max_reconnect_backoff_ms': maxBackoffMs,
    });
  }

  /** One snapshot (snapshot = true, cut to `mode`) per known symbol in request order, and the unknown symbols. */
  getSnapshots(symbols: readonly string[], mode: SubscriptionMode, options?: SnapshotCallOptions): Promise<GetSnapshotsResponse> {
    const request = GetSnapshotsRequest.fromPartial({ symbols: [...symbols], mode });
    return this.call(options, (callOptions, done) => this.client.getSnapshots(request, new Metadata(), callOptions, done), decodeGetSnapshots);
  }

  /** Instruments whose symbol starts with `prefix` ('' = all), by symbol; `limit` 0 = the server's default. */
  listInstruments(prefix: string, limit: number, options?: SnapshotCallOptions): Promise<Instrument[]> {
    const request = ListInstrumentsRequest.fromPartial({ prefix, limit });
    return this.call(options, (callOptions, done) => this.client.listInstruments(request, new Metadata(), callOptions, done), decodeListInstruments);
  }

  /** One-minute candles starting in `[fromNs, toNs)` (Unix epoch ns), oldest first. */
  getCandles(symbol: string, fromNs: bigint, toNs: bigint, options?: SnapshotCallOptions): Promise<Candle[]> {
    const request = GetCandlesRequest.fromPartial({ symbol, fromTsNs: fromNs, toTsNs: toNs });
    return this.call(options, (callOptions, done) => this.client.getCandles(request, new Metadata(), callOptions, done), decodeGetCandles);
  }

  /** grpc.health.v1 Check of the SnapshotService: `SERVING`, `NOT_SERVING`, ... */
  async checkHealth(options?: SnapshotCallOptions): Promise<keyof typeof HealthServingStatus> {
    this.healthClient ??= new HealthClient(this.address, credentials.createInsecure(), { channelOverride: this.client.getChannel() });
    const client = this.healthClient as unknown as { check(request: { service: string }, metadata: Metadata, options: CallOptions, done: (error: ServiceError | null, response: { status: number }) => void): void };
    const response = await this.call(options, (callOptions, done: (error: ServiceError | null, response: { status: number }) => void) => client.check({ service: 'tickwire.v1.SnapshotService' }, new Metadata(), callOptions, done), asIs);
    const name = (Object.keys(HealthServingStatus) as (keyof typeof HealthServingStatus)[]).find((key) => HealthServingStatus[key] === response.status);
    return name ?? 'UNKNOWN';
  }

  /** Closes the connection; calls afterwards reject with `SNAPSHOT_GRPC_ERR_CLIENT_CLOSED`. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.healthClient?.close();
    this.client.close();
  }

  /**
   * Starts a call with its deadline; `decode` turns what grpc-js hands over into the result (or throws a
   * SnapshotClientError). It runs in a continuation of its own, so the result is not reachable from
   * grpc-js' call objects (through the promise their callback resolves): see UNDECODED_RESPONSES.
   */
  private call<R, T>(options: SnapshotCallOptions | undefined, start: (callOptions: CallOptions, done: (error: ServiceError | null, response: R) => void) => void, decode: (response: R) => T): Promise<T> {
    if (this.closed) return Promise.reject(new SnapshotClientError('SNAPSHOT_GRPC_ERR_CLIENT_CLOSED', this.address));
    let deadlineMs: number;
    try {
      deadlineMs = positiveInteger(options?.deadlineMs ?? this.defaultDeadlineMs, 'deadlineMs');
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<R>((resolve, reject) => {
      try {
        start({ deadline: Date.now() + deadlineMs }, (error, response) => (error ? reject(clientErrorFrom(error)) : resolve(response)));
      } catch (error) {
        // Serialization of a malformed request throws synchronously (e.g. a non-string symbol).
        reject(error instanceof SnapshotGrpcError ? error : new SnapshotClientError('SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', error instanceof Error ? error.message : String(error), { cause: error }));
      }
    }).then(decode);
  }
}
