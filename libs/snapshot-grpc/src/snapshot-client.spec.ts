import { Metadata, Server, ServerCredentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { SubscriptionMode } from '@tickwire/protocol';
import { SnapshotServiceService } from '@tickwire/protocol/grpc';
import { createServer } from 'node:net';
import { ERROR_CODE_METADATA_KEY } from './errors';
import { clientErrorFrom, SnapshotClient } from './snapshot-client';

/** A loopback port that was free a moment ago: nothing listens on it. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function serviceError(code: number, details: string, tickwireCode?: string): ServiceError {
  const metadata = new Metadata();
  if (tickwireCode) metadata.set(ERROR_CODE_METADATA_KEY, tickwireCode);
  return Object.assign(new Error(details), { code, details, metadata });
}

describe('SnapshotClient error mapping', () => {
  it('uses the code the server sent, without repeating its message', () => {
    const error = clientErrorFrom(serviceError(GrpcStatus.UNAVAILABLE, 'the snapshot store is unavailable: getLatest: ECONNREFUSED', 'SNAPSHOT_GRPC_ERR_STORE_UNAVAILABLE'));
    expect(error).toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_STORE_UNAVAILABLE', grpcStatus: GrpcStatus.UNAVAILABLE, retryable: true, message: 'the snapshot store is unavailable: getLatest: ECONNREFUSED' });
  });

  it('derives the code from the status when the server sent none', () => {
    expect(clientErrorFrom(serviceError(GrpcStatus.UNAVAILABLE, 'No connection established'))).toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_UNAVAILABLE', retryable: true, message: 'the snapshot service is unreachable: UNAVAILABLE: No connection established' });
    expect(clientErrorFrom(serviceError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'))).toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_DEADLINE_EXCEEDED', retryable: true });
    expect(clientErrorFrom(serviceError(GrpcStatus.CANCELLED, 'Cancelled'))).toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_CANCELLED' });
    expect(clientErrorFrom(serviceError(GrpcStatus.UNIMPLEMENTED, 'no such method'))).toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_UNEXPECTED_STATUS', grpcStatus: GrpcStatus.UNIMPLEMENTED, retryable: false });
  });

  it('ignores a trailer that is not one of our codes', () => {
    expect(clientErrorFrom(serviceError(GrpcStatus.INTERNAL, 'boom', 'SOMETHING_ELSE'))).toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_INTERNAL' });
  });

  it('reports a server nobody listens on as UNAVAILABLE, retryable, within the deadline', async () => {
    const client = new SnapshotClient(`127.0.0.1:${await closedPort()}`);
    try {
      await expect(client.getSnapshots(['AAPL'], SubscriptionMode.FULL, { deadlineMs: 2_000 })).rejects.toMatchObject({ code: expect.stringMatching(/^SNAPSHOT_GRPC_ERR_(UNAVAILABLE|DEADLINE_EXCEEDED)$/), retryable: true });
    } finally {
      client.close();
    }
  });

  it('rejects calls after close() with SNAPSHOT_GRPC_ERR_CLIENT_CLOSED', async () => {
    const client = new SnapshotClient('127.0.0.1:1');
    client.close();
    await expect(client.listInstruments('', 1)).rejects.toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_CLIENT_CLOSED', retryable: false });
  });

  it('rejects a bad reconnect backoff, naming it', () => {
    expect(() => new SnapshotClient('127.0.0.1:1', { maxReconnectBackoffMs: 0 })).toThrow(expect.objectContaining({ code: 'SNAPSHOT_GRPC_ERR_INVALID_OPTION', message: expect.stringContaining('maxReconnectBackoffMs') }));
  });

  it('rejects a bad per-call deadline without calling', async () => {
    const client = new SnapshotClient('127.0.0.1:1');
    try {
      await expect(client.getCandles('AAPL', 0n, 1n, { deadlineMs: -5 })).rejects.toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_INVALID_OPTION', message: expect.stringContaining('deadlineMs') });
    } finally {
      client.close();
    }
  });

  it('reports an answer that is not a valid response as INTERNAL, naming the method, and keeps serving', async () => {
    // A server answering every method with the same bytes: a field-1 length prefix running past the end.
    const server = new Server();
    let answer = Buffer.from([0x0a, 0x7f, 0x01]);
    const raw = (bytes: Buffer): Buffer => bytes;
    const definition = Object.fromEntries(Object.entries(SnapshotServiceService).map(([name, method]) => [name, { ...method, responseSerialize: raw }]));
    const reply = (_call: unknown, callback: (error: null, response: Buffer) => void): void => callback(null, answer);
    server.addService(definition, { getSnapshots: reply, listInstruments: reply, getCandles: reply });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
    const client = new SnapshotClient(`127.0.0.1:${port}`);
    try {
      await expect(client.getSnapshots(['AAPL'], SubscriptionMode.LTP)).rejects.toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_INTERNAL', message: expect.stringContaining('GetSnapshots response') });
      await expect(client.listInstruments('A', 10)).rejects.toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_INTERNAL', message: expect.stringContaining('ListInstruments response') });
      await expect(client.getCandles('AAPL', 0n, 1n)).rejects.toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_INTERNAL', message: expect.stringContaining('GetCandles response') });
      answer = Buffer.from([0x12, 0x04, 0x4d, 0x53, 0x46, 0x54]); // unknown_symbols: ["MSFT"]
      await expect(client.getSnapshots(['MSFT'], SubscriptionMode.LTP)).resolves.toEqual({ snapshots: [], unknownSymbols: ['MSFT'] });
    } finally {
      client.close();
      server.forceShutdown();
    }
  });
});
