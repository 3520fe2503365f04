import type { Bus } from '@tickwire/bus';
import type { Logger, Registry } from '@tickwire/runtime';
import { ConnectionLimiter, type AdmissionPacerOptions, type OriginPolicy, type TierPolicy, type TokenVerifier } from './access';
import type { SessionLimits } from './client-session';
import { DEFAULT_ADMISSION, DEFAULT_EDGE_LIMITS } from './edge-defaults';
import { EdgeMetrics } from './edge-metrics';
import { EdgeServer, type SnapshotQueries } from './edge-server';
import { MarketInterest } from './market-interest';
import { OutboundScheduler } from './outbound-scheduler';
import { StaticSite } from './static-site';

export interface EdgeServiceOptions {
  readonly bus: Bus;
  readonly snapshots: SnapshotQueries;
  readonly shardCount: number;
  readonly host: string;
  readonly port: number;
  /** Pending connections the kernel may queue for accept; `DEFAULT_EDGE_LIMITS.listenBacklog` when not given. */
  readonly listenBacklog?: number;
  readonly verifier: TokenVerifier;
  readonly tiers: ReadonlyMap<string, TierPolicy>;
  readonly origins: OriginPolicy;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  readonly limits: SessionLimits;
  readonly lingerMs: number;
  readonly maxSymbolsPerFetch: number;
  readonly behindCheckMs: number;
  readonly tickMs: number;
  readonly registry: Registry;
  readonly logger: Logger;
  /** A directory served on the client port (`GET /` = its index.html), e.g. the dashboard's build. */
  readonly staticDir?: string;
  /** WebSocket admission pacing; `DEFAULT_ADMISSION` when not given. */
  readonly admission?: AdmissionPacerOptions;
}

export interface EdgeService {
  readonly server: EdgeServer;
  readonly metrics: EdgeMetrics;
  readonly interest: MarketInterest;
  readonly address: { readonly host: string; readonly port: number };
  /** Drain (reconnect notices spread over `windowMs`), then close everything the edge opened (not the bus). */
  stop(drainWindowMs: number): Promise<void>;
}

/** Wires one edge: interest routing, the scheduler, the listener. `main.ts` and the tests both start it this way. */
export async function startEdge(options: EdgeServiceOptions): Promise<EdgeService> {
  const staticSite = options.staticDir === undefined ? undefined : await StaticSite.open(options.staticDir);
  const metrics = new EdgeMetrics(options.registry);
  const interest = new MarketInterest({ bus: options.bus, shardCount: options.shardCount, snapshots: options.snapshots, lingerMs: options.lingerMs, maxSymbolsPerFetch: options.maxSymbolsPerFetch, metrics, logger: options.logger });
  const scheduler = new OutboundScheduler({ behindCheckMs: options.behindCheckMs, tickMs: options.tickMs });
  const server = new EdgeServer({
    host: options.host,
    port: options.port,
    listenBacklog: options.listenBacklog ?? DEFAULT_EDGE_LIMITS.listenBacklog,
    services: { interest, scheduler, metrics, logger: options.logger, verifier: options.verifier, tiers: options.tiers, limits: options.limits },
    snapshots: options.snapshots,
    origins: options.origins,
    connections: new ConnectionLimiter({ maxPerIp: options.maxConnectionsPerIp, maxTotal: options.maxConnections }),
    allowAnonymous: options.verifier.allowsAnonymous,
    staticSite,
    admission: options.admission ?? DEFAULT_ADMISSION,
  });
  const address = await server.listen();
  let stopped: Promise<void> | undefined;
  return {
    server,
    metrics,
    interest,
    address,
    stop(drainWindowMs) {
      stopped ??= (async () => {
        await server.drain(drainWindowMs);
        await server.close();
        scheduler.close();
        interest.close();
      })();
      return stopped;
    },
  };
}
