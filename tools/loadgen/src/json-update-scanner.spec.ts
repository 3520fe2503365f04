import { concatJsonBatch, encodeServerJson, MarketUpdate, type ServerMessage } from '@tickwire/protocol';
import { scanJsonUpdates } from './json-update-scanner';

const PUBLISH_NS = 1_795_478_211_123_456_789n;

function update(seq: number, snapshot = false): MarketUpdate {
  return { ...MarketUpdate.fromPartial({}), symbol: 'SYM0001', seq: BigInt(seq), epoch: 1n, publishTsNs: PUBLISH_NS + BigInt(seq) * 1_000_000n, ltp: 1_000_000, quote: { bidPrice: 1, bidSize: 2n, askPrice: 3, askSize: 4n }, snapshot };
}

function edgeJson(u: MarketUpdate): string {
  return encodeServerJson({ body: { $case: 'update', value: u } } satisfies ServerMessage);
}

function scan(text: string): { found: number; events: string[] } {
  const events: string[] = [];
  // Publish times to the microsecond: a double holds ns since the epoch to ~256 ns.
  const found = scanJsonUpdates(Buffer.from(text), { update: (ts, snapshot) => events.push(`${Math.round(ts / 1e3)} ${snapshot}`) });
  return { found, events };
}

const at = (seq: number): number => Math.round(Number(PUBLISH_NS + BigInt(seq) * 1_000_000n) / 1e3);

describe('scanJsonUpdates', () => {
  it("reads the edge's JSON update and batch, snapshots included", () => {
    expect(scan(edgeJson(update(1)))).toEqual({ found: 1, events: [`${at(1)} false`] });
    const batch = concatJsonBatch([edgeJson(update(1, true)), encodeServerJson({ body: { $case: 'ping', value: { ts: 5n } } }), edgeJson(update(2)), edgeJson(update(3, true))]);
    expect(scan(batch)).toEqual({ found: 3, events: [`${at(1)} true`, `${at(2)} false`, `${at(3)} true`] });
  });

  it("reads the JSON peers' messages: ts-proto toJSON as a plain ws message and as a Socket.IO event", () => {
    const json = JSON.stringify(MarketUpdate.toJSON(update(4)));
    expect(json).toContain('"publishTsNs":"');
    expect(scan(json)).toEqual({ found: 1, events: [`${at(4)} false`] });
    expect(scan(`42["update",${json}]`)).toEqual({ found: 1, events: [`${at(4)} false`] });
    expect(scan('{ "publishTs" : 12000 }')).toEqual({ found: 1, events: ['12 false'] });
  });

  it('finds nothing in control messages and reports a key without a number', () => {
    expect(scan('{"type":"welcome","sessionId":"s"}')).toEqual({ found: 0, events: [] });
    expect(scan('430[20]')).toEqual({ found: 0, events: [] });
    expect(scan('{"publishTs":"x"}').found).toBe(-1);
    expect(scan('{"publishTs"').found).toBe(-1);
  });
});
