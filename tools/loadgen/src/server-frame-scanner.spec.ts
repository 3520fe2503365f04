import { concatBatch, encodeServerMessage, MarketUpdate, type ServerMessage } from '@tickwire/protocol';
import { scanServerFrame, ServerField, type FrameVisitor } from './server-frame-scanner';

const PUBLISH_NS = 1_795_478_211_123_456_789n;

function update(seq: number, fields: Partial<MarketUpdate> = {}): ServerMessage {
  return {
    body: {
      $case: 'update',
      value: { ...MarketUpdate.fromPartial({}), symbol: 'SYM0001', seq: BigInt(seq), epoch: 1n, publishTsNs: PUBLISH_NS + BigInt(seq), ltp: 1_000_000, quote: { bidPrice: 1, bidSize: 2n, askPrice: 3, askSize: 4n }, changed: 5, ...fields },
    },
  };
}

const welcome: ServerMessage = { body: { $case: 'welcome', value: { sessionId: 'abc', heartbeatMs: 15_000, tier: 'realtime', maxSubscriptions: 500 } } };
const ping: ServerMessage = { body: { $case: 'ping', value: { ts: 123n } } };

class Recorder implements FrameVisitor {
  readonly events: string[] = [];
  update(publishTsNs: number, snapshot: boolean): void {
    this.events.push(`update ${publishTsNs} ${snapshot}`);
  }
  control(field: number, bytes: Uint8Array, start: number, end: number): void {
    this.events.push(`control ${field} ${end - start}`);
    expect(bytes.subarray(start, end).length).toBe(end - start);
  }
}

function scan(frame: Uint8Array): { ok: boolean; events: string[] } {
  const recorder = new Recorder();
  return { ok: scanServerFrame(frame, recorder), events: recorder.events };
}

describe('scanServerFrame', () => {
  it('reports one update with its publish time and snapshot flag', () => {
    expect(scan(encodeServerMessage(update(1)))).toEqual({ ok: true, events: [`update ${Number(PUBLISH_NS + 1n)} false`] });
    expect(scan(encodeServerMessage(update(2, { snapshot: true })))).toEqual({ ok: true, events: [`update ${Number(PUBLISH_NS + 2n)} true`] });
  });

  it('reports every message of a batch built the way the edge builds it, in order', () => {
    const pieces = [encodeServerMessage(update(1)), encodeServerMessage(ping), encodeServerMessage(update(2, { snapshot: true })), encodeServerMessage(update(3))];
    const { ok, events } = scan(concatBatch(pieces));
    expect(ok).toBe(true);
    expect(events).toEqual([`update ${Number(PUBLISH_NS + 1n)} false`, `control ${ServerField.PING} ${pieces[1]!.length}`, `update ${Number(PUBLISH_NS + 2n)} true`, `update ${Number(PUBLISH_NS + 3n)} false`]);
  });

  it('hands control messages over with the bytes that decode to them', () => {
    const bytes = encodeServerMessage(welcome);
    expect(scan(bytes)).toEqual({ ok: true, events: [`control ${ServerField.WELCOME} ${bytes.length}`] });
  });

  it('never throws on a truncated frame and never reports more than the whole frame holds', () => {
    const frame = concatBatch([encodeServerMessage(update(1)), encodeServerMessage(welcome), encodeServerMessage(update(2))]);
    const whole = scan(frame).events;
    for (let cut = 0; cut < frame.length; cut++) {
      const { ok, events } = scan(frame.subarray(0, cut));
      expect(events.length).toBeLessThanOrEqual(whole.length);
      expect(events).toEqual(whole.slice(0, events.length));
      if (cut > 0) expect(ok).toBe(false);
    }
  });

  it('rejects garbage and a batch inside a batch', () => {
    expect(scan(Uint8Array.of(0xff, 0xff, 0xff)).ok).toBe(false);
    expect(scan(Uint8Array.of((3 << 3) | 2, 10, 1)).ok).toBe(false);
    expect(scan(concatBatch([concatBatch([encodeServerMessage(update(1))])])).ok).toBe(false);
  });
});
