import { createClient, createCluster, ErrorReply, RESP_TYPES } from 'redis';

export type RedisArg = string | Buffer;
export type Reply = Buffer | number | null | Reply[];

/** Bulk strings come back as `Buffer`: values are binary protobuf bytes. */
const BINARY_REPLIES = Object.freeze({ typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } });

/** Where the store connects: one Redis, or the seed nodes of a Redis Cluster (the rest is discovered). */
export type RedisServerAddress = { readonly kind: 'single'; readonly url: string } | { readonly kind: 'cluster'; readonly seeds: readonly string[] };

/** The socket behaviour both kinds share. */
export interface RedisConnectionOptions {
  readonly connectTimeoutMs: number;
  readonly reconnectBaseDelayMs: number;
  readonly reconnectMaxDelayMs: number;
}

/**
 * How the store sends commands: the one place where a single Redis and a Redis Cluster differ. Every
 * command names the key it routes by; a single Redis ignores it, a cluster sends the command to the
 * master of that key's slot (following MOVED/ASK). A multi-key `MGET` whose keys span slots is split by
 * the cluster client (node-redis 6's `multi_shard` request policy): one `MGET` per slot, sent in
 * parallel, the replies put back in request order. `PING` goes to every master.
 */
export interface RedisConnection {
  /** For error messages and logs: the URL without its credentials, or `cluster <seeds>`. */
  readonly target: string;
  readonly isReady: boolean;
  send(key: RedisArg | undefined, args: RedisArg[]): Promise<Reply>;
  /** `MULTI` ... `EXEC`; every command's keys must share `key`'s slot. */
  transaction(key: RedisArg, commands: RedisArg[][]): Promise<void>;
  connect(): Promise<void>;
  close(): Promise<void>;
  destroy(): void;
}

/**
 * A connection that is not connected yet. The offline queue is disabled, so while a server is down its
 * commands reject at once instead of piling up; sockets reconnect forever with capped exponential backoff.
 */
export function redisConnection(address: RedisServerAddress, options: RedisConnectionOptions): RedisConnection {
  const socket = {
    connectTimeout: options.connectTimeoutMs,
    reconnectStrategy: (retries: number) => Math.min(options.reconnectBaseDelayMs * 2 ** Math.min(retries, 20), options.reconnectMaxDelayMs),
  };
  return address.kind === 'single' ? singleConnection(address.url, socket) : clusterConnection(address.seeds, socket);
}

type SocketOptions = { connectTimeout: number; reconnectStrategy: (retries: number) => number };

// node-redis emits 'error' on every failed (re)connect; without a listener that would crash the process.
// Operations report the outage themselves, as `STORE_ERR_UNAVAILABLE`.
const ignore = (): undefined => undefined;

function singleConnection(url: string, socket: SocketOptions): RedisConnection {
  const client = createClient({ url, disableOfflineQueue: true, socket });
  client.on('error', ignore);
  return {
    target: url.replace(/\/\/[^/@]*@/, '//***@'),
    get isReady() {
      return client.isReady;
    },
    send: (_key, args) => client.sendCommand<Reply>(args, BINARY_REPLIES),
    async transaction(_key, commands) {
      const multi = client.multi();
      for (const command of commands) multi.addCommand(command);
      await multi.exec();
    },
    connect: async () => {
      await client.connect();
    },
    close: () => client.close(),
    destroy: () => client.destroy(),
  };
}

/** At most one slot-map refresh per this, while commands keep failing. */
const REDISCOVER_INTERVAL_MS = 1_000;

function clusterConnection(seeds: readonly string[], socket: SocketOptions): RedisConnection {
  const cluster = createCluster({
    rootNodes: seeds.map((url) => ({ url, socket: { connectTimeout: socket.connectTimeout } })),
    // Applies to the connection to every master the client discovers.
    defaults: { disableOfflineQueue: true, socket },
  });
  cluster.on('error', ignore);
  // node-redis refreshes its slot map on MOVED/ASK and when a connection to a master drops. A map taken
  // while some slots had no master has a hole no command can reach (it fails before anything is sent), so
  // nothing would ever refresh it: a failure that is not a server's reply asks for a fresh map instead.
  let lastRediscover = 0;
  const rediscoverAfter = (error: unknown): void => {
    const now = Date.now();
    if (error instanceof ErrorReply || !cluster.isOpen || now - lastRediscover < REDISCOVER_INTERVAL_MS) return;
    lastRediscover = now;
    cluster._slots.rediscover().catch(ignore);
  };
  return {
    target: `cluster ${seeds.join(',')}`,
    get isReady() {
      return cluster.isReady;
    },
    async send(key, args) {
      try {
        return await cluster.sendCommand<Reply>(key, false, args, BINARY_REPLIES);
      } catch (error) {
        rediscoverAfter(error);
        throw error;
      }
    },
    async transaction(key, commands) {
      const multi = cluster.multi(key);
      for (const command of commands) multi.addCommand(key, false, command);
      try {
        await multi.exec();
      } catch (error) {
        rediscoverAfter(error);
        throw error;
      }
    },
    connect: async () => {
      await cluster.connect();
    },
    close: () => cluster.close(),
    destroy: () => cluster.destroy(),
  };
}
