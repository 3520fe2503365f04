import { concatBatch, encodeServerMessage, MarketUpdate, type ServerMessage } from '@tickwire/protocol';
import { DeliveryTally, mergeTallies } from './delivery-tally';
import { ServerField } from './server-frame-scanner';

const T0 = 1_795_478_211_000_000_000;

function update(publishMs: number, snapshot = false): Uint8Array {
  const message: ServerMessage = { body: { $case: 'update', value: { ...MarketUpdate.fromPartial({}), symbol: 'SYM0001', seq: 2n, epoch: 1n, publishTsNs: BigInt(T0 + publishMs * 1e6), snapshot } } };
  return encodeServerMessage(message);
}

describe('DeliveryTally', () => {
  it('counts updates, snapshots, frames and bytes, and the latency of live updates against the frame receive time', () => {
    const tally = new DeliveryTally();
    const batch = concatBatch([update(0), update(1), update(0, true), encodeServerMessage({ body: { $case: 'ping', value: { ts: 1n } } })]);
    tally.onFrame(batch, T0 + 3e6);
    tally.onFrame(update(10), T0 + 12e6);
    expect(tally.frames).toBe(2);
    expect(tally.bytes).toBe(batch.length + update(10).length);
    expect(tally.updates).toBe(3);
    expect(tally.snapshots).toBe(1);
    expect(tally.controls).toBe(1);
    expect(tally.lastUpdateNs).toBe(T0 + 12e6);
    // Latencies 3 ms, 2 ms, 2 ms (snapshots are not timed).
    expect(tally.latency.total).toBe(3);
    expect(tally.latency.quantileUs(0.5)).toBeGreaterThanOrEqual(2_000);
    expect(tally.latency.quantileUs(0.5)).toBeLessThan(2_000 * (1 + 1 / 16) + 1);
    expect(tally.latency.quantileUs(1)).toBeGreaterThan(2_999);
  });

  it('routes control messages to its handler and counts malformed frames', () => {
    const seen: number[] = [];
    const tally = new DeliveryTally((field) => seen.push(field));
    tally.onFrame(encodeServerMessage({ body: { $case: 'welcome', value: { sessionId: 's', heartbeatMs: 1, tier: 't', maxSubscriptions: 1 } } }), T0);
    tally.onFrame(Uint8Array.of(0xff), T0);
    expect(seen).toEqual([ServerField.WELCOME]);
    expect(tally.malformedFrames).toBe(1);
    expect(tally.lastUpdateNs).toBe(0);
  });

  it('merges the tallies of several workers (through their IPC form) and resets', () => {
    const a = new DeliveryTally();
    const b = new DeliveryTally();
    a.onFrame(concatBatch([update(0), update(0)]), T0 + 1e6);
    b.onFrame(update(0), T0 + 5e6);
    const merged = mergeTallies([JSON.parse(JSON.stringify(a.snapshot())), JSON.parse(JSON.stringify(b.snapshot()))]);
    expect(merged.updates).toBe(3);
    expect(merged.frames).toBe(2);
    expect(merged.lastUpdateNs).toBe(T0 + 5e6);
    expect(merged.latency.total).toBe(3);
    expect(merged.latency.quantileUs(1)).toBeGreaterThan(4_999); // ns timestamps near 1.8e18 as doubles: ~256 ns steps
    a.reset();
    expect(a.snapshot()).toMatchObject({ frames: 0, updates: 0, bytes: 0, latency: { buckets: [] } });
  });
});
