import fc from 'fast-check';
import type { ItchErrorCode } from '../errors';
import { SoupBinTcpFramer } from './framer';
import type { SoupBinTcpDirection } from './packet';
import {
  buildSoupBinTcpDebug,
  buildSoupBinTcpEndOfSession,
  buildSoupBinTcpLoginAccepted,
  buildSoupBinTcpLoginRejected,
  buildSoupBinTcpLoginRequest,
  buildSoupBinTcpSequencedData,
  buildSoupBinTcpServerHeartbeat,
  buildSoupBinTcpUnsequencedData,
  buildSoupBinTcpClientHeartbeat,
  buildSoupBinTcpLogoutRequest,
} from './packet';

type Event = { type: number; payload: number[]; offset: number } | { error: ItchErrorCode; at: number };

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Feeds `input` cut at `cuts` (sorted offsets); returns what the handler saw. */
function run(input: Uint8Array, cuts: number[], direction: SoupBinTcpDirection = 'both'): Event[] {
  const events: Event[] = [];
  let streamPos = 0;
  const framer = new SoupBinTcpFramer(
    {
      onPacket(type, bytes, offset, length) {
        events.push({ type, payload: [...bytes.subarray(offset, offset + length)], offset: streamPos });
        streamPos += 3 + length;
      },
      onError(error, at) {
        events.push({ error, at });
      },
    },
    direction,
  );
  let prev = 0;
  for (const c of [...cuts, input.length]) {
    framer.push(input.subarray(prev, c));
    prev = c;
  }
  return events;
}

function everySplitAgrees(input: Uint8Array, direction: SoupBinTcpDirection = 'both'): Event[] {
  const whole = run(input, [], direction);
  for (let i = 0; i <= input.length; i++) expect(run(input, [i], direction)).toEqual(whole);
  const bytewise = Array.from({ length: input.length }, (_, i) => i);
  expect(run(input, bytewise, direction)).toEqual(whole);
  return whole;
}

const payload = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('SoupBinTcpFramer', () => {
  const stream = concat([
    buildSoupBinTcpLoginAccepted('SESSION001', 1),
    buildSoupBinTcpSequencedData(payload(36)),
    buildSoupBinTcpServerHeartbeat(),
    buildSoupBinTcpSequencedData(payload(0)),
    buildSoupBinTcpDebug('debug text'),
    buildSoupBinTcpSequencedData(payload(300, 7)),
    buildSoupBinTcpLoginRejected(0x41),
    buildSoupBinTcpEndOfSession(),
  ]);

  it('delivers every packet identically for every split offset and byte by byte', () => {
    const events = everySplitAgrees(stream);
    expect(events.map((e) => ('type' in e ? String.fromCharCode(e.type) : e.error))).toEqual(['A', 'S', 'H', 'S', '+', 'S', 'J', 'Z']);
    expect((events[1] as { payload: number[] }).payload).toEqual([...payload(36)]);
    expect((events[5] as { payload: number[] }).payload).toEqual([...payload(300, 7)]);
  });

  it('hands out a view of the pushed chunk when the packet lies in it (zero copy)', () => {
    const seen: Uint8Array[] = [];
    const framer = new SoupBinTcpFramer({ onPacket: (_t, b) => seen.push(b), onError: () => { throw new Error('no error expected'); } });
    framer.push(stream);
    expect(seen.every((b) => b === stream)).toBe(true);
  });

  it('copies a packet spanning chunks into its scratch buffer', () => {
    const p = buildSoupBinTcpSequencedData(payload(1000));
    const seen: { bytes: Uint8Array; off: number; len: number }[] = [];
    const framer = new SoupBinTcpFramer({ onPacket: (_t, bytes, off, len) => seen.push({ bytes, off, len }), onError: () => undefined });
    framer.push(p.subarray(0, 500));
    expect(framer.midPacket).toBe(true);
    framer.push(p.subarray(500));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.bytes).not.toBe(p);
    expect([...seen[0]!.bytes.subarray(seen[0]!.off, seen[0]!.off + seen[0]!.len)]).toEqual([...payload(1000)]);
    expect(framer.midPacket).toBe(false);
    expect(framer.streamOffset).toBe(p.length);
  });

  it('handles the largest packet (length 65535)', () => {
    const big = buildSoupBinTcpSequencedData(payload(65534));
    const events = run(big, [1, 2, 3, 40000]);
    expect(events).toHaveLength(1);
    expect((events[0] as { payload: number[] }).payload).toHaveLength(65534);
  });

  describe('errors are reported with the stream offset of the bad packet, identically for every split', () => {
    const prefix = concat([buildSoupBinTcpServerHeartbeat(), buildSoupBinTcpSequencedData(payload(5))]);
    const cases: [string, Uint8Array, ItchErrorCode, SoupBinTcpDirection][] = [
      ['zero length', Uint8Array.of(0, 0, 0x53), 'SOUPBINTCP_ERR_ZERO_LENGTH', 'both'],
      ['unknown type', Uint8Array.of(0, 1, 0x51), 'SOUPBINTCP_ERR_UNKNOWN_TYPE', 'both'],
      ['heartbeat with payload', Uint8Array.of(0, 2, 0x48, 0), 'SOUPBINTCP_ERR_LENGTH_FOR_TYPE', 'both'],
      ['login accepted too long', concat([Uint8Array.of(0, 32, 0x41), new Uint8Array(31)]), 'SOUPBINTCP_ERR_LENGTH_FOR_TYPE', 'both'],
      ['login accepted too short', concat([Uint8Array.of(0, 30, 0x41), new Uint8Array(29)]), 'SOUPBINTCP_ERR_LENGTH_FOR_TYPE', 'both'],
      ['client packet sent to a client', buildSoupBinTcpClientHeartbeat(), 'SOUPBINTCP_ERR_UNEXPECTED_TYPE', 'server-to-client'],
      ['server packet sent to a server', buildSoupBinTcpServerHeartbeat(), 'SOUPBINTCP_ERR_UNEXPECTED_TYPE', 'client-to-server'],
    ];
    it.each(cases)('%s', (_name, bad, code, direction) => {
      const okPrefix = direction === 'client-to-server' ? concat([buildSoupBinTcpLogoutRequest()]) : prefix;
      const input = concat([okPrefix, bad, buildSoupBinTcpServerHeartbeat()]);
      const events = everySplitAgrees(input, direction);
      expect(events.at(-1)).toEqual({ error: code, at: okPrefix.length });
      expect(events.filter((e) => 'error' in e)).toHaveLength(1);
    });

    it('stops after an error and restarts after reset()', () => {
      const errors: number[] = [];
      let packets = 0;
      const framer = new SoupBinTcpFramer({ onPacket: () => packets++, onError: (_c, at) => errors.push(at) });
      framer.push(Uint8Array.of(0, 0, 0, 1, 0x48));
      expect(framer.stopped).toBe(true);
      framer.push(buildSoupBinTcpServerHeartbeat());
      expect([packets, errors]).toEqual([0, [0]]);
      framer.reset();
      framer.push(buildSoupBinTcpServerHeartbeat());
      expect(packets).toBe(1);
    });
  });

  it('client-to-server stream: L, U, R, O', () => {
    const input = concat([
      buildSoupBinTcpLoginRequest({ username: 'u', password: 'p', session: '', sequence: 1 }),
      buildSoupBinTcpUnsequencedData(payload(9)),
      buildSoupBinTcpClientHeartbeat(),
      buildSoupBinTcpLogoutRequest(),
    ]);
    expect(everySplitAgrees(input, 'client-to-server').map((e) => ('type' in e ? String.fromCharCode(e.type) : e.error))).toEqual(['L', 'U', 'R', 'O']);
  });

  describe('fuzz', () => {
    /** Every delivered payload must be exactly the input bytes at the position the framing implies. */
    function checkAgainstInput(input: Uint8Array, events: Event[]): void {
      for (const e of events) {
        if ('error' in e) continue;
        expect(e.offset + 3 + e.payload.length).toBeLessThanOrEqual(input.length);
        expect(((input[e.offset]! << 8) | input[e.offset + 1]!) - 1).toBe(e.payload.length);
        expect(input[e.offset + 2]).toBe(e.type);
        expect(e.payload).toEqual([...input.subarray(e.offset + 3, e.offset + 3 + e.payload.length)]);
      }
    }

    it('random bytes: never throws, delivers only exact input blocks, chunking does not matter', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, rawCuts) => {
          const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const whole = run(bytes, []);
          checkAgainstInput(bytes, whole);
          expect(run(bytes, cuts)).toEqual(whole);
        }),
        { numRuns: 500 },
      );
    });

    const validPacket = fc.oneof(
      fc.uint8Array({ maxLength: 80 }).map((p) => buildSoupBinTcpSequencedData(p)),
      fc.constant(buildSoupBinTcpServerHeartbeat()),
      fc.nat({ max: 1e9 }).map((n) => buildSoupBinTcpLoginAccepted('S1', n)),
      fc.constant(buildSoupBinTcpEndOfSession()),
    );

    it('mutated valid streams: never throws, delivers only exact input blocks, chunking does not matter', () => {
      fc.assert(
        fc.property(
          fc.array(validPacket, { maxLength: 12 }),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          (packets, mutations, rawCuts) => {
            const bytes = concat(packets);
            for (const [at, v] of mutations) if (bytes.length > 0) bytes[at % bytes.length] = v;
            const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
            const whole = run(bytes, []);
            checkAgainstInput(bytes, whole);
            expect(run(bytes, cuts)).toEqual(whole);
            if (mutations.length === 0) expect(whole).toHaveLength(packets.length);
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
