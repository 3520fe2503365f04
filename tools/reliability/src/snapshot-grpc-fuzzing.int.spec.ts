import { Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { GetCandlesRequest, GetSnapshotsRequest, ListInstrumentsRequest, SubscriptionMode } from '@tickwire/protocol';
import { ERROR_CODE_METADATA_KEY, SnapshotClient, SnapshotClientError, symbolProblem } from '@tickwire/snapshot-grpc';
import { startNats, startRedis, type TestServer, ServiceProcess } from '@tickwire/testing';
import { mutate, mutationOps, protobufFields, symbolArbitrary } from './client-frames';
import { PrometheusSamples } from '@tickwire/testing';
import { SyntheticMarket } from './synthetic-market';
import { until } from './until';

/**
 * The SnapshotService of a real snapshot process (Redis behind it) under hostile gRPC calls: request bytes
 * that are random, mutated or lying, huge and invalid symbol lists, bad prefixes, inverted candle ranges,
 * 1 ms deadlines. Every call must end with a clear status (INVALID_ARGUMENT for what the caller got wrong),
 * be counted in `tickwire_snapshot_grpc_errors_total`, and the service must answer correctly afterwards.
 */

const SHARD_COUNT = 4;
const LIVE = ['GRPC.A', 'GRPCB'];
const MAX_SYMBOLS_PER_REQUEST = 1_000;
const CALLS_PER_METHOD = 1_000;
const SEED = 20_251_126;
/** grpc-js' default largest message a server receives. */
const GRPC_MAX_RECEIVE_BYTES = 4 * 1024 * 1024;

type Method = 'GetSnapshots' | 'ListInstruments' | 'GetCandles';
const METHODS: readonly Method[] = ['GetSnapshots', 'ListInstruments', 'GetCandles'];

interface Outcome {
  readonly code: number;
  readonly details: string;
  /** The service's stable code (`tickwire-error-code` trailer), when it sent one. */
  readonly errorCode: string | undefined;
}

/** What the service must answer to `bytes` on `method`: the same decoder the server uses, then the documented checks. */
function expectedStatus(method: Method, bytes: Uint8Array): number {
  const invalid = GrpcStatus.INVALID_ARGUMENT;
  try {
    switch (method) {
      case 'GetSnapshots': {
        const request = GetSnapshotsRequest.decode(bytes);
        const modeOk = [0, 1, 2, 3].includes(request.mode);
        const listOk = request.symbols.length >= 1 && request.symbols.length <= MAX_SYMBOLS_PER_REQUEST && request.symbols.every((s) => symbolProblem(s) === undefined);
        return modeOk && listOk ? GrpcStatus.OK : invalid;
      }
      case 'ListInstruments': {
        const request = ListInstrumentsRequest.decode(bytes);
        return symbolProblem(request.prefix, true) === undefined ? GrpcStatus.OK : invalid;
      }
      case 'GetCandles': {
        const request = GetCandlesRequest.decode(bytes);
        return symbolProblem(request.symbol) === undefined && request.toTsNs > request.fromTsNs ? GrpcStatus.OK : invalid;
      }
    }
  } catch {
    return invalid;
  }
}

/** Request bytes for `method`: random, random protobuf fields, valid requests with hostile values, and those mutated. */
function requestBytes(method: Method): fc.Arbitrary<Uint8Array> {
  const symbol = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...LIVE) }, { weight: 2, arbitrary: symbolArbitrary(LIVE) });
  const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  const valid: fc.Arbitrary<Uint8Array> =
    method === 'GetSnapshots'
      ? fc.record({ symbols: fc.array(symbol, { maxLength: 20 }), mode: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 100 }) }) }).map((r) => GetSnapshotsRequest.encode(r).finish())
      : method === 'ListInstruments'
        ? fc.record({ prefix: fc.oneof(symbol, fc.constant('')), limit: fc.nat({ max: 0xffff_ffff }) }).map((r) => ListInstrumentsRequest.encode(r).finish())
        : fc.record({ symbol, fromTsNs: u64, toTsNs: u64 }).map((r) => GetCandlesRequest.encode(r).finish());
  return fc.oneof(
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 2, arbitrary: protobufFields },
    { weight: 3, arbitrary: valid },
    { weight: 3, arbitrary: fc.tuple(valid, mutationOps).map(([bytes, ops]) => mutate(bytes, ops)) },
  );
}

describe('snapshot service process under hostile gRPC calls', () => {
  let nats: TestServer;
  let redis: TestServer;
  let service: ServiceProcess;
  let market: SyntheticMarket;
  let client: SnapshotClient;
  let raw: Client;
  let rssBefore = 0;
  const figures: Record<string, unknown> = {};

  const samples = async (): Promise<PrometheusSamples> => new PrometheusSamples(await service.metrics());

  /** One unary call with the bytes as they are (identity serializers). */
  const call = (method: string, bytes: Uint8Array, deadlineMs = 5_000): Promise<Outcome> =>
    new Promise((resolve) => {
      raw.makeUnaryRequest(
        `/tickwire.v1.SnapshotService/${method}`,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(bytes),
        new Metadata(),
        { deadline: Date.now() + deadlineMs },
        (error: ServiceError | null) => {
          if (error === null) resolve({ code: GrpcStatus.OK, details: '', errorCode: undefined });
          else resolve({ code: error.code, details: error.details, errorCode: error.metadata?.get(ERROR_CODE_METADATA_KEY)[0]?.toString() });
        },
      );
    });

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    service = new ServiceProcess('snapshot', { NATS_URL: nats.url, REDIS_URL: redis.url, SHARD_COUNT: String(SHARD_COUNT), SHARDS: `0-${SHARD_COUNT - 1}`, GRPC_HOST: '127.0.0.1', GRPC_PORT: '0', FLUSH_INTERVAL: '20ms' });
    const address = String((await service.waitFor('grpc.listening'))['address']);
    await service.waitFor('service.started');
    market = await SyntheticMarket.connect(nats.url, SHARD_COUNT);
    for (const [i, symbol] of LIVE.entries()) await market.publishInstrument(symbol, i + 1);
    for (let i = 0; i < 5; i++) await market.publish(LIVE);
    client = new SnapshotClient(address);
    raw = new Client(address, credentials.createInsecure());
    await until(async () => (await client.getSnapshots(LIVE, SubscriptionMode.LTP).catch(() => undefined))?.snapshots.length === LIVE.length, 'the service to store the live symbols');
    rssBefore = service.rssBytes();
  });

  afterAll(async () => {
    client?.close();
    raw?.close();
    await market?.close();
    await service?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  it.each(METHODS)(`%s: ${CALLS_PER_METHOD} seeded random and mutated request bodies each end OK or INVALID_ARGUMENT as the decoder and the checks say, counted`, async (method) => {
    const before = await samples();
    const inputs = fc.sample(requestBytes(method), { seed: SEED + METHODS.indexOf(method), numRuns: CALLS_PER_METHOD });
    const tally: Record<string, number> = {};
    for (const [index, bytes] of inputs.entries()) {
      const outcome = await call(method, bytes);
      const expected = expectedStatus(method, bytes);
      if (outcome.code !== expected) throw new Error(`${method} call ${index} [${Buffer.from(bytes).toString('hex')}]: status ${outcome.code} (${outcome.details}), expected ${expected}`);
      if (outcome.code === GrpcStatus.INVALID_ARGUMENT) expect(['SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT', 'SNAPSHOT_GRPC_ERR_TOO_MANY_SYMBOLS']).toContain(outcome.errorCode);
      tally[GrpcStatus[outcome.code]] = (tally[GrpcStatus[outcome.code]] ?? 0) + 1;
    }
    const after = await samples();
    expect(after.delta(before, 'tickwire_snapshot_grpc_errors_total', { method, status: 'INVALID_ARGUMENT' })).toBe(tally['INVALID_ARGUMENT'] ?? 0);
    expect(service.running).toBe(true);
    figures[method] = tally;
  });

  it('huge symbol lists, invalid symbols, empty and huge prefixes, unknown modes, inverted candle ranges: INVALID_ARGUMENT with a stable code, counted', async () => {
    const before = await samples();
    const many = (n: number): string[] => Array.from({ length: n }, (_, i) => `S${i}`);
    const refused = async (work: () => Promise<unknown>): Promise<string> => {
      try {
        await work();
        return 'OK';
      } catch (error) {
        if (!(error instanceof SnapshotClientError)) throw error;
        return `${GrpcStatus[error.grpcStatus]} ${error.code}`;
      }
    };
    const invalid = 'INVALID_ARGUMENT SNAPSHOT_GRPC_ERR_INVALID_ARGUMENT';
    const tooMany = 'INVALID_ARGUMENT SNAPSHOT_GRPC_ERR_TOO_MANY_SYMBOLS';
    const cases: [string, () => Promise<unknown>, string][] = [
      ['1,000 symbols (the limit)', () => client.getSnapshots(many(MAX_SYMBOLS_PER_REQUEST), SubscriptionMode.FULL), 'OK'],
      ['1,001 symbols', () => client.getSnapshots(many(MAX_SYMBOLS_PER_REQUEST + 1), SubscriptionMode.FULL), tooMany],
      ['100,000 symbols', () => client.getSnapshots(many(100_000), SubscriptionMode.FULL), tooMany],
      ['no symbols', () => client.getSnapshots([], SubscriptionMode.FULL), invalid],
      ...['', ' ', 'A B', 'A{B}', 'A}', 'X'.repeat(65), '\u0000', 'ÄPPL', '😀', 'a\nb'].map((s): [string, () => Promise<unknown>, string] => [`symbol ${JSON.stringify(s.slice(0, 12))}`, () => client.getSnapshots([LIVE[0]!, s], SubscriptionMode.FULL), invalid]),
      ['mode 99', () => client.getSnapshots(LIVE, 99 as SubscriptionMode), invalid],
      ['mode -1', () => client.getSnapshots(LIVE, -1 as SubscriptionMode), invalid],
      ['empty prefix', () => client.listInstruments('', 0), 'OK'],
      ['prefix of 10,000 characters', () => client.listInstruments('A'.repeat(10_000), 10), invalid],
      ['prefix with a brace', () => client.listInstruments('A{', 10), invalid],
      ['limit 2^32-1 (cut to the maximum)', () => client.listInstruments('', 0xffff_ffff), 'OK'],
      ['candles from > to', () => client.getCandles(LIVE[0]!, 2_000n, 1_000n), invalid],
      ['candles from = to', () => client.getCandles(LIVE[0]!, 1_000n, 1_000n), invalid],
      ['candles over the whole uint64 range', () => client.getCandles(LIVE[0]!, 0n, (1n << 64n) - 1n), 'OK'],
      ['candles of an empty symbol', () => client.getCandles('', 0n, 1n), invalid],
    ];
    const got: Record<string, string> = {};
    for (const [name, work] of cases) got[name] = await refused(work);
    expect(got).toEqual(Object.fromEntries(cases.map(([name, , expected]) => [name, expected])));
    const after = await samples();
    const invalidCount = cases.filter(([, , expected]) => expected !== 'OK').length;
    const counted = METHODS.reduce((sum, method) => sum + after.delta(before, 'tickwire_snapshot_grpc_errors_total', { method, status: 'INVALID_ARGUMENT' }), 0);
    expect(counted).toBe(invalidCount);
    figures['arguments'] = { cases: cases.length, invalidArgument: invalidCount };
  });

  it('a message over the gRPC size limit and an unknown method: RESOURCE_EXHAUSTED and UNIMPLEMENTED from grpc-js, the process unaffected', async () => {
    const huge = GetSnapshotsRequest.encode({ symbols: Array.from({ length: 600_000 }, (_, i) => `SYM${String(i).padStart(5, '0')}`), mode: 0 }).finish();
    expect(huge.length).toBeGreaterThan(GRPC_MAX_RECEIVE_BYTES);
    expect((await call('GetSnapshots', huge)).code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect((await call('DropAllTables', new Uint8Array(0))).code).toBe(GrpcStatus.UNIMPLEMENTED);
    expect(service.running).toBe(true);
  });

  it('200 calls with a 1 ms deadline: each ends DEADLINE_EXCEEDED (or OK if it was that fast), nothing leaks into later calls', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, () =>
        client.getSnapshots(LIVE, SubscriptionMode.FULL, { deadlineMs: 1 }).then(
          () => 'OK',
          (error: unknown) => (error instanceof SnapshotClientError ? error.code : String(error)),
        ),
      ),
    );
    const tally: Record<string, number> = {};
    for (const outcome of outcomes) tally[outcome] = (tally[outcome] ?? 0) + 1;
    expect(Object.keys(tally).every((k) => k === 'OK' || k === 'SNAPSHOT_GRPC_ERR_DEADLINE_EXCEEDED')).toBe(true);
    expect(tally['SNAPSHOT_GRPC_ERR_DEADLINE_EXCEEDED'] ?? 0).toBeGreaterThan(0);
    const response = await client.getSnapshots(LIVE, SubscriptionMode.FULL);
    expect(response.snapshots.map((s) => s.symbol)).toEqual(LIVE);
    figures['deadline1ms'] = tally;
  });

  it('afterwards: the process is up, healthy, and serves the newest state', async () => {
    await market.publish(LIVE);
    const seq = BigInt(market.lastSeq(LIVE[0]!));
    await until(async () => (await client.getSnapshots(LIVE, SubscriptionMode.FULL)).snapshots.every((s) => s.seq === seq), 'the newest seq to be served');
    expect(await client.checkHealth()).toBe('SERVING');
    expect((await client.listInstruments('GRPC', 10)).map((i) => i.symbol)).toEqual([...LIVE].sort());
    expect(service.running).toBe(true);
    const rssAfter = service.rssBytes();
    const all = await samples();
    console.log(
      JSON.stringify({
        figures: 'snapshot gRPC fuzzing',
        ...figures,
        errorsCounted: Object.fromEntries(METHODS.map((m) => [m, all.value('tickwire_snapshot_grpc_errors_total', { method: m, status: 'INVALID_ARGUMENT' })])),
        rssMiB: { before: Math.round(rssBefore / 104_857.6) / 10, after: Math.round(rssAfter / 104_857.6) / 10 },
      }),
    );
  });
});
