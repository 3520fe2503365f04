import { Histogram, type Registry } from 'prom-client';
import { counterFrom, gaugeFrom, METRIC_PREFIX } from '@tickwire/runtime';

/**
 * The normalizer's metrics. Hot-path counts are plain fields copied into prom-client at scrape time;
 * the latency histogram is observed per published update (throttled, not per event).
 */
export class NormalizerMetrics {
  eventsIn = 0;
  changes = 0;
  updatesOut = 0;
  instrumentsOut = 0;
  noopUpdatesSkipped = 0;
  duplicateMessages = 0;
  badMessages = 0;
  badBatches = 0;
  lostBatches = 0;
  duplicateBatches = 0;
  republishedUpdates = 0;
  republishesRefused = 0;
  rewinds = 0;
  staleBooks = 0;
  private readonly latency: Histogram;

  constructor(registry: Registry, gauges: { liveOrders: () => number; instruments: () => number; staleInstruments: () => number }) {
    const prefix = `${METRIC_PREFIX}normalizer_`;
    const counter = (name: string, help: string, read: () => number): void => void counterFrom(registry, `${prefix}${name}`, help, read);
    const gauge = (name: string, help: string, read: () => number): void => void gaugeFrom(registry, `${prefix}${name}`, help, read);
    counter('events_in_total', 'ITCH messages applied to the books', () => this.eventsIn);
    counter('changes_total', 'Messages that changed what a client sees', () => this.changes);
    counter('updates_out_total', 'md.tick updates published', () => this.updatesOut);
    counter('instruments_out_total', 'md.instrument reference data messages published (one per Stock Directory message, and the whole directory on becoming active and every DIRECTORY_INTERVAL)', () => this.instrumentsOut);
    counter('noop_updates_skipped_total', 'Throttled updates not sent because nothing visible changed', () => this.noopUpdatesSkipped);
    counter('duplicate_messages_total', 'Messages skipped as already applied (replays after an ingest restart)', () => this.duplicateMessages);
    counter('bad_messages_total', 'Malformed ITCH messages in md.raw batches', () => this.badMessages);
    counter('bad_batches_total', 'md.raw batches that could not be decoded or walked', () => this.badBatches);
    counter('duplicate_batches_total', 'md.raw batches delivered again by a replay (its consumer replaced or rewound): skipped', () => this.duplicateBatches);
    counter('republished_updates_total', 'Latest states published again with their seq, asked on md.republish.<shard>', () => this.republishedUpdates);
    counter('republish_requests_refused_total', 'md.republish requests ignored: the shard was published again less than 5 s before', () => this.republishesRefused);
    counter('lost_batches_total', 'Gaps in an md.raw batch sequence (books marked stale)', () => this.lostBatches);
    counter('replay_rewinds_total', 'md.raw batches found missing in a stream replay and asked for again (see MAX_REWINDS_PER_GAP)', () => this.rewinds);
    gauge('conflation_ratio', 'Visible changes per published update since start', () => (this.updatesOut === 0 ? 0 : this.changes / this.updatesOut));
    gauge('live_orders', 'Orders resting in the books', gauges.liveOrders);
    gauge('instruments', 'Instruments known', gauges.instruments);
    gauge('stale_instruments', 'Instruments whose state may be out of date', gauges.staleInstruments);
    this.latency = new Histogram({
      name: `${prefix}latency_seconds`,
      help: 'From ingest receiving the newest folded message to publishing the update (includes throttling delay)',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    });
  }

  observeLatencyNs(ns: number): void {
    if (ns > 0) this.latency.observe(ns / 1e9);
  }
}
