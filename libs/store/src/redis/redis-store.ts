import { ErrorReply } from 'redis';
import { DEFAULT_MAX_CANDLES_PER_SYMBOL, type CandleEntry, type Closable, type InstrumentEntry, type Pingable, type PutResult, type SnapshotEntry, type SnapshotStore, type StoredSnapshot } from '../snapshot-store';
import { StoreError } from '../errors';
import { ownedCopies } from '../owned-copies';
import { assertCandles, assertInstruments, assertLimit, assertMaxCandles, assertSnapshotEntries, assertSymbol, assertSymbolPrefix, assertUint64, candleMinute } from '../store-arguments';
import { decodeVersion, encodeVersion, RedisKeys, VERSION_LENGTH } from './redis-keys';
import { redisConnection, type RedisArg, type RedisConnection, type RedisServerAddress, type Reply } from './redis-connection';
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

/** Give `url` (one Redis) or `clusterNodes` (a Redis Cluster), not both. */
export interface RedisStoreOptions {
  /** One Redis, e.g. `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /**
   * Seed nodes of a Redis Cluster, e.g. `['redis://10.0.0.1:6379', 'redis://10.0.0.2:6379']`: the client
   * asks the first that answers for the slot map and connects to every master.
   */
  readonly clusterNodes?: readonly string[];
  readonly keyPrefix?: string;
  readonly maxCandlesPerSymbol?: number;
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly reconnectBaseDelayMs?: number;
  readonly reconnectMaxDelayMs?: number;
}

export interface ResolvedRedisStoreOptions extends Required<Omit<RedisStoreOptions, 'url' | 'clusterNodes'>> {
  readonly server: RedisServerAddress;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new StoreError('STORE_ERR_INVALID_OPTION', `${name} must be an integer >= 1, got ${String(value)}`);
  return value;
}

const CLUSTER_NODE = /^redis:\/\/[^\s/@:]+:\d{1,5}$/;

function serverAddress(options: RedisStoreOptions): RedisServerAddress {
  const { url, clusterNodes } = options;
  if (url !== undefined && clusterNodes !== undefined) throw new StoreError('STORE_ERR_INVALID_OPTION', 'give url (one Redis) or clusterNodes (a Redis Cluster), not both');
  if (clusterNodes === undefined) {
    if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) throw new StoreError('STORE_ERR_INVALID_OPTION', `url must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
    return Object.freeze({ kind: 'single', url });
  }
  // Credentials and TLS would have to be given to every discovered master too; not supported yet.
  if (!Array.isArray(clusterNodes) || clusterNodes.length === 0 || !clusterNodes.every((node) => typeof node === 'string' && CLUSTER_NODE.test(node))) {
    throw new StoreError('STORE_ERR_INVALID_OPTION', `clusterNodes must be one or more redis://host:port URLs (no credentials, no TLS), got ${JSON.stringify(clusterNodes)}`);
  }
  return Object.freeze({ kind: 'cluster', seeds: Object.freeze([...clusterNodes]) });
}

/** Validates once, fills in defaults, freezes. Errors name the option. */
export function parseRedisStoreOptions(options: RedisStoreOptions): Readonly<ResolvedRedisStoreOptions> {
  const server = serverAddress(options);
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix)) throw new StoreError('STORE_ERR_INVALID_OPTION', `keyPrefix must be a string without '{' or '}', got ${JSON.stringify(keyPrefix)}`);
  const maxCandlesPerSymbol = options.maxCandlesPerSymbol ?? DEFAULT_MAX_CANDLES_PER_SYMBOL;
  assertMaxCandles(maxCandlesPerSymbol, 'maxCandlesPerSymbol');
  const resolved: ResolvedRedisStoreOptions = {
    server,
    keyPrefix,
    maxCandlesPerSymbol,
    commandTimeoutMs: positiveInteger(options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, 'commandTimeoutMs'),
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs'),
    reconnectBaseDelayMs: positiveInteger(options.reconnectBaseDelayMs ?? DEFAULT_RECONNECT_BASE_DELAY_MS, 'reconnectBaseDelayMs'),
    reconnectMaxDelayMs: positiveInteger(options.reconnectMaxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS, 'reconnectMaxDelayMs'),
  };
  return Object.freeze(resolved);
}

/** PUT_LATEST's ARGV[1]. */
const VERSION_ARG = String(VERSION_LENGTH);

/**
 * Symbols per `PUT_LATEST` call on one Redis. A flush of 8,000 symbols with a call per symbol took 175-197
 * ms and 222-239 ms of this process's CPU; with 128 per call, 43-46 ms and 28-36 ms (hand-taken, one local
 * Redis): the per-command work of node-redis was the cost, not Redis. A call blocks Redis while it runs
 * (at most ~6 µs per symbol here: 8,000 in 46 ms), so calls stay short: a read waits behind one for
 * under a millisecond.
 */
const LATEST_KEYS_PER_CALL = 128;

/**
 * Error replies that mean "not now" rather than "never": a cluster without every slot served
 * (CLUSTERDOWN), a slot being migrated (TRYAGAIN), a replica without its master (MASTERDOWN), a server
 * still loading its data (LOADING). Retrying later can succeed, like after a lost connection.
 */
const UNAVAILABLE_REPLY = /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING)\b/;

function bytes(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
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

/**
 * Connects to one Redis or a Redis Cluster and returns a `SnapshotStore`. Reconnects forever with
 * capped exponential backoff; while a server is unreachable, operations that need it reject at once
 * with `STORE_ERR_UNAVAILABLE` (the offline queue is disabled, so nothing piles up), and every
 * operation is bounded by `commandTimeoutMs`.
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<RedisSnapshotStore> {
  const resolved = parseRedisStoreOptions(options);
  const connection = redisConnection(resolved.server, {
    connectTimeoutMs: Math.min(resolved.connectTimeoutMs, resolved.commandTimeoutMs),
    reconnectBaseDelayMs: resolved.reconnectBaseDelayMs,
    reconnectMaxDelayMs: resolved.reconnectMaxDelayMs,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StoreError('STORE_ERR_UNAVAILABLE', `no connection to ${connection.target} within ${resolved.connectTimeoutMs} ms`)), resolved.connectTimeoutMs);
      }),
    ]);
  } catch (error) {
    connection.destroy();
    throw error instanceof StoreError ? error : new StoreError('STORE_ERR_UNAVAILABLE', `${connection.target}: ${String(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  return new RedisSnapshotStore(connection, resolved);
}

export class RedisSnapshotStore implements SnapshotStore, Closable, Pingable {
  private readonly keys: RedisKeys;
  private closing = false;

  constructor(
    private readonly connection: RedisConnection,
    private readonly options: Readonly<ResolvedRedisStoreOptions>,
  ) {
    this.keys = new RedisKeys(options.keyPrefix);
  }

  async putLatest(entries: readonly SnapshotEntry[]): Promise<PutResult> {
    this.assertOpen();
    assertSnapshotEntries(entries);
    // One script call per LATEST_KEYS_PER_CALL symbols on one Redis; one per symbol on a cluster, where the
    // keys of a call must share a slot and each symbol's key has a slot of its own. Issued in the same tick,
    // so node-redis pipelines them in one write; Redis runs them in order, so duplicates resolve right.
    const perCall = this.options.server.kind === 'single' ? LATEST_KEYS_PER_CALL : 1;
    const replies = await this.run('putLatest', () => {
      const calls: Promise<Reply>[] = [];
      for (let from = 0; from < entries.length; from += perCall) {
        const batch = entries.slice(from, from + perCall);
        calls.push(this.evalScript(PUT_LATEST, batch.map((e) => this.keys.snapshot(e.symbol)), [VERSION_ARG, ...batch.map((e) => latestValue(e.epoch, e.seq, e.data))]));
      }
      return Promise.all(calls);
    });
    const applied = replies.reduce<number>((sum, reply) => sum + (typeof reply === 'number' ? reply : 0), 0);
    return { applied, stale: entries.length - applied };
  }

  async getLatest(symbols: readonly string[]): Promise<(StoredSnapshot | undefined)[]> {
    this.assertOpen();
    for (const symbol of symbols) assertSymbol(symbol);
    if (symbols.length === 0) return [];
    // One MGET: one command and one reply to parse however many symbols are asked for. On a cluster the
    // client sends one MGET per slot in parallel and answers in request order (see RedisConnection).
    const keys = symbols.map((symbol) => this.keys.snapshot(symbol));
    const reply = await this.run('getLatest', () => this.connection.send(keys[0], ['MGET', ...keys]));
    const values = Array.isArray(reply) ? reply : [];
    const versions = symbols.map((symbol, i) => {
      const value = values[i];
      if (value == null) return undefined;
      const decoded = Buffer.isBuffer(value) ? decodeVersion(value) : undefined;
      if (!decoded) throw new StoreError('STORE_ERR_CORRUPT_VALUE', `${this.keys.snapshot(symbol)} does not start with a valid version`);
      return decoded;
    });
    const data = ownedCopies(versions.map((version, i) => version && (values[i] as Buffer).subarray(VERSION_LENGTH)));
    return symbols.map((symbol, i) => {
      const version = versions[i];
      return version && { symbol, epoch: version.epoch, seq: version.seq, data: data[i]! };
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
    await this.run('putInstruments', () => this.connection.transaction(this.keys.instrumentIndex, [data, index]));
  }

  async listInstruments(prefix: string, limit: number): Promise<InstrumentEntry[]> {
    this.assertOpen();
    assertSymbolPrefix(prefix);
    assertLimit(limit);
    const min = prefix === '' ? '-' : `[${prefix}`;
    // Symbols are printable ASCII, so every symbol with the prefix sorts before prefix + 0xff.
    const max = prefix === '' ? '+' : Buffer.concat([Buffer.from(`(${prefix}`, 'latin1'), Buffer.of(0xff)]);
    return this.run('listInstruments', async () => {
      const found = await this.connection.send(this.keys.instrumentIndex, ['ZRANGE', this.keys.instrumentIndex, min, max, 'BYLEX', 'LIMIT', '0', String(limit)]);
      const symbols = Array.isArray(found) ? found.filter(Buffer.isBuffer).map((s) => s.toString('latin1')) : [];
      if (symbols.length === 0) return [];
      const values = await this.connection.send(this.keys.instrumentData, ['HMGET', this.keys.instrumentData, ...symbols]);
      const listed: { symbol: string; value: Buffer }[] = [];
      symbols.forEach((symbol, i) => {
        const value = Array.isArray(values) ? values[i] : undefined;
        if (Buffer.isBuffer(value)) listed.push({ symbol, value });
      });
      const data = ownedCopies(listed.map((l) => l.value));
      return listed.map((l, i) => ({ symbol: l.symbol, data: data[i]! }));
    });
  }

  async appendCandles(symbol: string, candles: readonly CandleEntry[]): Promise<void> {
    this.assertOpen();
    assertSymbol(symbol);
    assertCandles(candles);
    if (candles.length === 0) return;
    const args: RedisArg[] = [String(this.options.maxCandlesPerSymbol)];
    for (const { startNs, data } of candles) args.push(candleMinute(startNs).toString(), candleMember(startNs, data));
    await this.run('appendCandles', () => this.evalScript(APPEND_CANDLES, [this.keys.candles(symbol)], args));
  }

  async getCandles(symbol: string, fromNs: bigint, toNs: bigint): Promise<CandleEntry[]> {
    this.assertOpen();
    assertSymbol(symbol);
    assertUint64(fromNs, 'fromNs');
    assertUint64(toNs, 'toNs');
    if (toNs <= fromNs) return [];
    const reply = await this.run('getCandles', () =>
      this.connection.send(this.keys.candles(symbol), ['ZRANGE', this.keys.candles(symbol), candleMinute(fromNs).toString(), candleMinute(toNs - 1n).toString(), 'BYSCORE']),
    );
    const found: { startNs: bigint; bytes: Buffer }[] = [];
    for (const member of Array.isArray(reply) ? reply : []) {
      if (!Buffer.isBuffer(member) || member.length < 8) throw new StoreError('STORE_ERR_CORRUPT_VALUE', `${this.keys.candles(symbol)} holds a member shorter than 8 bytes`);
      const startNs = member.readBigUInt64BE(0);
      // The first and last minute may hold bars outside [fromNs, toNs) when the bounds are not minute-aligned.
      if (startNs >= fromNs && startNs < toNs) found.push({ startNs, bytes: member.subarray(8) });
    }
    const data = ownedCopies(found.map((f) => f.bytes));
    return found.map((f, i) => ({ startNs: f.startNs, data: data[i]! }));
  }

  async ping(): Promise<void> {
    this.assertOpen();
    // On a cluster, every master answers.
    await this.run('ping', () => this.connection.send(undefined, ['PING']));
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.connection.isReady) {
      await this.connection.close().catch(() => this.connection.destroy());
    } else {
      this.connection.destroy();
    }
  }

  private assertOpen(): void {
    if (this.closing) throw new StoreError('STORE_ERR_CLOSED');
  }

  /**
   * EVALSHA, falling back to EVAL when the server does not have the script (first use, restart). Both
   * route by the first key (a call's keys share a slot), so on a cluster each master learns a script the
   * first time a key of its runs it.
   */
  private async evalScript(script: LuaScript, keys: readonly string[], args: RedisArg[]): Promise<Reply> {
    const key = keys[0]!;
    try {
      return await this.connection.send(key, ['EVALSHA', script.sha1, String(keys.length), ...keys, ...args]);
    } catch (error) {
      if (!(error instanceof ErrorReply) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.connection.send(key, ['EVAL', script.source, String(keys.length), ...keys, ...args]);
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
    if (error instanceof ErrorReply && !UNAVAILABLE_REPLY.test(error.message)) return new StoreError('STORE_ERR_COMMAND_FAILED', `${operation}: ${error.message}`, { cause: error });
    return new StoreError('STORE_ERR_UNAVAILABLE', `${operation} on ${this.connection.target}: ${String(error)}`, { cause: error });
  }
}
