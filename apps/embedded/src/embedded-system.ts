import { dirname, join } from 'node:path';
import type { DestinationStream } from 'pino';
import { connectServiceBus, InMemoryBroker, inMemoryServiceBus, type ServiceBusConnector } from '@tickwire/bus';
import { edgeApp, type EdgeEndpoints } from '@tickwire/edge/app';
import { exchangeSimApp } from '@tickwire/exchange-sim/app';
import { ingestApp } from '@tickwire/ingest/app';
import { normalizerApp } from '@tickwire/normalizer/app';
import type { Config, ConfigSpec, ServiceDefinition } from '@tickwire/runtime';
import { connectStoreWithRetry, snapshotApp, type SnapshotAdapters } from '@tickwire/snapshot/app';
import { MemorySnapshotStore } from '@tickwire/store';
import type { embeddedConfig } from './embedded-config';
import { hostService, type HostedService } from './hosted-service';

export type EmbeddedConfig = Config<typeof embeddedConfig>;

/** The environment prefix that passes a variable through to each hosted service. */
export const SERVICE_PREFIXES = { 'exchange-sim': 'SIM_', ingest: 'INGEST_', normalizer: 'NORMALIZER_', snapshot: 'SNAPSHOT_', edge: 'EDGE_' } as const;
type HostedName = keyof typeof SERVICE_PREFIXES;

export interface EmbeddedSystem {
  /** Where clients connect. */
  readonly edge: EdgeEndpoints;
  /** Adapters in use: `memory` or the URL(s) given. */
  readonly bus: string;
  readonly store: string;
  /** Each hosted service's ops server (/healthz, /readyz, /metrics). */
  readonly ops: ReadonlyArray<{ readonly service: string; readonly url: string }>;
  /** Resolves with the name and exit code of the first hosted service that stops by itself. */
  readonly firstExit: Promise<{ service: string; code: number }>;
  /** Stops the services clients first, data sources next, state last; resolves with the highest exit code. */
  stop(): Promise<number>;
}

/** The built dashboard next to this app in the workspace, served at / unless STATIC_DIR says otherwise. */
export function defaultDashboardDir(): string {
  return join(dirname(require.resolve('@tickwire/dashboard/package.json')), 'dist');
}

/**
 * Starts exchange-sim -> ingest -> normalizer -> snapshot -> edge in this process, each through its own
 * service definition (the same wiring as its `main.ts`), on the in-memory bus and store unless NATS_URL /
 * REDIS_URL name real ones. Consumers start before producers so no message of the day is missed.
 * On a failed start the services already running are stopped before the error is thrown.
 */
export async function startEmbeddedSystem(config: EmbeddedConfig, processEnv: Readonly<Record<string, string | undefined>>, logDestination?: DestinationStream): Promise<EmbeddedSystem> {
  const broker = config.NATS_URL === undefined ? new InMemoryBroker() : undefined;
  const connectBus: ServiceBusConnector = broker === undefined ? connectServiceBus : inMemoryServiceBus(broker);
  const connectStore: SnapshotAdapters['connectStore'] = config.REDIS_URL === undefined ? async () => new MemorySnapshotStore() : connectStoreWithRetry;
  const shards = `0-${config.SHARD_COUNT - 1}`;
  const common: Record<string, string> = {
    LOG_LEVEL: config.LOG_LEVEL,
    OPS_HOST: '127.0.0.1',
    OPS_PORT: '0',
    SHARD_COUNT: String(config.SHARD_COUNT),
    ...(config.NATS_URL === undefined ? {} : { NATS_URL: config.NATS_URL.join(',') }),
  };
  const envFor = (service: HostedName, own: Record<string, string>): Record<string, string> => ({ ...common, ...own, ...passedThrough(processEnv, SERVICE_PREFIXES[service]) });

  const started: HostedService<unknown>[] = [];
  const host = async <S extends ConfigSpec, R>(definition: ServiceDefinition<S, R>, env: Record<string, string>): Promise<HostedService<R>> => {
    const service = await hostService(definition, env, logDestination);
    started.push(service);
    return service;
  };
  // Clients first (the edge drains them), then the feed, then the state keepers, which flush last.
  const stopOrder: readonly HostedName[] = ['edge', 'ingest', 'exchange-sim', 'normalizer', 'snapshot'];
  const stop = async (): Promise<number> => {
    let code = 0;
    for (const name of stopOrder) {
      const service = started.find((s) => s.name === name);
      if (service !== undefined) code = Math.max(code, await service.stop());
    }
    return code;
  };

  try {
    const snapshot = await host(snapshotApp({ connectBus, connectStore }), envFor('snapshot', {
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      SHARDS: shards,
      ...(config.REDIS_URL === undefined ? {} : { REDIS_URL: config.REDIS_URL }),
    }));
    await host(normalizerApp({ connectBus }), envFor('normalizer', { SHARDS: shards, MAX_UPDATES_PER_SEC: String(config.MAX_UPDATES_PER_SEC) }));
    const edge = await host(edgeApp({ connectBus }), envFor('edge', {
      HOST: config.HOST,
      PORT: String(config.PORT),
      SNAPSHOT_ADDRESS: snapshot.started.grpcAddress,
      ALLOW_ANONYMOUS: 'true',
      ANONYMOUS_TIER: 'realtime',
      DRAIN_WINDOW: '1s',
      STATIC_DIR: config.STATIC_DIR ?? defaultDashboardDir(),
    }));
    const simEnv = envFor('exchange-sim', { MODE: 'soupbintcp', HOST: '127.0.0.1', PORT: '0', SYMBOLS: String(config.SYMBOLS), RATE: String(config.RATE), MESSAGES: String(config.MESSAGES), SPEED: '1' });
    const sim = await host(exchangeSimApp(), simEnv);
    if (sim.started.soupBinTcp === undefined) throw new Error('the embedded mode reads the simulator over SoupBinTCP: leave SIM_MODE unset');
    const user = simEnv['SOUP_USERNAME'] ?? 'tw';
    const password = simEnv['SOUP_PASSWORD'] ?? 'tickwire';
    await host(ingestApp({ connectBus }), envFor('ingest', { SOURCE: `soupbintcp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${sim.started.soupBinTcp}` }));

    return {
      edge: edge.started,
      bus: config.NATS_URL?.join(',') ?? 'memory',
      store: config.REDIS_URL ?? 'memory',
      ops: started.map((s) => ({ service: s.name, url: s.ops.url })),
      firstExit: Promise.race(started.map((s) => s.exited.then((code) => ({ service: s.name, code })))),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `<PREFIX>NAME=value` in the environment -> `NAME=value` for the service with that prefix. */
export function passedThrough(processEnv: Readonly<Record<string, string | undefined>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(processEnv)) {
    if (value !== undefined && name.startsWith(prefix) && name.length > prefix.length) out[name.slice(prefix.length)] = value;
  }
  return out;
}
