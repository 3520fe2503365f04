import { MoldUdp64Packet } from './packet';
import { MoldUdp64PacketBuilder } from './packet-builder';

function collect(maxPayloadBytes?: number, firstSequence?: number) {
  const packets: { bytes: Uint8Array; seq: number; count: number }[] = [];
  const builder = new MoldUdp64PacketBuilder('SESS', { onPacket: (bytes, seq, count) => packets.push({ bytes, seq, count }) }, { maxPayloadBytes, firstSequence });
  return { builder, packets };
}

describe('MoldUdp64PacketBuilder', () => {
  it('fills packets up to the max payload (default 1400) and numbers messages', () => {
    const { builder, packets } = collect();
    const m = new Uint8Array(98); // 100 bytes per block: 13 blocks fit in 1400 - 20
    for (let i = 0; i < 30; i++) expect(builder.append(m.fill(i))).toBe(i + 1);
    builder.flush();
    expect(packets.map((p) => [p.seq, p.count, p.bytes.length])).toEqual([
      [1, 13, 1320],
      [14, 13, 1320],
      [27, 4, 420],
    ]);
    const v = new MoldUdp64Packet();
    const seen: number[] = [];
    for (const p of packets) {
      expect(v.wrap(p.bytes)).toBeNull();
      v.forEachMessage({ onMessage: (seq, b, o) => seen.push(seq * 1000 + b[o]!) });
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => (i + 1) * 1000 + i));
  });

  it('heartbeat and end of session flush first and announce the next sequence', () => {
    const { builder, packets } = collect(200, 50);
    builder.append(Uint8Array.of(1));
    builder.heartbeat();
    builder.endOfSession();
    const v = new MoldUdp64Packet();
    expect(packets.map((p) => (v.wrap(p.bytes), [v.kind, v.sequence, v.messageCount]))).toEqual([
      ['data', 50, 1],
      ['heartbeat', 51, 0],
      ['end-of-session', 51, 0],
    ]);
    expect(builder.flush()).toBe(false);
  });

  it('emitted packets are independent copies', () => {
    const { builder, packets } = collect(40);
    builder.append(Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1));
    builder.append(Uint8Array.of(2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2));
    builder.flush();
    expect(packets).toHaveLength(2);
    expect(packets[0]!.bytes[22]).toBe(1);
    expect(packets[1]!.bytes[22]).toBe(2);
  });

  it('rejects messages that cannot fit and bad options', () => {
    const { builder } = collect(100);
    expect(() => builder.append(new Uint8Array(79))).toThrow('MoldUDP64 message does not fit');
    expect(builder.append(new Uint8Array(78))).toBe(1);
    expect(() => collect(22)).toThrow('maxPayloadBytes');
    expect(() => collect(100, 0)).toThrow('firstSequence');
  });
});
