import type { Logger } from '@tickwire/runtime';
import { createRedisStore, type RedisSnapshotStore, type RedisStoreOptions } from '@tickwire/store';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

/**
 * Connects to Redis, retrying with capped backoff until it answers: in a fresh deployment the service
 * may start before Redis. Once connected, the adapter reconnects by itself. Gives up only when
 * `closing()` says the service is shutting down.
 */
export async function connectStoreWithRetry(options: RedisStoreOptions, logger: Logger, closing: () => boolean): Promise<RedisSnapshotStore> {
  for (let attempt = 1, delay = FIRST_RETRY_MS; ; attempt += 1, delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    try {
      const store = await createRedisStore({ connectTimeoutMs: 2_000, ...options });
      logger.info({ event: 'store.connected', attempt }, 'connected to Redis');
      return store;
    } catch (error) {
      if (closing()) throw error;
      logger.warn({ event: 'store.connect_failed', attempt, retryInMs: delay, err: error }, `Redis not reachable; retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
