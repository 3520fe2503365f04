import type { MarketUpdate} from '@tickwire/protocol';
import { MODE_FIELDS, projectUpdate, SubscriptionMode } from '@tickwire/protocol';
import { EncodedMessage } from './wire-encoding';

/** The modes a client can hold, in order; arrays indexed by mode have `MODE_SLOTS` entries. */
export const CLIENT_MODES = [SubscriptionMode.LTP, SubscriptionMode.QUOTE, SubscriptionMode.FULL] as const;
export type ClientMode = (typeof CLIENT_MODES)[number];
export const MODE_SLOTS = 4;

/** Who receives a channel's updates: a client session (WebSocket or SSE). */
export interface UpdateSink {
  /**
   * A new update for `channel` in `mode`: `delta` is the shared encoded delta (apply on top of the
   * previous update this mode's stream carried), or `undefined` when the sink must get the complete state
   * (`channel.complete(mode)`): after an upstream gap or a new epoch.
   */
  pushUpdate(channel: SymbolChannel, mode: ClientMode, delta: EncodedMessage | undefined): void;
  /**
   * The sink's entry in `channel`'s list of `mode` sinks moved to `position` (another sink left the list and
   * this one took its place): the position to give `remove` from now on.
   */
  sinkMoved(channel: SymbolChannel, mode: ClientMode, position: number): void;
}

export type UpstreamResult = 'applied' | 'duplicate' | 'repaired' | 'buffered';

/**
 * One symbol at the edge: its latest full state (the normalizer publishes the whole client-visible state
 * on every update), the encoded deltas and snapshots per mode, and the sinks subscribed in each mode.
 *
 * Sequencing: every mode is a stream of its own. An update that changes nothing a mode shows is not sent
 * to that mode; the next one that does carries `prev_seq` = the last seq the mode's stream carried, so a
 * client holding any seq in [prev_seq, seq) applies it (docs/protocol.md, subscribe flow). A gap or a new
 * epoch upstream is repaired by sending everyone the complete state (`snapshot: true`), which the NATS
 * update itself provides: no client ever applies a delta on top of a state it does not hold.
 *
 * Membership: one array of sinks per mode, not a `Set`: a sink remembers the position `add` gave it and
 * `remove` moves the last sink into the hole (telling it through `sinkMoved`), so joining and leaving cost
 * O(1) and each membership costs one array slot (a `Set` entry costs ~3x that, and with 10,000 connections x
 * 20 subscriptions that is most of a connection's memory at the edge).
 */
export class SymbolChannel {
  latest: MarketUpdate | undefined;
  ready = false;
  /** Updates that arrived before the snapshot (subscribe first, then fetch, so nothing falls in between). */
  private buffered: MarketUpdate[] | undefined = [];
  private readonly streamSeq: bigint[] = new Array<bigint>(MODE_SLOTS).fill(0n);
  private readonly completes: (EncodedMessage | undefined)[] = new Array<EncodedMessage | undefined>(MODE_SLOTS);
  /** The sinks of each mode (indexed by `ClientMode`; slot 0 stays empty). */
  private readonly sinks: UpdateSink[][] = [[], [], [], []];
  /** Interest held by sessions (the router's reference count). */
  refs = 0;

  constructor(readonly symbol: string) {}

  get subscriberCount(): number {
    return this.sinks[1]!.length + this.sinks[2]!.length + this.sinks[3]!.length;
  }

  /** Registers `sink` for `mode` (once per sink and mode); returns its position, for `remove`. */
  add(sink: UpdateSink, mode: ClientMode): number {
    const sinks = this.sinks[mode]!;
    sinks.push(sink);
    return sinks.length - 1;
  }

  /**
   * Unregisters `sink` from `mode`, found at `position` (as `add` or the latest `sinkMoved` gave it). A wrong
   * position is a bug in the caller's bookkeeping; the sink is then looked for, so delivery stays right.
   */
  remove(sink: UpdateSink, mode: ClientMode, position: number): void {
    const sinks = this.sinks[mode]!;
    let at = position;
    if (sinks[at] !== sink) at = sinks.indexOf(sink);
    if (at < 0) return;
    const last = sinks.length - 1;
    if (at !== last) {
      const moved = sinks[last]!;
      sinks[at] = moved;
      moved.sinkMoved(this, mode, at);
    }
    sinks.length = last;
  }

  /**
   * Makes the channel ready from the snapshot service's answer (or none) and the updates buffered
   * meanwhile: the newest of them is the state. Returns false when neither exists (an unknown symbol).
   */
  initialize(snapshot: MarketUpdate | undefined): boolean {
    const buffered = this.buffered ?? [];
    this.buffered = undefined;
    let base = snapshot;
    for (const update of buffered) if (base === undefined || isNewer(update, base)) base = update;
    if (base === undefined) return false;
    this.setLatest(base);
    this.streamSeq.fill(base.seq);
    this.ready = true;
    return true;
  }

  /** An update from md.tick. Fans out to the sinks once the channel is ready. */
  onUpstream(update: MarketUpdate): UpstreamResult {
    if (this.buffered !== undefined) {
      this.buffered.push(update);
      return 'buffered';
    }
    const previous = this.latest!;
    // Older than what we hold (a redelivery, or a late message from a replaced epoch).
    if (!isNewer(update, previous)) return 'duplicate';
    const contiguous = update.epoch === previous.epoch && update.seq === previous.seq + 1n;
    const staleFlip = update.stale !== previous.stale;
    this.setLatest(update);
    if (!contiguous) {
      this.streamSeq.fill(update.seq);
      for (const mode of CLIENT_MODES) {
        const sinks = this.sinks[mode]!;
        for (let i = 0; i < sinks.length; i++) sinks[i]!.pushUpdate(this, mode, undefined);
      }
      return 'repaired';
    }
    for (const mode of CLIENT_MODES) {
      // The stale flag has no bit of its own: when it flips, every mode shows it.
      const visible = update.changed & MODE_FIELDS[mode];
      if (visible === 0 && !staleFlip) continue;
      const prevSeq = this.streamSeq[mode]!;
      this.streamSeq[mode] = update.seq;
      const sinks = this.sinks[mode]!;
      if (sinks.length === 0) continue;
      const delta = new EncodedMessage({ body: { $case: 'update', value: deltaOf(update, visible, prevSeq) } });
      for (let i = 0; i < sinks.length; i++) sinks[i]!.pushUpdate(this, mode, delta);
    }
    return 'applied';
  }

  /** The complete state in `mode` (`snapshot: true`), encoded once per state and mode. */
  complete(mode: ClientMode): EncodedMessage {
    let complete = this.completes[mode];
    if (complete === undefined) {
      const state = projectUpdate(this.latest!, MODE_FIELDS[mode]);
      state.snapshot = true;
      state.trades = [];
      state.changed = 0;
      state.prevSeq = undefined;
      complete = this.completes[mode] = new EncodedMessage({ body: { $case: 'update', value: state } });
    }
    return complete;
  }

  private setLatest(update: MarketUpdate): void {
    this.latest = update;
    this.completes.fill(undefined);
  }
}

function isNewer(a: MarketUpdate, b: MarketUpdate): boolean {
  return a.epoch !== b.epoch ? a.epoch > b.epoch : a.seq > b.seq;
}

function deltaOf(update: MarketUpdate, visible: number, prevSeq: bigint): MarketUpdate {
  const delta = projectUpdate(update, visible);
  delta.snapshot = false;
  delta.prevSeq = prevSeq === update.seq - 1n ? undefined : prevSeq;
  return delta;
}
