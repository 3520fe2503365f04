import { buildMoldUdp64Packet, buildMoldUdp64Request, MoldUdp64Packet } from './packet';
import { MoldUdp64RetransmitStore } from './retransmit-store';

const m = (seq: number) => Uint8Array.from({ length: 10 }, () => seq & 0xff);

function contents(packet: Uint8Array | null): [number, number][] {
  if (packet === null) return [];
  const v = new MoldUdp64Packet();
  expect(v.wrap(packet)).toBeNull();
  const out: [number, number][] = [];
  v.forEachMessage({ onMessage: (seq, b, o) => out.push([seq, b[o]!]) });
  return out;
}

describe('MoldUdp64RetransmitStore', () => {
  it('answers with as many requested messages as fit in one payload', () => {
    const store = new MoldUdp64RetransmitStore('SESS', { maxPayloadBytes: 20 + 12 * 3 });
    for (let s = 1; s <= 10; s++) store.put(s, m(s));
    expect(store.nextSequence).toBe(11);
    expect(contents(store.answer(buildMoldUdp64Request('SESS', 2, 5)))).toEqual([
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    expect(contents(store.answer(buildMoldUdp64Request('SESS', 9, 5)))).toEqual([
      [9, 9],
      [10, 10],
    ]);
  });

  it('keeps only the last `capacity` messages', () => {
    const store = new MoldUdp64RetransmitStore('SESS', { capacity: 4 });
    for (let s = 1; s <= 10; s++) store.put(s, m(s));
    expect(store.get(6)).toBeUndefined();
    expect(store.get(7)).toEqual(m(7));
    expect(store.answer(buildMoldUdp64Request('SESS', 5, 3))).toBeNull();
    expect(contents(store.answer(buildMoldUdp64Request('SESS', 7, 10))).map(([s]) => s)).toEqual([7, 8, 9, 10]);
  });

  it('ignores bad requests and other sessions', () => {
    const store = new MoldUdp64RetransmitStore('SESS');
    store.put(1, m(1));
    expect(store.answer(buildMoldUdp64Request('OTHER', 1, 1))).toBeNull();
    expect(store.answer(new Uint8Array(5))).toBeNull();
    expect(store.answer(buildMoldUdp64Request('SESS', 2, 1))).toBeNull();
    expect(store.unanswered).toBe(3);
  });

  it('stores every message of a downstream packet, copying them', () => {
    const store = new MoldUdp64RetransmitStore('SESS');
    const packet = buildMoldUdp64Packet('SESS', 100, [m(1), m(2)]);
    expect(store.putPacket(packet)).toBeNull();
    packet.fill(0);
    expect(contents(store.answer(buildMoldUdp64Request('SESS', 100, 2)))).toEqual([
      [100, 1],
      [101, 2],
    ]);
    expect(store.putPacket(new Uint8Array(3))).toBe('MOLDUDP64_ERR_SHORT_PACKET');
  });
});
