import { createClient, ErrorReply, RESP_TYPES } from 'redis';
import { DEFAULT_MAX_CANDLES_PER_SYMBOL, type CandleEntry, type Closable, type InstrumentEntry, type Pingable, type PutResult, type SnapshotEntry, type SnapshotStore, type StoredSnapshot } from '../snapshot-store';
import { StoreError } from '../errors';
import { assertCandles, assertInstruments, assertLimit, assertMaxCandles, assertSnapshotEntries, assertSymbol, assertSymbolPrefix, assertUint64, candleMinute } from '../store-arguments';
import { decodeVersion, encodeVersion, RedisKeys, VERSION_LENGTH } from './redis-keys';
import { APPEND_CANDLES, PUT_LATEST, type LuaScript } from './redis-scripts';

/** Every key starts with this (see `RedisKeys`). */
export const DEFAULT_KEY_PREFIX = 'tw:';
/** An operation that gets no answer within this rejects with `STORE_ERR_UNAVAILABLE`. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
/** `createRedisStore` rejects with `STORE_ERR_UNAVAILABLE` if Redis is not reachable within this. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** First reconnect delay; doubles per attempt up to `DEFAULT_RECONNECT_MAX_DELAY_MS`. Retries forever. */
export const DEFAULT_RECONNECT_BASE_DELAY_MS = 50;
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 2_000;

export interface RedisStoreOptions {
  /** e.g. `redis://127.0.0.1:6379`. */
  readonly url: string;
  readonly keyPrefix?: string;
  readonly maxCandlesPerSymbol?: number;
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly reconnectBaseDelayMs?: number;
  readonly reconnectMaxDelayMs?: number;
}

export type ResolvedRedisStoreOptions = Required<RedisStoreOptions>;

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new StoreError('STORE_ERR_INVALID_OPTION', `${name} must be an integer >= 1, got ${String(value)}`);
  return value;
}

/** Validates once, fills in defaults, freezes. Errors name the option. */
export function parseRedisStoreOptions(options: RedisStoreOptions): Readonly<ResolvedRedisStoreOptions> {
  if (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url)) throw new StoreError('STORE_ERR_INVALID_OPTION', `url must be a redis:// or rediss:// URL, got ${JSON.stringify(options.url)}`);
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix)) throw new StoreError('STORE_ERR_INVALID_OPTION', `keyPrefix must be a string without '{' or '}', got ${JSON.stringify(keyPrefix)}`);
  const maxCandlesPerSymbol = options.maxCandlesPerSymbol ?? DEFAULT_MAX_CANDLES_PER_SYMBOL;
  assertMaxCandles(maxCandlesPerSymbol, 'maxCandlesPerSymbol');
  const resolved: ResolvedRedisStoreOptions = {
    url: options.url,
    keyPrefix,
    maxCandlesPerSymbol,
    commandTimeoutMs: positiveInteger(options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, 'commandTimeoutMs'),
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs'),
    reconnectBaseDelayMs: positiveInteger(options.reconnectBaseDelayMs ?? DEFAULT_RECONNECT_BASE_DELAY_MS, 'reconnectBaseDelayMs'),
    reconnectMaxDelayMs: positiveInteger(options.reconnectMaxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS, 'reconnectMaxDelayMs'),
  };
  return Object.freeze(resolved);
}

type RedisArg = string | Buffer;
/** PUT_LATEST's ARGV[2]. */
const VERSION_ARG = String(VERSION_LENGTH);
type Reply = Buffer | number | null | Reply[];

/** Bulk strings come back as `Buffer`: values are binary protobuf bytes. */
const BINARY_REPLIES = Object.freeze({ typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } });

function bytes(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** A copy the caller owns, as a plain `Uint8Array` (not a `Buffer`), like the in-memory adapter. */
function ownedBytes(data: Buffer): Uint8Array {
  return Uint8Array.prototype.slice.call(data);
}

/** A `latest` value: the version, then the snapshot bytes (one string, so a batch read is one `MGET`). */
function latestValue(epoch: bigint, seq: bigint, data: Uint8Array): Buffer {
  const value = Buffer.allocUnsafe(VERSION_LENGTH + data.byteLength);
  value.write(encodeVersion(epoch, seq), 0, 'latin1');
  value.set(data, VERSION_LENGTH);
  return value;
}

function candleMember(startNs: bigint, data: Uint8Array): Buffer {
  const member = Buffer.allocUnsafe(8 + data.byteLength);
  member.writeBigUInt64BE(startNs, 0);
  member.set(data, 8);
  return member;
}

type RedisClient = ReturnType<typeof createClient>;

/**
 * Connects to one Redis and returns a `SnapshotStore`. Reconnects forever with capped exponential
 * backoff; while disconnected, operations reject at once with `STORE_ERR_UNAVAILABLE` (the offline
 * queue is disabled, so nothing piles up), and every operation is bounded by `commandTimeoutMs`.
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<RedisSnapshotStore> {
  const resolved = parseRedisStoreOptions(options);
  const client: RedisClient = createClient({
    url: resolved.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: Math.min(resolved.connectTimeoutMs, resolved.commandTimeoutMs),
      reconnectStrategy: (retries) => Math.min(resolved.reconnectBaseDelayMs * 2 ** Math.min(retries, 20), resolved.reconnectMaxDelayMs),
    },
  });
  // node-redis emits 'error' on every failed (re)connect; without a listener that would crash the process.
  // Operations report the outage themselves, as `STORE_ERR_UNAVAILABLE`.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StoreError('STORE_ERR_UNAVAILABLE', `no connection to ${resolved.url} within ${resolved.connectTimeoutMs} ms`)), resolved.connectTimeoutMs);
      }),
    ]);
  } catch (error) {
    client.destroy();
    throw error instanceof StoreError ? error : new StoreError('STORE_ERR_UNAVAILABLE', `${resolved.url}: ${String(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  return new RedisSnapshotStore(client, resolved);
}

export class RedisSnapshotStore implements SnapshotStore, Closable, Pingable {
  private readonly keys: RedisKeys;
  private closing = false;

  constructor(
    private readonly client: RedisClient,
    private readonly options: Readonly<ResolvedRedisStoreOptions>,
  ) {
    this.keys = new RedisKeys(options.keyPrefix);
  }

  async putLatest(entries: readonly SnapshotEntry[]): Promise<PutResult> {
    this.assertOpen();
    assertSnapshotEntries(entries);
    // One script call per key (atomic per symbol, cluster-safe); issued in the same tick, so node-redis
    // pipelines them in one write. Redis runs them in order, so duplicates within a batch resolve right.
    const replies = await this.run('putLatest', () =>
      Promise.all(entries.map((e) => this.evalScript(PUT_LATEST, this.keys.snapshot(e.symbol), [latestValue(e.epoch, e.seq, e.data), VERSION_ARG]))),
    );
    const applied = replies.reduce<number>((sum, reply) => sum + (reply === 1 ? 1 : 0), 0);
    return { applied, stale: entries.length - applied };
  }

  async getLatest(symbols: readonly string[]): Promise<(StoredSnapshot | undefined)[]> {
    this.assertOpen();
    for (const symbol of symbols) assertSymbol(symbol);
    if (symbols.length === 0) return [];
    // One MGET: one command and one reply to parse however many symbols are asked for.
    const reply = await this.run('getLatest', () => this.command(['MGET', ...symbols.map((symbol) => this.keys.snapshot(symbol))]));
    const values = Array.isArray(reply) ? reply : [];
    return symbols.map((symbol, i) => {
      const value = values[i];
      if (value == null) return undefined;
      const decoded = Buffer.isBuffer(value) && value.length >= VERSION_LENGTH ? decodeVersion(value.toString('latin1', 0, VERSION_LENGTH)) : undefined;
      if (!decoded) throw new StoreError('STORE_ERR_CORRUPT_VALUE', `${this.keys.snapshot(symbol)} does not start with a valid version`);
      return { symbol, epoch: decoded.epoch, seq: decoded.seq, data: ownedBytes((value as Buffer).subarray(VERSION_LENGTH)) };
    });
  }

  async putInstruments(list: readonly InstrumentEntry[]): Promise<void> {
    this.assertOpen();
    assertInstruments(list);
    if (list.length === 0) return;
    const index: RedisArg[] = ['ZADD', this.keys.instrumentIndex];
    const data: RedisArg[] = ['HSET', this.keys.instrumentData];
    for (const { symbol, data: bytesOf } of list) {
      index.push('0', symbol);
      data.push(symbol, bytes(bytesOf));
    }
    // Both keys share the `{instruments}` hash tag, so the transaction stays in one cluster slot.
    await this.run('putInstruments', async () => {
      const multi = this.client.multi();
      multi.addCommand(data);
      multi.addCommand(index);
      await multi.exec();
    });
  }

  async listInstruments(prefix: string, limit: number): Promise<InstrumentEntry[]> {
    this.assertOpen();
    assertSymbolPrefix(prefix);
    assertLimit(limit);
    const min = prefix === '' ? '-' : `[${prefix}`;
    // Symbols are printable ASCII, so every symbol with the prefix sorts before prefix + 0xff.
    const max = prefix === '' ? '+' : Buffer.concat([Buffer.from(`(${prefix}`, 'latin1'), Buffer.of(0xff)]);
    return this.run('listInstruments', async () => {
      const found = await this.command(['ZRANGE', this.keys.instrumentIndex, min, max, 'BYLEX', 'LIMIT', '0', String(limit)]);
      const symbols = Array.isArray(found) ? found.filter(Buffer.isBuffer).map((s) => s.toString('latin1')) : [];
      if (symbols.length === 0) return [];
      const values = await this.command(['HMGET', this.keys.instrumentData, ...symbols]);
      const out: InstrumentEntry[] = [];
      symbols.forEach((symbol, i) => {
        const value = Array.isArray(values) ? values[i] : undefined;
        if (Buffer.isBuffer(value)) out.push({ symbol, data: ownedBytes(value) });
      });
      return out;
    });
  }

  async appendCandles(symbol: string, candles: readonly CandleEntry[]): Promise<void> {
    this.assertOpen();
    assertSymbol(symbol);
    assertCandles(candles);
    if (candles.length === 0) return;
    const args: RedisArg[] = [String(this.options.maxCandlesPerSymbol)];
    for (const { startNs, data } of candles) args.push(candleMinute(startNs).toString(), candleMember(startNs, data));
    await this.run('appendCandles', () => this.evalScript(APPEND_CANDLES, this.keys.candles(symbol), args));
  }

  async getCandles(symbol: string, fromNs: bigint, toNs: bigint): Promise<CandleEntry[]> {
    this.assertOpen();
    assertSymbol(symbol);
    assertUint64(fromNs, 'fromNs');
    assertUint64(toNs, 'toNs');
    if (toNs <= fromNs) return [];
    const reply = await this.run('getCandles', () =>
      this.command(['ZRANGE', this.keys.candles(symbol), candleMinute(fromNs).toString(), candleMinute(toNs - 1n).toString(), 'BYSCORE']),
    );
    const out: CandleEntry[] = [];
    for (const member of Array.isArray(reply) ? reply : []) {
      if (!Buffer.isBuffer(member) || member.length < 8) throw new StoreError('STORE_ERR_CORRUPT_VALUE', `${this.keys.candles(symbol)} holds a member shorter than 8 bytes`);
      const startNs = member.readBigUInt64BE(0);
      // The first and last minute may hold bars outside [fromNs, toNs) when the bounds are not minute-aligned.
      if (startNs >= fromNs && startNs < toNs) out.push({ startNs, data: ownedBytes(member.subarray(8)) });
    }
    return out;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.run('ping', () => this.command(['PING']));
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.client.isReady) {
      await this.client.close().catch(() => this.client.destroy());
    } else {
      this.client.destroy();
    }
  }

  private assertOpen(): void {
    if (this.closing) throw new StoreError('STORE_ERR_CLOSED');
  }

  private command(args: RedisArg[]): Promise<Reply> {
    return this.client.sendCommand<Reply>(args, BINARY_REPLIES);
  }

  /** EVALSHA, falling back to EVAL when the server does not have the script (first use, restart). */
  private async evalScript(script: LuaScript, key: string, args: RedisArg[]): Promise<Reply> {
    try {
      return await this.command(['EVALSHA', script.sha1, '1', key, ...args]);
    } catch (error) {
      if (!(error instanceof ErrorReply) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.command(['EVAL', script.source, '1', key, ...args]);
    }
  }

  /** Bounds an operation by `commandTimeoutMs` and turns whatever it throws into a `StoreError`. */
  private async run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        body(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new StoreError('STORE_ERR_UNAVAILABLE', `${operation}: no answer within ${this.options.commandTimeoutMs} ms`)), this.options.commandTimeoutMs);
        }),
      ]);
    } catch (error) {
      throw this.storeError(operation, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private storeError(operation: string, error: unknown): StoreError {
    if (error instanceof StoreError) return error;
    if (this.closing) return new StoreError('STORE_ERR_CLOSED', operation, { cause: error });
    if (error instanceof ErrorReply) return new StoreError('STORE_ERR_COMMAND_FAILED', `${operation}: ${error.message}`, { cause: error });
    return new StoreError('STORE_ERR_UNAVAILABLE', `${operation}: ${String(error)}`, { cause: error });
  }
}
