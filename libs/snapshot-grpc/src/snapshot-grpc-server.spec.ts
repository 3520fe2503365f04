import { dirname, join } from 'node:path';
import { Client, credentials, loadPackageDefinition, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync } from '@grpc/proto-loader';
import { Candle, Instrument, MarketUpdate, MODE_FIELDS, projectUpdate, SubscriptionMode, TradeKind } from '@tickwire/protocol';
import { createLogger, createMetrics, type Registry } from '@tickwire/runtime';
import { MemorySnapshotStore, StoreError, type SnapshotStore } from '@tickwire/store';
import { SnapshotClient } from './snapshot-client';
import { ERROR_CODE_METADATA_KEY, SnapshotClientError } from './errors';
import { encodeRepeatedMessages } from './response-encoding';
import { startSnapshotGrpcServer, type SnapshotGrpcServer } from './snapshot-grpc-server';

const logger = createLogger({ service: 'snapshot-grpc-test', level: 'silent' });

function fullUpdate(symbol: string, seq: bigint): MarketUpdate {
  return MarketUpdate.fromPartial({
    symbol,
    seq,
    epoch: 7n,
    exchangeTsNs: 34_200_000_000_000n,
    publishTsNs: 1_700_000_000_000_000_000n,
    ltp: 1_234_500,
    lastSize: 100n,
    quote: { bidPrice: 1_234_400, bidSize: 300n, askPrice: 1_234_600, askSize: 200n },
    ohlc: { open: 1_200_000, high: 1_250_000, low: 1_190_000, close: 1_234_500 },
    volume: 10_000n,
    vwap: 1_220_000.5,
    depth: { bids: [{ price: 1_234_400, size: 300n, orders: 2 }], asks: [{ price: 1_234_600, size: 200n, orders: 1 }] },
    trades: [],
    status: 1,
    snapshot: true,
    changed: 0xff,
  });
}

async function storeSnapshots(store: SnapshotStore, updates: readonly MarketUpdate[]): Promise<void> {
  await store.putLatest(updates.map((u) => ({ symbol: u.symbol, epoch: u.epoch, seq: u.seq, data: MarketUpdate.encode(u).finish() })));
}

async function expectClientError(promise: Promise<unknown>, expected: Partial<SnapshotClientError>): Promise<SnapshotClientError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnapshotClientError);
  expect(error).toMatchObject(expected);
  return error as SnapshotClientError;
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = (metric?.values as { labels: Record<string, string>; value: number }[] | undefined)?.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return value?.value ?? 0;
}

describe('SnapshotService over a MemorySnapshotStore (real gRPC server on loopback, real client)', () => {
  let store: MemorySnapshotStore;
  let server: SnapshotGrpcServer;
  let client: SnapshotClient;
  let registry: Registry;

  beforeEach(async () => {
    store = new MemorySnapshotStore();
    registry = createMetrics({ service: 'snapshot-grpc-test', defaultMetrics: false });
    server = await startSnapshotGrpcServer({ store, port: 0, logger, registry, maxSymbolsPerRequest: 5, defaultListLimit: 2, maxListLimit: 3 });
    client = new SnapshotClient(server.address);
  });

  afterEach(async () => {
    client.close();
    await server.close(1_000);
  });

  it('binds an ephemeral loopback port and reports it', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.address).toBe(`127.0.0.1:${server.port}`);
  });

  it('GetSnapshots returns the stored state of every known symbol in request order, with its seq, and lists unknown symbols', async () => {
    await storeSnapshots(store, [fullUpdate('MSFT', 12n), fullUpdate('AAPL', 41n)]);
    const response = await client.getSnapshots(['AAPL', 'NOPE', 'MSFT', 'ZZZ'], SubscriptionMode.FULL);
    expect(response.snapshots.map((s) => [s.symbol, s.seq, s.epoch, s.snapshot])).toEqual([
      ['AAPL', 41n, 7n, true],
      ['MSFT', 12n, 7n, true],
    ]);
    expect(response.unknownSymbols).toEqual(['NOPE', 'ZZZ']);
    expect(response.snapshots[0]).toEqual(fullUpdate('AAPL', 41n));
  });

  it('cuts snapshots to the mode with projectUpdate; UNSPECIFIED means FULL', async () => {
    const aapl = fullUpdate('AAPL', 3n);
    await storeSnapshots(store, [aapl]);
    for (const mode of [SubscriptionMode.LTP, SubscriptionMode.QUOTE, SubscriptionMode.FULL]) {
      const { snapshots } = await client.getSnapshots(['AAPL'], mode);
      expect(snapshots).toEqual([MarketUpdate.decode(MarketUpdate.encode(projectUpdate(aapl, MODE_FIELDS[mode])).finish())]);
    }
    const ltp = (await client.getSnapshots(['AAPL'], SubscriptionMode.LTP)).snapshots[0]!;
    expect(ltp).toMatchObject({ ltp: 1_234_500, volume: 10_000n, quote: undefined, depth: undefined, snapshot: true });
    expect((await client.getSnapshots(['AAPL'], SubscriptionMode.UNSPECIFIED)).snapshots).toEqual([aapl]);
  });

  it('answers LTP and QUOTE with the newest stored state after it changed (projections are kept per seq, never served stale)', async () => {
    await storeSnapshots(store, [fullUpdate('AAPL', 3n)]);
    for (const mode of [SubscriptionMode.LTP, SubscriptionMode.QUOTE]) expect((await client.getSnapshots(['AAPL'], mode)).snapshots[0]).toMatchObject({ seq: 3n, ltp: 1_234_500 });
    const newer = MarketUpdate.fromPartial({ ...fullUpdate('AAPL', 4n), ltp: 1_300_000, quote: { bidPrice: 1_299_900, bidSize: 1n, askPrice: 1_300_100, askSize: 2n } });
    await storeSnapshots(store, [newer]);
    for (const mode of [SubscriptionMode.LTP, SubscriptionMode.QUOTE]) {
      const { snapshots } = await client.getSnapshots(['AAPL', 'AAPL'], mode);
      expect(snapshots).toEqual([0, 1].map(() => MarketUpdate.decode(MarketUpdate.encode(projectUpdate(newer, MODE_FIELDS[mode])).finish())));
    }
  });

  it('refuses bad arguments with INVALID_ARGUMENT naming the field, before touching the store', async () => {
    const cases: [Promise<unknown>, string][] = [
      [client.getSnapshots([], SubscriptionMode.FULL), 'symbols: at least one'],
      [client.getSnapshots(['AAPL', 'B D'], SubscriptionMode.FULL), 'symbols[1]'],
      [client.getSnapshots(['AAPL', ''], SubscriptionMode.FULL), 'symbols[1]'],
      [client.getSnapshots(['x'.repeat(65)], SubscriptionMode.FULL), 'symbols[0]'],
      [client.getSnapshots(['AAPL'], 7 as SubscriptionMode), 'mode'],
      [client.listInstruments('A{', 1), 'prefix'],
      [client.getCandles('AAPL', 10n, 10n), 'to_ts_ns'],
      [client.getCandles('A A', 0n, 10n), 'symbol'],
    ];
    for (const [call, field] of cases) {
      const error = await expectClientError(call, { code: 'SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', grpcStatus: GrpcStatus.INVALID_ARGUMENT, retryable: false });
      expect(error.message).toContain(field);
    }
    const tooMany = await expectClientError(client.getSnapshots(['A', 'B', 'C', 'D', 'E', 'F'], SubscriptionMode.FULL), { code: 'SNAPSHOT_GRPC_ERR_TOO_MANY_SYMBOLS', grpcStatus: GrpcStatus.INVALID_ARGUMENT });
    expect(tooMany.message).toBe('too many symbols in one request: symbols: 6 given, at most 5 per request');
    expect(await metricValue(registry, 'tickwire_snapshot_grpc_errors_total', { method: 'GetSnapshots', status: 'INVALID_ARGUMENT' })).toBe(6);
  });

  it('answers request bytes that do not decode with INVALID_ARGUMENT (not grpc-js INTERNAL), counted', async () => {
    const raw = new Client(server.address, credentials.createInsecure());
    const call = (method: string, bytes: number[]): Promise<ServiceError | null> =>
      new Promise((resolve) => raw.makeUnaryRequest(`/tickwire.v1.SnapshotService/${method}`, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(bytes), new Metadata(), { deadline: Date.now() + 2_000 }, (error) => resolve(error)));
    // A length past the end, a truncated varint, a field of wire type 7.
    const errors = [await call('GetSnapshots', [0x0a, 0xf3, 0x41]), await call('ListInstruments', [0x10, 0xcd]), await call('GetCandles', [0x0f])];
    raw.close();
    for (const error of errors) {
      expect(error).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
      expect(error!.metadata.get(ERROR_CODE_METADATA_KEY)).toEqual(['SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT']);
    }
    expect(errors[0]!.details).toMatch(/^invalid argument: the request is not a valid GetSnapshotsRequest: /);
    for (const method of ['GetSnapshots', 'ListInstruments', 'GetCandles']) expect(await metricValue(registry, 'tickwire_snapshot_grpc_errors_total', { method, status: 'INVALID_ARGUMENT' })).toBe(1);
  });

  it('ListInstruments lists by prefix in symbol order; limit 0 is the default, a large limit is cut to the maximum', async () => {
    const symbols = ['AA', 'AAPL', 'AMD', 'AMZN', 'MSFT'];
    await store.putInstruments(symbols.map((symbol, locate) => ({ symbol, data: Instrument.encode(Instrument.fromPartial({ symbol, locate, roundLotSize: 100 })).finish() })));
    expect((await client.listInstruments('A', 0)).map((i) => i.symbol)).toEqual(['AA', 'AAPL']);
    expect((await client.listInstruments('A', 1000)).map((i) => i.symbol)).toEqual(['AA', 'AAPL', 'AMD']);
    expect((await client.listInstruments('AM', 3)).map((i) => [i.symbol, i.locate, i.roundLotSize])).toEqual([
      ['AMD', 2, 100],
      ['AMZN', 3, 100],
    ]);
    expect(await client.listInstruments('Q', 3)).toEqual([]);
  });

  it('GetCandles returns the bars starting in [from, to), oldest first', async () => {
    const minute = 60_000_000_000n;
    const bars = [1n, 2n, 3n].map((m) => Candle.fromPartial({ startTsNs: m * minute, open: 10, high: 12, low: 9, close: 11, volume: 300n, trades: 3 }));
    await store.appendCandles('AAPL', bars.map((c) => ({ startNs: c.startTsNs, data: Candle.encode(c).finish() })));
    expect(await client.getCandles('AAPL', 2n * minute, 4n * minute)).toEqual(bars.slice(1));
    expect(await client.getCandles('NOPE', 0n, 4n * minute)).toEqual([]);
  });

  it('reports health SERVING, NOT_SERVING after setServing(false), SERVING again after setServing(true)', async () => {
    expect(await client.checkHealth()).toBe('SERVING');
    server.setServing(false);
    expect(await client.checkHealth()).toBe('NOT_SERVING');
    server.setServing(true);
    expect(await client.checkHealth()).toBe('SERVING');
  });

  it('answers server reflection (what grpcurl uses): the services, and descriptors complete enough to call GetSnapshots and Health.Check with', async () => {
    await storeSnapshots(store, [fullUpdate('AAPL', 41n)]);
    // A reflection client built from the standard grpc.reflection.v1 proto, as grpcurl is.
    const reflectionProto = join(dirname(require.resolve('@grpc/reflection')), '../proto/grpc/reflection/v1/reflection.proto');
    type Reflected = { listServicesResponse?: { service: { name: string }[] }; fileDescriptorResponse?: { fileDescriptorProto: Buffer[] }; errorResponse?: { errorCode: number } };
    type ReflectionStream = { write(request: object): void; end(): void; on(event: 'data', f: (r: Reflected) => void): void; on(event: 'error', f: (e: Error) => void): void };
    const reflectionPackage = loadPackageDefinition(loadSync(reflectionProto, { oneofs: true })) as unknown as { grpc: { reflection: { v1: { ServerReflection: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client & { ServerReflectionInfo(): ReflectionStream } } } } };
    const reflection = new reflectionPackage.grpc.reflection.v1.ServerReflection(server.address, credentials.createInsecure());
    const ask = (request: object): Promise<Reflected> =>
      new Promise((resolve, reject) => {
        const stream = reflection.ServerReflectionInfo();
        stream.on('data', (response) => {
          resolve(response);
          stream.end();
        });
        stream.on('error', reject);
        stream.write(request);
      });
    try {
      expect((await ask({ listServices: '' })).listServicesResponse?.service.map((s) => s.name)).toEqual(expect.arrayContaining(['tickwire.v1.SnapshotService', 'grpc.health.v1.Health']));
      expect((await ask({ fileContainingSymbol: 'tickwire.v1.NoSuchService' })).errorResponse?.errorCode).toBe(GrpcStatus.NOT_FOUND);

      // The file of the service and every file it imports: wrapped into a FileDescriptorSet (field 1, repeated
      // FileDescriptorProto), they make a client that calls the real service.
      const reflectedPackage = async (symbol: string): Promise<unknown> => {
        const files = (await ask({ fileContainingSymbol: symbol })).fileDescriptorResponse?.fileDescriptorProto ?? [];
        return loadPackageDefinition(loadFileDescriptorSetFromBuffer(encodeRepeatedMessages(files), { longs: String, enums: String }));
      };
      type Unary<Res> = (request: object, done: (error: ServiceError | null, response: Res) => void) => void;
      type Stub<Methods> = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client & Methods;
      const call = <Res>(method: Unary<Res>, request: object): Promise<Res> => new Promise((resolve, reject) => method(request, (error, response) => (error ? reject(error) : resolve(response))));

      const snapshots = (await reflectedPackage('tickwire.v1.SnapshotService')) as { tickwire: { v1: { SnapshotService: Stub<{ GetSnapshots: Unary<{ snapshots: { symbol: string; seq: string }[] }> }> } } };
      const viaReflection = new snapshots.tickwire.v1.SnapshotService(server.address, credentials.createInsecure());
      const health = (await reflectedPackage('grpc.health.v1.Health')) as { grpc: { health: { v1: { Health: Stub<{ Check: Unary<{ status: string }> }> } } } };
      const healthViaReflection = new health.grpc.health.v1.Health(server.address, credentials.createInsecure());
      try {
        const response = await call(viaReflection.GetSnapshots.bind(viaReflection), { symbols: ['AAPL'], mode: 'SUBSCRIPTION_MODE_FULL' });
        expect(response.snapshots.map((s) => [s.symbol, s.seq])).toEqual([['AAPL', '41']]);
        expect(await call(healthViaReflection.Check.bind(healthViaReflection), { service: 'tickwire.v1.SnapshotService' })).toEqual({ status: 'SERVING' });
      } finally {
        viaReflection.close();
        healthViaReflection.close();
      }
    } finally {
      reflection.close();
    }
  });

  it('records latency by method', async () => {
    await client.getSnapshots(['AAPL'], SubscriptionMode.FULL);
    await client.listInstruments('', 1);
    const histogram = (await registry.getMetricsAsJSON()).find((m) => m.name === 'tickwire_snapshot_grpc_request_duration_seconds');
    const counts = (histogram?.values as { labels: Record<string, string>; metricName?: string; value: number }[]).filter((v) => v.metricName?.endsWith('_count'));
    expect(Object.fromEntries(counts.map((v) => [v.labels['method'], v.value]))).toEqual({ GetSnapshots: 1, ListInstruments: 1 });
  });
});

/** A store whose reads can be made to fail or to hang, to drive the server's error paths. */
class ScriptedStore extends MemorySnapshotStore {
  failWith: unknown;
  hang: Promise<void> | undefined;
  /** Called when a read starts hanging. */
  onHang: (() => void) | undefined;
  reads = 0;

  override async getLatest(symbols: readonly string[]) {
    this.reads += 1;
    if (this.hang) {
      this.onHang?.();
      await this.hang;
    }
    if (this.failWith) throw this.failWith;
    return super.getLatest(symbols);
  }
}

describe('SnapshotService failure paths', () => {
  let store: ScriptedStore;
  let server: SnapshotGrpcServer;
  let client: SnapshotClient;
  let registry: Registry;

  beforeEach(async () => {
    store = new ScriptedStore();
    registry = createMetrics({ service: 'snapshot-grpc-test', defaultMetrics: false });
    server = await startSnapshotGrpcServer({ store, port: 0, logger, registry });
    client = new SnapshotClient(server.address, { defaultDeadlineMs: 5_000 });
  });

  afterEach(async () => {
    client.close();
    await server.close(500);
  });

  it('answers UNAVAILABLE with a clear, retryable error while the store is unavailable', async () => {
    store.failWith = new StoreError('STORE_ERR_UNAVAILABLE', 'getLatest: connect ECONNREFUSED 127.0.0.1:6379');
    const error = await expectClientError(client.getSnapshots(['AAPL'], SubscriptionMode.FULL), { code: 'SNAPSHOT_GRPC_ERR_STORE_UNAVAILABLE', grpcStatus: GrpcStatus.UNAVAILABLE, retryable: true });
    expect(error.message).toBe('the snapshot store is unavailable: the store backend is unavailable: getLatest: connect ECONNREFUSED 127.0.0.1:6379');
  });

  it('answers INTERNAL for a corrupt stored value', async () => {
    store.failWith = new StoreError('STORE_ERR_CORRUPT_VALUE', 'tw:latest:{AAPL} does not start with a valid version');
    await expectClientError(client.getSnapshots(['AAPL'], SubscriptionMode.FULL), { code: 'SNAPSHOT_GRPC_ERR_INTERNAL', grpcStatus: GrpcStatus.INTERNAL, retryable: false });
  });

  it('honours the deadline: the client gets DEADLINE_EXCEEDED and the late store answer is dropped', async () => {
    let release!: () => void;
    store.hang = new Promise<void>((resolve) => (release = resolve));
    const hanging = new Promise<void>((resolve) => (store.onHang = resolve));
    // The deadline leaves a loaded machine time to reach the handler: a call cancelled before it runs never
    // reads the store, and the late answer this test is about never comes.
    const call = expectClientError(client.getSnapshots(['AAPL'], SubscriptionMode.FULL, { deadlineMs: 1_000 }), { code: 'SNAPSHOT_GRPC_ERR_DEADLINE_EXCEEDED', retryable: true });
    await hanging;
    await call;
    release();
    // The handler sees the passed deadline when the store answers and records it instead of answering.
    // Generous on purpose: CI runs many suites at once on two cores.
    for (let i = 0; i < 250 && (await metricValue(registry, 'tickwire_snapshot_grpc_errors_total', { method: 'GetSnapshots', status: 'DEADLINE_EXCEEDED' })) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await metricValue(registry, 'tickwire_snapshot_grpc_errors_total', { method: 'GetSnapshots', status: 'DEADLINE_EXCEEDED' })).toBe(1);
    expect(await metricValue(registry, 'tickwire_snapshot_grpc_errors_total', { method: 'GetSnapshots', status: 'OK' })).toBe(0);
  });

  it('after close() the server refuses calls with UNAVAILABLE and reports NOT_SERVING to the last', async () => {
    expect(await client.checkHealth()).toBe('SERVING');
    await server.close(500);
    // Refused connects fail the call at once; the long deadline only keeps a loaded CI machine from turning that into DEADLINE_EXCEEDED.
    await expectClientError(client.getSnapshots(['AAPL'], SubscriptionMode.FULL, { deadlineMs: 5_000 }), { code: 'SNAPSHOT_GRPC_ERR_UNAVAILABLE', grpcStatus: GrpcStatus.UNAVAILABLE, retryable: true });
  });

  it('refuses invalid options, naming the option', async () => {
    await expect(startSnapshotGrpcServer({ store, port: 70_000, logger })).rejects.toMatchObject({ code: 'SNAPSHOT_GRPC_ERR_INVALID_OPTION', message: expect.stringContaining('port') });
    await expect(startSnapshotGrpcServer({ store, port: 0, logger, maxSymbolsPerRequest: 0 })).rejects.toMatchObject({ message: expect.stringContaining('maxSymbolsPerRequest') });
    await expect(startSnapshotGrpcServer({ store, port: 0, logger, defaultListLimit: 50, maxListLimit: 10 })).rejects.toMatchObject({ message: expect.stringContaining('defaultListLimit') });
    expect(() => new SnapshotClient(server.address, { defaultDeadlineMs: 0 })).toThrow(expect.objectContaining({ code: 'SNAPSHOT_GRPC_ERR_INVALID_OPTION' }));
  });

  it('keeps TradeKind and the other enums intact through FULL passthrough', async () => {
    const update = MarketUpdate.fromPartial({ symbol: 'X', seq: 1n, epoch: 1n, snapshot: true, trades: [{ price: 1, size: 1n, matchNumber: 9n, exchangeTsNs: 5n, kind: TradeKind.CROSS_OPEN }] });
    await store.putLatest([{ symbol: 'X', epoch: 1n, seq: 1n, data: MarketUpdate.encode(update).finish() }]);
    expect((await client.getSnapshots(['X'], SubscriptionMode.FULL)).snapshots).toEqual([update]);
  });
});
