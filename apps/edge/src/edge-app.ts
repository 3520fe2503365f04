import type { ServiceBusConnector } from '@tickwire/bus';
import { SubscriptionMode } from '@tickwire/protocol';
import { DEFAULT_NATS_URL, defineConfig, env, type ServiceDefinition } from '@tickwire/runtime';
import { SnapshotClient } from '@tickwire/snapshot-grpc';
import { DEFAULT_TIER_SPEC, DEFAULT_VERIFIED_TOKENS_KEPT, OriginPolicy, parseTierPolicies, TokenVerifier } from './access';
import { DEFAULT_EDGE_LIMITS } from './edge-defaults';
import { startEdge } from './edge-service';

const d = DEFAULT_EDGE_LIMITS;
export const edgeConfig = defineConfig({
  NATS_URL: env.url({ protocols: ['nats:', 'tls:'], list: true, default: DEFAULT_NATS_URL, doc: 'NATS server URL(s), comma-separated' }),
  SHARD_COUNT: env.int({ min: 1, max: 1024, default: 16, doc: 'number of md.tick shards (the same as the normalizer)' }),
  SNAPSHOT_ADDRESS: env.string({ pattern: /^[^\s/]+:\d{1,5}$/, default: '127.0.0.1:9400', doc: 'snapshot service gRPC address, host:port (the snapshot service listens on 9400 by default)' }),
  HOST: env.string({ default: '0.0.0.0', doc: 'address the client listener binds' }),
  PORT: env.port({ default: 8080, allowZero: true, doc: 'client port: WebSocket /v1/stream, SSE /v1/sse, HTTP /v1/snapshot' }),
  PROCESSES: env.int({ min: 1, max: 256, default: 1, doc: 'processes serving PORT together (one per core to use); each applies the limits below on its own; /metrics on OPS_PORT sums them' }),
  LISTEN_BACKLOG: env.int({ min: 1, max: 1_000_000, default: d.listenBacklog, doc: 'connections the kernel may hold ready for accept (capped by net.core.somaxconn); a reconnect storm needs thousands' }),
  JWT_HS256_SECRET: env.string({ optional: true, secret: true, doc: 'shared secret for HS256 tokens (at least 32 bytes)' }),
  JWKS_FILE: env.string({ optional: true, doc: 'JWKS file with the RS256/ES256 public keys tokens are signed with' }),
  JWT_ISSUER: env.string({ optional: true, doc: 'required `iss` claim' }),
  JWT_AUDIENCE: env.string({ optional: true, doc: 'required `aud` claim' }),
  VERIFIED_TOKENS_KEPT: env.int({ min: 0, max: 10_000_000, default: DEFAULT_VERIFIED_TOKENS_KEPT, doc: 'tokens remembered after their signature checked out (a reconnecting client is not checked again; expiry still is); 0 = off' }),
  ALLOW_ANONYMOUS: env.bool({ default: false, doc: 'accept connections without a token (tier ANONYMOUS_TIER, every symbol)' }),
  ANONYMOUS_TIER: env.string({ default: 'delayed', doc: 'tier of anonymous connections' }),
  TIERS: env.string({ default: DEFAULT_TIER_SPEC, doc: 'tiers: name:batchIntervalMs:maxSubscriptions:maxMode,... (batchIntervalMs 0 = realtime)' }),
  ALLOWED_ORIGINS: env.string({ default: '*', doc: 'Origin allow-list: exact origins, https://*.example.com, or *' }),
  MAX_CONNECTIONS: env.int({ min: 1, max: 1_000_000, default: d.maxConnections, doc: 'connections per process; more get HTTP 503 (a balancer retries elsewhere)' }),
  MAX_CONNECTIONS_PER_IP: env.int({ min: 1, max: 1_000_000, default: d.maxConnectionsPerIp, doc: 'connections per client address' }),
  MAX_MESSAGE_BYTES: env.int({ min: 256, max: 1_048_576, default: d.maxMessageBytes, doc: 'largest client message; bigger closes with 4001' }),
  MESSAGES_PER_SEC: env.int({ min: 1, max: 100_000, default: d.messagesPerSec, doc: 'client messages per second per connection (token bucket rate)' }),
  MESSAGE_BURST: env.int({ min: 1, max: 100_000, default: d.messageBurst, doc: 'client message burst per connection' }),
  MAX_SYMBOLS_PER_REQUEST: env.int({ min: 1, max: 10_000, default: d.maxSymbolsPerRequest, doc: 'symbols in one subscribe / snapshot request' }),
  SOFT_BUFFER_BYTES: env.int({ min: 1_024, max: 1 << 30, default: d.softBufferBytes, doc: 'send buffer past which a client gets latest values only' }),
  HARD_BUFFER_BYTES: env.int({ min: 1_024, max: 1 << 30, default: d.hardBufferBytes, doc: 'send buffer past which a client is closed with 4200' }),
  SLOW_CONSUMER_TIMEOUT: env.duration({ default: d.slowConsumerMs, doc: 'a client behind for longer is closed with 4200' }),
  HEARTBEAT_INTERVAL: env.duration({ default: d.heartbeatMs, doc: 'server ping interval (announced in welcome)' }),
  IDLE_TIMEOUT: env.duration({ default: d.idleTimeoutMs, doc: 'a client silent for longer (no message, no pong) is closed with 4302' }),
  AUTH_TIMEOUT: env.duration({ default: d.authTimeoutMs, doc: 'without ?token=, the auth message must arrive within this' }),
  DEFAULT_MODE: env.enumOf(['ltp', 'quote', 'full'], { default: 'quote', doc: 'mode of a subscription that names none' }),
  INTEREST_LINGER: env.duration({ default: d.lingerMs, doc: 'an unwanted symbol keeps its NATS subscription this long' }),
  STATIC_DIR: env.string({ optional: true, doc: 'a directory of static files served at / (e.g. the built dashboard); unset = none' }),
  ADMISSION_RATE: env.int({ min: 1, max: 1_000_000, default: d.admissionRatePerSec, doc: 'WebSocket upgrades admitted per second per process; more wait their turn (a storm is spread, connected clients keep their latency)' }),
  ADMISSION_BURST: env.int({ min: 1, max: 1_000_000, default: d.admissionBurst, doc: 'upgrades admitted at once after a quiet period' }),
  ADMISSION_QUEUE: env.int({ min: 0, max: 1_000_000, default: d.admissionMaxQueued, doc: 'upgrades that may wait for admission; more get HTTP 503 (0 = refuse over the rate at once)' }),
  ADMISSION_WAIT: env.duration({ default: d.admissionMaxWaitMs, doc: 'longest an upgrade waits for admission before HTTP 503' }),
  DRAIN_WINDOW: env.duration({ default: d.drainWindowMs, doc: 'on SIGTERM, clients are told to reconnect and closed spread over this window' }),
});

const MODES = { ltp: SubscriptionMode.LTP, quote: SubscriptionMode.QUOTE, full: SubscriptionMode.FULL } as const;

export interface EdgeAdapters {
  readonly connectBus: ServiceBusConnector;
}

/** Where clients reach this edge. */
export interface EdgeEndpoints {
  readonly host: string;
  readonly port: number;
}

/** The edge's wiring; `main.ts` runs it on NATS, the embedded mode on the in-memory bus. */
export function edgeApp(adapters: EdgeAdapters): ServiceDefinition<typeof edgeConfig, EdgeEndpoints> {
  return {
    name: 'edge',
    config: edgeConfig,
    async start(ctx) {
      const { config: cfg, logger, readiness } = ctx;
      const tiers = parseTierPolicies(cfg.TIERS);
      const verifier = await TokenVerifier.create({
        hs256Secret: cfg.JWT_HS256_SECRET,
        jwksFile: cfg.JWKS_FILE,
        issuer: cfg.JWT_ISSUER,
        audience: cfg.JWT_AUDIENCE,
        allowAnonymous: cfg.ALLOW_ANONYMOUS,
        anonymousTier: cfg.ANONYMOUS_TIER,
        verifiedTokensKept: cfg.VERIFIED_TOKENS_KEPT,
      });
      if (cfg.ALLOW_ANONYMOUS && !tiers.has(cfg.ANONYMOUS_TIER)) throw new Error(`ANONYMOUS_TIER '${cfg.ANONYMOUS_TIER}' is not one of TIERS (${[...tiers.keys()].join(', ')})`);
      const bus = await adapters.connectBus({ servers: cfg.NATS_URL, name: 'tickwire-edge', readiness, logger });
      const snapshots = new SnapshotClient(cfg.SNAPSHOT_ADDRESS);
      const edge = await startEdge({
        bus,
        snapshots,
        shardCount: cfg.SHARD_COUNT,
        host: cfg.HOST,
        port: cfg.PORT,
        listenBacklog: cfg.LISTEN_BACKLOG,
        verifier,
        tiers,
        origins: OriginPolicy.parse(cfg.ALLOWED_ORIGINS),
        maxConnections: cfg.MAX_CONNECTIONS,
        maxConnectionsPerIp: cfg.MAX_CONNECTIONS_PER_IP,
        limits: {
          ...d,
          maxMessageBytes: cfg.MAX_MESSAGE_BYTES,
          messagesPerSec: cfg.MESSAGES_PER_SEC,
          messageBurst: cfg.MESSAGE_BURST,
          maxSymbolsPerRequest: cfg.MAX_SYMBOLS_PER_REQUEST,
          softBufferBytes: cfg.SOFT_BUFFER_BYTES,
          hardBufferBytes: cfg.HARD_BUFFER_BYTES,
          slowConsumerMs: cfg.SLOW_CONSUMER_TIMEOUT,
          heartbeatMs: cfg.HEARTBEAT_INTERVAL,
          idleTimeoutMs: cfg.IDLE_TIMEOUT,
          authTimeoutMs: cfg.AUTH_TIMEOUT,
          defaultMode: MODES[cfg.DEFAULT_MODE],
        },
        lingerMs: cfg.INTEREST_LINGER,
        admission: { ratePerSec: cfg.ADMISSION_RATE, burst: cfg.ADMISSION_BURST, maxQueued: cfg.ADMISSION_QUEUE, maxWaitMs: cfg.ADMISSION_WAIT },
        maxSymbolsPerFetch: d.maxSymbolsPerFetch,
        behindCheckMs: d.behindCheckMs,
        tickMs: d.tickMs,
        registry: ctx.registry,
        logger,
        ...(cfg.STATIC_DIR === undefined ? {} : { staticDir: cfg.STATIC_DIR }),
      });
      logger.info({ event: 'edge.listening', ...edge.address }, `clients: ws://${edge.address.host}:${edge.address.port}/v1/stream`);
      ctx.onShutdown('stop-accepting', () => edge.server.stopAccepting(), 'edge-listener');
      ctx.onShutdown('drain', () => edge.stop(cfg.DRAIN_WINDOW), 'edge-clients');
      ctx.onShutdown('close-adapters', async () => {
        snapshots.close();
        await bus.drain();
      }, 'bus');
      return edge.address;
    },
  };
}
