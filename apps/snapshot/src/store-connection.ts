import { env, type EnvVar, type Logger } from '@tickwire/runtime';
import { createRedisStore, StoreError, type RedisSnapshotStore, type RedisStoreOptions } from '@tickwire/store';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

/** The Redis used when neither `REDIS_URL` nor `REDIS_CLUSTER_NODES` is set. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** `host:port`, or the same as a `redis://` URL; the host a name or an IPv4 address. */
const CLUSTER_SEED = /^(?:redis:\/\/)?([A-Za-z0-9.-]+:(\d{1,5}))$/;

/**
 * `REDIS_CLUSTER_NODES`: seed nodes of a Redis Cluster, comma-separated `host:port` (or
 * `redis://host:port`); the rest of the cluster is discovered from the first that answers. The value
 * is the seeds as `redis://host:port` URLs, the form `createRedisStore({ clusterNodes })` takes.
 */
export function redisClusterNodesVar(doc: string): EnvVar<readonly string[], true> {
  const base = env.string({ optional: true, doc });
  return Object.freeze({
    ...base,
    form: 'a comma-separated list of Redis Cluster seed nodes as host:port (or redis://host:port), e.g. 10.0.0.1:6379,10.0.0.2:6379',
    parse: (raw: string) => {
      const seeds: string[] = [];
      for (const item of raw.split(',')) {
        const match = CLUSTER_SEED.exec(item);
        const port = Number(match?.[2]);
        if (!match || port < 1 || port > 65_535) return { ok: false as const };
        seeds.push(`redis://${match[1]!}`);
      }
      return { ok: true as const, value: Object.freeze(seeds) };
    },
  });
}

/** Where the store connects, from `REDIS_URL` / `REDIS_CLUSTER_NODES`; both set is refused, naming both. */
export function redisServerOptions(redisUrl: string | undefined, clusterNodes: readonly string[] | undefined): Pick<RedisStoreOptions, 'url' | 'clusterNodes'> {
  if (redisUrl !== undefined && clusterNodes !== undefined) {
    throw new Error('REDIS_URL and REDIS_CLUSTER_NODES are both set: give REDIS_URL for one Redis or REDIS_CLUSTER_NODES for a Redis Cluster, not both');
  }
  return clusterNodes !== undefined ? { clusterNodes } : { url: redisUrl ?? DEFAULT_REDIS_URL };
}

/**
 * Connects to Redis, retrying with capped backoff until it answers: in a fresh deployment the service
 * may start before Redis. Once connected, the adapter reconnects by itself. Gives up only when
 * `closing()` says the service is shutting down.
 */
export async function connectStoreWithRetry(options: RedisStoreOptions, logger: Logger, closing: () => boolean): Promise<RedisSnapshotStore> {
  // The URL is not logged: it may hold a password. Cluster seeds cannot.
  const target = options.clusterNodes !== undefined ? { clusterNodes: options.clusterNodes.join(',') } : {};
  for (let attempt = 1, delay = FIRST_RETRY_MS; ; attempt += 1, delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    try {
      const store = await createRedisStore({ connectTimeoutMs: 2_000, ...options });
      logger.info({ event: 'store.connected', attempt, ...target }, 'connected to Redis');
      return store;
    } catch (error) {
      // A refused option will be refused again: fail the start instead of retrying forever.
      if (closing() || (error instanceof StoreError && error.code === 'STORE_ERR_INVALID_OPTION')) throw error;
      logger.warn({ event: 'store.connect_failed', attempt, retryInMs: delay, err: error }, `Redis not reachable; retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
