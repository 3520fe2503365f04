import { MarketUpdate, SubscriptionMode, UpdateField, decodeServerJson, decodeServerMessage } from '@tickwire/protocol';
import { SymbolChannel, type ClientMode, type UpdateSink } from './symbol-channel';
import { Encoding, type EncodedMessage } from './wire-encoding';

function update(seq: number, changed: number, fields: Partial<MarketUpdate> = {}, epoch = 1n): MarketUpdate {
  return {
    ...MarketUpdate.fromPartial({}),
    symbol: 'AAPL',
    seq: BigInt(seq),
    epoch,
    publishTsNs: 1n,
    ltp: 100 + seq,
    lastSize: 10n,
    volume: BigInt(seq * 10),
    quote: { bidPrice: 99, bidSize: 1n, askPrice: 101 + seq, askSize: 1n },
    depth: { bids: [{ price: 99, size: 1n, orders: 1 }], asks: [] },
    changed,
    ...fields,
  };
}

/** Records what a client in one mode would receive, decoded from the shared bytes. */
class RecordingSink implements UpdateSink {
  readonly received: MarketUpdate[] = [];
  constructor(readonly encoding: Encoding = Encoding.PROTO) {}
  pushUpdate(channel: SymbolChannel, mode: ClientMode, delta: EncodedMessage | undefined): void {
    const bytes = (delta ?? channel.complete(mode)).bytes(this.encoding);
    const decoded = this.encoding === Encoding.PROTO ? decodeServerMessage(bytes) : decodeServerJson(Buffer.from(bytes).toString('utf8'));
    if (!decoded.ok || decoded.message.body?.$case !== 'update') throw new Error('not an update');
    this.received.push(decoded.message.body.value);
  }
  sinkMoved(): void {}
}

const LTP_CHANGE = UpdateField.LTP | UpdateField.VOLUME | UpdateField.TRADES;
const QUOTE_CHANGE = UpdateField.QUOTE | UpdateField.DEPTH;

describe('SymbolChannel', () => {
  it('becomes ready from the newest of the snapshot and the updates buffered while fetching it', () => {
    const channel = new SymbolChannel('AAPL');
    expect(channel.onUpstream(update(5, LTP_CHANGE))).toBe('buffered');
    expect(channel.onUpstream(update(6, LTP_CHANGE))).toBe('buffered');
    expect(channel.initialize(update(4, 0, { snapshot: true }))).toBe(true);
    expect(channel.latest?.seq).toBe(6n);
    expect(new SymbolChannel('X').initialize(undefined)).toBe(false);
    const quiet = new SymbolChannel('AAPL');
    quiet.initialize(update(9, 0));
    expect(quiet.latest?.seq).toBe(9n);
  });

  it('sends each mode only the updates it can see, with prev_seq when its stream skipped some', () => {
    const channel = new SymbolChannel('AAPL');
    channel.initialize(update(10, 0));
    const ltp = new RecordingSink();
    const full = new RecordingSink();
    channel.add(ltp, SubscriptionMode.LTP);
    channel.add(full, SubscriptionMode.FULL);
    channel.onUpstream(update(11, QUOTE_CHANGE));
    channel.onUpstream(update(12, QUOTE_CHANGE));
    channel.onUpstream(update(13, LTP_CHANGE));
    channel.onUpstream(update(14, LTP_CHANGE));
    expect(full.received.map((u) => [u.seq, u.prevSeq])).toEqual([[11n, undefined], [12n, undefined], [13n, undefined], [14n, undefined]]);
    // The ltp stream skipped 11 and 12: 13 says it follows 10.
    expect(ltp.received.map((u) => [u.seq, u.prevSeq])).toEqual([[13n, 10n], [14n, undefined]]);
    expect(ltp.received[0]).toMatchObject({ ltp: 113, volume: 130n, snapshot: false });
    expect(ltp.received[0]!.quote).toBeUndefined();
    expect(ltp.received[0]!.depth).toBeUndefined();
    // Deltas carry only what changed: the quote update has no ltp.
    expect(full.received[0]!.ltp).toBeUndefined();
    expect(full.received[0]!.quote?.askPrice).toBe(112);
  });

  it('repairs an upstream gap or a new epoch by sending the complete state', () => {
    const channel = new SymbolChannel('AAPL');
    channel.initialize(update(1, 0));
    const sink = new RecordingSink(Encoding.JSON);
    channel.add(sink, SubscriptionMode.QUOTE);
    expect(channel.onUpstream(update(3, UpdateField.LTP))).toBe('repaired');
    expect(channel.onUpstream(update(1, UpdateField.LTP, {}, 2n))).toBe('repaired');
    expect(sink.received.map((u) => [u.seq, u.epoch, u.snapshot])).toEqual([[3n, 1n, true], [1n, 2n, true]]);
    expect(sink.received[0]).toMatchObject({ ltp: 103, quote: { askPrice: 104 } });
    expect(sink.received[0]!.depth).toBeUndefined();
  });

  it('drops duplicates and updates from an older epoch', () => {
    const channel = new SymbolChannel('AAPL');
    channel.initialize(update(5, 0, {}, 2n));
    const sink = new RecordingSink();
    channel.add(sink, SubscriptionMode.FULL);
    expect(channel.onUpstream(update(5, LTP_CHANGE, {}, 2n))).toBe('duplicate');
    expect(channel.onUpstream(update(4, LTP_CHANGE, {}, 2n))).toBe('duplicate');
    expect(channel.onUpstream(update(9, LTP_CHANGE, {}, 1n))).toBe('duplicate');
    expect(sink.received).toEqual([]);
  });

  it('sends a stale flip to every mode even without a field bit', () => {
    const channel = new SymbolChannel('AAPL');
    channel.initialize(update(1, 0));
    const sink = new RecordingSink();
    channel.add(sink, SubscriptionMode.LTP);
    channel.onUpstream(update(2, UpdateField.DEPTH, { stale: true }));
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]).toMatchObject({ seq: 2n, stale: true });
  });

  it('encodes a delta once for all sinks of a mode and encoding', () => {
    const channel = new SymbolChannel('AAPL');
    channel.initialize(update(1, 0));
    const seen: EncodedMessage[] = [];
    const sink = (): UpdateSink => ({ pushUpdate: (_c, _m, delta) => void seen.push(delta!), sinkMoved: () => undefined });
    channel.add(sink(), SubscriptionMode.FULL);
    channel.add(sink(), SubscriptionMode.FULL);
    channel.onUpstream(update(2, LTP_CHANGE));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]!.bytes(Encoding.PROTO)).toBe(seen[1]!.bytes(Encoding.PROTO));
    expect(channel.complete(SubscriptionMode.LTP)).toBe(channel.complete(SubscriptionMode.LTP));
  });

  it('keeps membership in arrays: remove moves the last sink into the hole and tells it its new position', () => {
    const channel = new SymbolChannel('AAPL');
    channel.initialize(update(1, 0));
    /** A sink that keeps the position the channel gave it, as a session does. */
    class PositionedSink implements UpdateSink {
      position = -1;
      updates = 0;
      pushUpdate(): void {
        this.updates++;
      }
      sinkMoved(moved: SymbolChannel, mode: ClientMode, position: number): void {
        expect(moved).toBe(channel);
        expect(mode).toBe(SubscriptionMode.FULL);
        this.position = position;
      }
    }
    const sinks = Array.from({ length: 6 }, () => new PositionedSink());
    for (const sink of sinks) sink.position = channel.add(sink, SubscriptionMode.FULL);
    expect(sinks.map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5]);
    // The first, a middle one and the last leave; the others keep receiving, each exactly once per update.
    for (const leaving of [sinks[0]!, sinks[3]!, sinks[5]!]) channel.remove(leaving, SubscriptionMode.FULL, leaving.position);
    const staying = [sinks[1]!, sinks[2]!, sinks[4]!];
    expect(channel.subscriberCount).toBe(3);
    expect(staying.map((s) => s.position).sort()).toEqual([0, 1, 2]);
    channel.onUpstream(update(2, LTP_CHANGE));
    expect(sinks.map((s) => s.updates)).toEqual([0, 1, 1, 0, 1, 0]);
    // A stale position (a caller's bookkeeping bug) still removes the right sink.
    channel.remove(sinks[2]!, SubscriptionMode.FULL, 99);
    channel.onUpstream(update(3, LTP_CHANGE));
    expect(sinks.map((s) => s.updates)).toEqual([0, 2, 1, 0, 2, 0]);
    for (const sink of [sinks[1]!, sinks[4]!]) channel.remove(sink, SubscriptionMode.FULL, sink.position);
    expect(channel.subscriberCount).toBe(0);
  });
});
