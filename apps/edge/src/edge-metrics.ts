import { Counter, Histogram, type Registry } from 'prom-client';
import { counterFrom, gaugeFrom, METRIC_PREFIX } from '@tickwire/runtime';

/** Why a connection was refused or closed by the edge: the `reason` label of the rejection counter. */
export type RejectionReason =
  | 'auth_required'
  | 'auth_failed'
  | 'token_expired'
  | 'auth_timeout'
  | 'origin'
  | 'subprotocol'
  | 'per_ip_limit'
  | 'process_limit'
  | 'admission_queue_full'
  | 'admission_timeout'
  | 'draining'
  | 'message_too_big'
  | 'invalid_messages'
  | 'rate_limited'
  | 'too_many_subscriptions'
  | 'slow_consumer'
  | 'idle_timeout'
  | 'bad_request'
  | 'not_entitled'
  | 'not_found'
  | 'malformed_request'
  | 'headers_too_large'
  | 'request_timeout';

/**
 * The edge's metrics. Hot-path counts (per update, per frame, per byte) are plain fields read at scrape
 * time; the delivery latency histogram is sampled (one observation per frame, not per client message).
 */
export class EdgeMetrics {
  upstreamUpdates = 0;
  upstreamDuplicates = 0;
  upstreamRepairs = 0;
  upstreamBadMessages = 0;
  messagesOut = 0;
  framesOut = 0;
  bytesOut = 0;
  conflatedUpdates = 0;
  messagesIn = 0;
  badMessagesIn = 0;
  snapshotFetches = 0;
  snapshotFetchFailures = 0;
  connections = 0;
  subscriptions = 0;
  natsSubscriptions = 0;
  conflatingSessions = 0;
  admissionQueued = 0;
  readonly rejections: Counter<'reason'>;
  readonly deliveryLatency: Histogram;
  readonly snapshotLatency: Histogram;

  constructor(registry: Registry) {
    const prefix = `${METRIC_PREFIX}edge_`;
    const counter = (name: string, help: string, read: () => number): void => void counterFrom(registry, `${prefix}${name}`, help, read);
    const gauge = (name: string, help: string, read: () => number): void => void gaugeFrom(registry, `${prefix}${name}`, help, read);
    counter('upstream_updates_total', 'md.tick updates received from NATS', () => this.upstreamUpdates);
    counter('upstream_duplicates_total', 'md.tick updates dropped as not newer than the state held', () => this.upstreamDuplicates);
    counter('upstream_repairs_total', 'Upstream seq gaps or new epochs answered by sending subscribers the complete state', () => this.upstreamRepairs);
    counter('upstream_bad_messages_total', 'md.tick payloads that could not be decoded', () => this.upstreamBadMessages);
    counter('messages_out_total', 'Server messages written to clients (a batch counts its messages)', () => this.messagesOut);
    counter('frames_out_total', 'WebSocket frames / SSE events written to clients', () => this.framesOut);
    counter('bytes_out_total', 'Payload bytes written to clients', () => this.bytesOut);
    counter('conflated_updates_total', 'Updates replaced by a newer one for a client that was behind or on a batched tier', () => this.conflatedUpdates);
    counter('messages_in_total', 'Client messages received', () => this.messagesIn);
    counter('bad_messages_in_total', 'Client messages rejected as malformed or invalid', () => this.badMessagesIn);
    counter('snapshot_fetches_total', 'GetSnapshots calls to the snapshot service', () => this.snapshotFetches);
    counter('snapshot_fetch_failures_total', 'GetSnapshots calls that failed', () => this.snapshotFetchFailures);
    gauge('connections', 'Open client connections (WebSocket and SSE)', () => this.connections);
    gauge('subscriptions', 'Client subscriptions (connection x symbol)', () => this.subscriptions);
    gauge('nats_subscriptions', 'Symbols this edge holds an md.tick subscription for', () => this.natsSubscriptions);
    gauge('admission_queue', 'WebSocket upgrades waiting for their turn (admission pacing)', () => this.admissionQueued);
    gauge('conflating_connections', 'Connections currently behind and receiving latest values only', () => this.conflatingSessions);
    this.rejections = new Counter({ name: `${prefix}rejections_total`, help: 'Connections refused or closed by the edge, and requests rejected, by reason', labelNames: ['reason'], registers: [registry] });
    this.deliveryLatency = new Histogram({
      name: `${prefix}delivery_latency_seconds`,
      help: 'Normalizer publish time to the frame being written to the socket (newest update in the frame)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    });
    this.snapshotLatency = new Histogram({ name: `${prefix}snapshot_fetch_seconds`, help: 'GetSnapshots round trip', buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 2], registers: [registry] });
  }

  reject(reason: RejectionReason): void {
    this.rejections.inc({ reason });
  }
}
