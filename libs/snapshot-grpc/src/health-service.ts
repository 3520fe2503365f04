import { status as GrpcStatus, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';

/**
 * The standard `grpc.health.v1.Health` service (Check and Watch), so load balancers, Kubernetes gRPC
 * probes and `grpc_health_probe` can ask whether the snapshot service is serving. Written by hand
 * because its two messages are tiny (`HealthCheckRequest { string service = 1; }`,
 * `HealthCheckResponse { ServingStatus status = 1; }`) and the `grpc-health-check` package is not a
 * dependency here. `proto/grpc/health/v1/health.proto` states them, for server reflection.
 */
export const HealthServingStatus = {
  UNKNOWN: 0,
  SERVING: 1,
  NOT_SERVING: 2,
  SERVICE_UNKNOWN: 3,
} as const;
export type HealthServingStatus = (typeof HealthServingStatus)[keyof typeof HealthServingStatus];

export interface HealthCheckRequest {
  readonly service: string;
}

export interface HealthCheckResponse {
  readonly status: HealthServingStatus;
}

function decodeHealthRequest(bytes: Buffer): HealthCheckRequest {
  let service = '';
  let at = 0;
  while (at < bytes.length) {
    const tag = bytes[at++]!;
    const wireType = tag & 7;
    if (wireType === 2) {
      let length = 0;
      let shift = 0;
      for (;;) {
        if (at >= bytes.length) throw new Error('HealthCheckRequest: truncated');
        const b = bytes[at++]!;
        length += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (b < 0x80) break;
      }
      if (at + length > bytes.length) throw new Error('HealthCheckRequest: truncated');
      if (tag === 0x0a) service = bytes.toString('utf8', at, at + length);
      at += length;
    } else if (wireType === 0) {
      while (at < bytes.length && bytes[at++]! >= 0x80);
    } else {
      throw new Error(`HealthCheckRequest: unexpected wire type ${wireType}`);
    }
  }
  return { service };
}

function encodeHealthRequest(request: HealthCheckRequest): Buffer {
  const name = Buffer.from(request.service, 'utf8');
  if (name.length === 0) return Buffer.alloc(0);
  if (name.length > 127) throw new Error('HealthCheckRequest: service name longer than 127 bytes');
  return Buffer.concat([Buffer.of(0x0a, name.length), name]);
}

function encodeHealthResponse(response: HealthCheckResponse): Buffer {
  return response.status === 0 ? Buffer.alloc(0) : Buffer.of(0x08, response.status);
}

function decodeHealthResponse(bytes: Buffer): HealthCheckResponse {
  let status = 0;
  for (let at = 0; at + 1 < bytes.length; at += 2) if (bytes[at] === 0x08) status = bytes[at + 1]!;
  return { status: status as HealthServingStatus };
}

export const HEALTH_SERVICE_DEFINITION = {
  check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeHealthRequest,
    requestDeserialize: decodeHealthRequest,
    responseSerialize: encodeHealthResponse,
    responseDeserialize: decodeHealthResponse,
  },
  watch: {
    path: '/grpc.health.v1.Health/Watch',
    requestStream: false,
    responseStream: true,
    requestSerialize: encodeHealthRequest,
    requestDeserialize: decodeHealthRequest,
    responseSerialize: encodeHealthResponse,
    responseDeserialize: decodeHealthResponse,
  },
} as const;

/** Serving status per service name ('' = the whole server), and the Check/Watch handlers over it. */
export class HealthStatusTable {
  private readonly statuses = new Map<string, HealthServingStatus>();
  private readonly watchers = new Map<string, Set<ServerWritableStream<HealthCheckRequest, HealthCheckResponse>>>();

  constructor(services: readonly string[], initial: HealthServingStatus) {
    for (const service of services) this.statuses.set(service, initial);
  }

  set(status: HealthServingStatus): void {
    for (const service of this.statuses.keys()) {
      if (this.statuses.get(service) === status) continue;
      this.statuses.set(service, status);
      for (const call of this.watchers.get(service) ?? []) call.write({ status });
    }
  }

  /** Ends every Watch stream (server shutdown). */
  endWatches(): void {
    for (const calls of this.watchers.values()) for (const call of calls) call.end();
    this.watchers.clear();
  }

  readonly handlers = {
    check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>): void => {
      const status = this.statuses.get(call.request.service);
      if (status === undefined) callback({ code: GrpcStatus.NOT_FOUND, details: `unknown service ${JSON.stringify(call.request.service)}` });
      else callback(null, { status });
    },
    watch: (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>): void => {
      const service = call.request.service;
      call.write({ status: this.statuses.get(service) ?? HealthServingStatus.SERVICE_UNKNOWN });
      let calls = this.watchers.get(service);
      if (!calls) this.watchers.set(service, (calls = new Set()));
      calls.add(call);
      call.on('cancelled', () => calls.delete(call));
    },
  };
}
