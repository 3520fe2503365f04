import fc from 'fast-check';
import { buildMoldUdp64EndOfSession, buildMoldUdp64Heartbeat, buildMoldUdp64Packet, parseMoldUdp64Request } from './packet';
import { MoldUdp64RetransmitStore } from './retransmit-store';
import { MoldUdp64Channel, MoldUdp64Sequencer } from './sequencer';
import type { MoldUdp64SequencerOptions } from './sequencer';

const { A, B, RETRANSMIT } = MoldUdp64Channel;

/** Message `seq`: 1..8 bytes, every byte derived from seq. */
const message = (seq: number) => Uint8Array.from({ length: 1 + (seq % 8) }, (_, i) => (seq * 13 + i) & 0xff);
const packet = (first: number, n: number, session = 'SESS') => buildMoldUdp64Packet(session, first, Array.from({ length: n }, (_, i) => message(first + i)));

function setup(options: MoldUdp64SequencerOptions = {}) {
  const delivered: number[] = [];
  const views: Uint8Array[] = [];
  const requests: [number, number][] = [];
  const lost: [number, number][] = [];
  const events: string[] = [];
  const seq = new MoldUdp64Sequencer(
    {
      onMessage(s, bytes, offset, length) {
        expect([...bytes.subarray(offset, offset + length)]).toEqual([...message(s)]);
        delivered.push(s);
        views.push(bytes);
      },
      sendRequest(p) {
        const r = { sessionOffset: 0, sequence: 0, count: 0 };
        expect(parseMoldUdp64Request(p, 0, p.length, r)).toBeNull();
        requests.push([r.sequence, r.count]);
      },
      onUnrecoverableGap: (from, to) => lost.push([from, to]),
      onSession: (s) => events.push(`session ${s}`),
      onEndOfSession: (n) => events.push(`end ${n}`),
      onBadPacket: (code, ch, at) => events.push(`bad ${code} ${ch} ${at}`),
    },
    options,
  );
  const feed = (ch: MoldUdp64Channel, bytes: Uint8Array, now = 0) => seq.onPacket(ch, bytes, 0, bytes.length, now);
  return { seq, delivered, views, requests, lost, events, feed };
}

describe('MoldUdp64Sequencer', () => {
  it('learns the session, delivers in order straight from the packet bytes (zero copy)', () => {
    const t = setup();
    const p1 = packet(1, 3);
    const p2 = packet(4, 2);
    t.feed(A, p1);
    t.feed(A, p2);
    expect(t.delivered).toEqual([1, 2, 3, 4, 5]);
    expect(t.views.slice(0, 3).every((v) => v === p1)).toBe(true);
    expect(t.events).toEqual(['session SESS']);
    expect(t.requests).toEqual([]);
    expect(t.seq.nextSequence).toBe(6);
  });

  it('without startSequence, starts at the first packet seen (late join)', () => {
    const t = setup();
    t.feed(A, packet(100, 2));
    expect(t.delivered).toEqual([100, 101]);
    expect(t.requests).toEqual([]);
  });

  it('with startSequence, re-requests history before the first packet', () => {
    const t = setup({ startSequence: 1 });
    t.feed(A, packet(5, 1));
    expect(t.delivered).toEqual([]);
    expect(t.requests).toEqual([[1, 4]]);
    t.feed(RETRANSMIT, packet(1, 4));
    expect(t.delivered).toEqual([1, 2, 3, 4, 5]);
    expect(t.seq.stats.recovered).toBe(4);
  });

  it('buffers ahead of a gap, re-requests only the missing run, drains after the reply', () => {
    const t = setup();
    t.feed(A, packet(1, 2));
    t.feed(A, packet(6, 2), 10); // 3..5 missing
    t.feed(A, packet(8, 1), 11);
    expect(t.delivered).toEqual([1, 2]);
    expect(t.requests).toEqual([[3, 3]]);
    expect(t.seq.bufferedMessages).toBe(3);
    expect(t.seq.stats.gapsDetected).toBe(1);
    t.feed(RETRANSMIT, packet(3, 3), 12);
    expect(t.delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(t.seq.bufferedMessages).toBe(0);
    expect(t.seq.nextTimerMs()).toBe(Infinity);
  });

  it('re-requests the rest at once when a reply holds only part of the gap', () => {
    const t = setup();
    t.feed(A, packet(1, 1));
    t.feed(A, packet(10, 1), 5);
    expect(t.requests).toEqual([[2, 8]]);
    t.feed(RETRANSMIT, packet(2, 3), 6);
    expect(t.requests).toEqual([
      [2, 8],
      [5, 5],
    ]);
    t.feed(RETRANSMIT, packet(5, 5), 7);
    expect(t.delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('chunks requests to maxMessagesPerRequest', () => {
    const t = setup({ maxMessagesPerRequest: 4 });
    t.feed(A, packet(1, 1));
    t.feed(A, packet(20, 1));
    expect(t.requests).toEqual([[2, 4]]);
  });

  it('retries after the timeout, then declares the gap unrecoverable and goes on', () => {
    const t = setup({ requestTimeoutMs: 100, maxRequestAttempts: 3 });
    t.feed(A, packet(1, 1), 0);
    t.feed(A, packet(5, 2), 0);
    expect(t.requests).toHaveLength(1);
    expect(t.seq.nextTimerMs()).toBe(100);
    t.seq.onTimer(99);
    expect(t.requests).toHaveLength(1);
    t.seq.onTimer(100);
    t.seq.onTimer(200);
    expect(t.requests).toEqual([
      [2, 3],
      [2, 3],
      [2, 3],
    ]);
    expect(t.lost).toEqual([]);
    t.seq.onTimer(300);
    expect(t.lost).toEqual([[2, 4]]);
    expect(t.delivered).toEqual([1, 5, 6]);
    t.feed(A, packet(7, 1), 301);
    t.feed(RETRANSMIT, packet(2, 3), 302); // late reply: stale, dropped
    expect(t.delivered).toEqual([1, 5, 6, 7]);
    expect(t.seq.stats).toMatchObject({ unrecoverableGaps: 1, unrecoverableMessages: 3, requestsSent: 3, duplicates: 3, delivered: 4 });
  });

  it('with maxRequestAttempts 0, waits requestTimeoutMs for the other line, then gives up', () => {
    const t = setup({ requestTimeoutMs: 50, maxRequestAttempts: 0 });
    t.feed(A, packet(1, 1), 0);
    t.feed(A, packet(3, 1), 10);
    t.seq.onTimer(59);
    expect(t.lost).toEqual([]);
    t.seq.onTimer(60);
    expect(t.lost).toEqual([[2, 2]]);
    expect(t.requests).toEqual([]);
    expect(t.delivered).toEqual([1, 3]);
  });

  it('requestDelayMs lets the other line fill the gap before any request', () => {
    const t = setup({ requestDelayMs: 5 });
    t.feed(A, packet(1, 1), 0);
    t.feed(A, packet(3, 1), 0);
    t.seq.onTimer(4);
    expect(t.requests).toEqual([]);
    t.feed(B, packet(2, 1), 4);
    expect(t.delivered).toEqual([1, 2, 3]);
    t.seq.onTimer(10);
    expect(t.requests).toEqual([]);
  });

  it('detects a gap from a heartbeat ahead of the next expected sequence', () => {
    const t = setup();
    t.feed(A, packet(1, 2));
    t.feed(A, buildMoldUdp64Heartbeat('SESS', 3));
    expect(t.requests).toEqual([]);
    t.feed(A, buildMoldUdp64Heartbeat('SESS', 6));
    expect(t.requests).toEqual([[3, 3]]);
    expect(t.seq.stats.heartbeats).toBe(2);
  });

  it('detects a one-message gap at the tail (heartbeat exactly one ahead)', () => {
    const t = setup();
    t.feed(A, packet(1, 1));
    t.feed(A, buildMoldUdp64Heartbeat('SESS', 3));
    expect(t.requests).toEqual([[2, 1]]);
  });

  it('A/B arbitration: the first copy wins, the other is a duplicate; counts per channel', () => {
    const t = setup();
    t.feed(A, packet(1, 2));
    t.feed(B, packet(1, 2));
    t.feed(B, packet(3, 2));
    t.feed(A, packet(3, 2));
    t.feed(B, packet(6, 1)); // 5 lost on B, still to come on A
    t.feed(A, packet(5, 1));
    t.feed(A, packet(6, 1));
    expect(t.delivered).toEqual([1, 2, 3, 4, 5, 6]);
    const [a, b] = t.seq.stats.channels;
    expect(a).toEqual({ packets: 4, firstCopies: 3, duplicates: 3 });
    expect(b).toEqual({ packets: 3, firstCopies: 3, duplicates: 2 });
    expect(t.seq.stats.duplicates).toBe(5);
  });

  it('a packet overlapping the next expected sequence delivers only the new part', () => {
    const t = setup();
    t.feed(A, packet(1, 3));
    t.feed(B, packet(2, 4));
    expect(t.delivered).toEqual([1, 2, 3, 4, 5]);
    expect(t.seq.stats.channels[B]).toEqual({ packets: 1, firstCopies: 2, duplicates: 2 });
  });

  it('ignores packets of another session and counts bad packets', () => {
    const t = setup({ session: 'SESS' });
    t.feed(A, packet(1, 1, 'OTHER'));
    t.feed(A, new Uint8Array(5));
    t.feed(B, packet(1, 1));
    expect(t.delivered).toEqual([1]);
    expect(t.seq.stats.otherSession).toBe(1);
    expect(t.seq.stats.badPackets).toBe(1);
    expect(t.events).toEqual(['bad MOLDUDP64_ERR_SHORT_PACKET 0 0']);
  });

  it('on buffer overflow declares the gap unrecoverable and delivers what it holds', () => {
    const t = setup({ maxBufferedMessages: 3 });
    t.feed(A, packet(1, 1));
    t.feed(A, packet(5, 3)); // 2..4 missing, 3 held
    expect(t.lost).toEqual([]);
    t.feed(A, packet(9, 1)); // 8 missing too; no room for 9
    expect(t.lost).toEqual([[2, 4]]);
    expect(t.delivered).toEqual([1, 5, 6, 7]);
    expect(t.requests.at(-1)).toEqual([8, 1]);
    expect(t.seq.bufferedMessages).toBe(1);
  });

  it('reports end of session once every earlier message is delivered', () => {
    const t = setup();
    t.feed(A, packet(1, 1));
    t.feed(A, buildMoldUdp64EndOfSession('SESS', 4));
    expect(t.events).toEqual(['session SESS']);
    expect(t.requests).toEqual([[2, 2]]);
    t.feed(RETRANSMIT, packet(2, 2));
    expect(t.events).toEqual(['session SESS', 'end 4']);
    t.feed(B, buildMoldUdp64EndOfSession('SESS', 4));
    expect(t.events).toEqual(['session SESS', 'end 4']);
    expect(t.seq.ended).toBe(true);
  });

  it('validates options', () => {
    expect(() => setup({ requestTimeoutMs: 0 })).toThrow('requestTimeoutMs');
    expect(() => setup({ maxMessagesPerRequest: 70000 })).toThrow('maxMessagesPerRequest');
    expect(() => setup({ session: 'ELEVENCHARS' })).toThrow('session');
  });

  describe('property: lossy, duplicating, reordering A/B feeds with a flaky re-request server', () => {
    function rng(seed: number) {
      let s = seed >>> 0;
      return () => {
        s = (s + 0x6d2b79f5) >>> 0;
        let x = s;
        x = Math.imul(x ^ (x >>> 15), x | 1);
        x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
        return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
      };
    }

    const params = fc.record({
      seed: fc.integer(),
      n: fc.integer({ min: 1, max: 250 }),
      lossA: fc.double({ min: 0, max: 0.6, noNaN: true }),
      lossB: fc.double({ min: 0, max: 0.6, noNaN: true }),
      dup: fc.double({ min: 0, max: 0.3, noNaN: true }),
      jitter: fc.integer({ min: 0, max: 40 }),
      answer: fc.constantFrom(0, 0.3, 0.8, 1),
      replyPayload: fc.integer({ min: 40, max: 400 }),
      attempts: fc.integer({ min: 0, max: 4 }),
      buffer: fc.constantFrom(4, 20, 100_000),
      delay: fc.constantFrom(0, 3),
    });

    it('delivers exactly the original sequence in order, minus exactly the ranges reported unrecoverable', () => {
      fc.assert(
        fc.property(params, (p) => {
          const rand = rng(p.seed);
          const store = new MoldUdp64RetransmitStore('SESS', { maxPayloadBytes: p.replyPayload });
          for (let s = 1; s <= p.n; s++) store.put(s, message(s));

          type Ev = { t: number; ch: MoldUdp64Channel; bytes: Uint8Array; order: number };
          const queue: Ev[] = [];
          let order = 0;
          const schedule = (t: number, ch: MoldUdp64Channel, bytes: Uint8Array) => {
            const ev = { t, ch, bytes, order: order++ };
            let i = queue.length;
            while (i > 0 && (queue[i - 1]!.t > t || (queue[i - 1]!.t === t && queue[i - 1]!.order > ev.order))) i--;
            queue.splice(i, 0, ev);
          };
          const multicast = (t: number, bytes: Uint8Array) => {
            for (const ch of [A, B] as const) {
              if (rand() < (ch === A ? p.lossA : p.lossB)) continue;
              schedule(t + Math.floor(rand() * (p.jitter + 1)), ch, bytes);
              if (rand() < p.dup) schedule(t + Math.floor(rand() * (p.jitter + 1)), ch, bytes);
            }
          };
          let t = 0;
          for (let s = 1; s <= p.n; ) {
            const k = Math.min(1 + Math.floor(rand() * 4), p.n - s + 1);
            multicast(t, packet(s, k));
            s += k;
            t += 10;
            if (rand() < 0.2) multicast(t, buildMoldUdp64Heartbeat('SESS', s));
          }
          for (let i = 0; i < 3; i++) multicast(t + i * 100, buildMoldUdp64EndOfSession('SESS', p.n + 1));
          schedule(t + 400, A, buildMoldUdp64EndOfSession('SESS', p.n + 1)); // one that always arrives

          const delivered: number[] = [];
          const lost: [number, number][] = [];
          let ends = 0;
          let now = 0;
          const seq = new MoldUdp64Sequencer(
            {
              onMessage(s, bytes, offset, length) {
                expect([...bytes.subarray(offset, offset + length)]).toEqual([...message(s)]);
                delivered.push(s);
              },
              sendRequest(req) {
                if (rand() >= p.answer) return;
                const reply = store.answer(req);
                if (reply) schedule(now + 1 + Math.floor(rand() * 5), RETRANSMIT, reply);
              },
              onUnrecoverableGap: (from, to) => lost.push([from, to]),
              onEndOfSession: () => ends++,
            },
            { startSequence: 1, requestTimeoutMs: 20, maxRequestAttempts: p.attempts, maxBufferedMessages: p.buffer, requestDelayMs: p.delay },
          );

          for (let steps = 0; steps < 100_000; steps++) {
            const timer = seq.nextTimerMs();
            const next = queue[0];
            if (next === undefined && timer === Infinity) break;
            if (next !== undefined && next.t <= timer) {
              queue.shift();
              now = Math.max(now, next.t);
              seq.onPacket(next.ch, next.bytes, 0, next.bytes.length, now);
            } else {
              now = Math.max(now, timer);
              seq.onTimer(now);
            }
          }

          // In order, no duplicates.
          for (let i = 1; i < delivered.length; i++) expect(delivered[i]).toBeGreaterThan(delivered[i - 1]!);
          // Delivered + unrecoverable = exactly 1..n, disjoint.
          const covered = new Array<number>(p.n + 2).fill(0);
          for (const s of delivered) covered[s]!++;
          for (const [from, to] of lost) {
            expect(from).toBeLessThanOrEqual(to);
            for (let s = from; s <= to; s++) covered[s]!++;
          }
          expect(covered.slice(1, p.n + 1).every((c) => c === 1)).toBe(true);
          expect(covered[0]).toBe(0);
          expect(covered[p.n + 1]).toBe(0);
          expect(ends).toBe(1);
          expect(seq.nextSequence).toBe(p.n + 1);
          const st = seq.stats;
          expect(st.delivered).toBe(delivered.length);
          expect(st.unrecoverableMessages).toBe(lost.reduce((n, [f, to]) => n + to - f + 1, 0));
          expect(st.unrecoverableGaps).toBe(lost.length);
          expect(st.channels.reduce((n, c) => n + c.firstCopies, 0)).toBe(delivered.length);
          expect(seq.bufferedMessages).toBe(0);
          // A server that always answers, with retries allowed and room to buffer, loses nothing.
          if (p.answer === 1 && p.attempts > 0 && p.buffer === 100_000) expect(lost).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });
  });
});
