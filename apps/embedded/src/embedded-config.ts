import { defineConfig, env, LOG_LEVELS } from '@tickwire/runtime';

/**
 * The embedded mode's own settings. Anything else a hosted service understands is passed through with
 * the service's prefix: `EDGE_TIERS=...` reaches the edge as `TIERS`, `SIM_SEED=7` the simulator as `SEED`.
 */
export const embeddedConfig = defineConfig({
  HOST: env.string({ default: '127.0.0.1', doc: 'address the edge (dashboard, WebSocket, HTTP) listens on' }),
  PORT: env.port({ default: 8080, allowZero: true, doc: 'edge port: dashboard at /, WebSocket at /v1/stream (0 = any free port)' }),
  NATS_URL: env.url({ protocols: ['nats:', 'tls:'], list: true, optional: true, doc: 'use this NATS instead of the in-memory bus' }),
  REDIS_URL: env.url({ protocols: ['redis:', 'rediss:'], optional: true, doc: 'use this Redis instead of the in-memory store' }),
  SHARD_COUNT: env.int({ min: 1, max: 1024, default: 4, doc: 'md.raw / md.tick shards' }),
  SYMBOLS: env.int({ min: 1, max: 65_535, default: 200, doc: 'instruments the simulated exchange lists' }),
  RATE: env.int({ min: 1, max: 1_000_000, default: 1_500, doc: 'simulated exchange messages per second (the feed is kept in memory for replays: about 200 MB per hour at 1500/s)' }),
  MESSAGES: env.int({ min: 1, max: 2_000_000_000, default: 10_000_000, doc: 'messages in the simulated day (10M last about 2 hours at 1500/s)' }),
  MAX_UPDATES_PER_SEC: env.int({ min: 1, max: 1000, default: 10, doc: 'per-symbol update rate at most (normalizer throttle)' }),
  STATIC_DIR: env.string({ optional: true, doc: 'dashboard files the edge serves at / (default: the built apps/dashboard)' }),
  LOG_LEVEL: env.enumOf(LOG_LEVELS, { default: 'warn', ignoreCase: true, doc: 'log threshold of this process and every hosted service (the banner is printed regardless)' }),
});
