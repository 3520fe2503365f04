/**
 * Real UDP sockets on loopback: MoldUdp64FeedPublisher -> MoldUdp64FeedSource, with injected loss,
 * A/B arbitration, unrecoverable gaps, garbage datagrams and multicast on the loopback interface.
 * Every run is bounded (message count, and a deadline that stops the source); nothing asserts timing.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { buildMoldUdp64Packet, buildMoldUdp64Request } from '@tickwire/itch';
import type { FeedHandler } from '../feed-source';
import { MoldUdp64FeedPublisher } from './publisher';
import type { MoldUdp64FeedPublisherOptions } from './publisher';
import { MoldUdp64FeedSource } from './source';
import type { MoldUdp64FeedSourceOptions } from './source';

const HOST = '127.0.0.1';
const SESSION = 'INTTEST001';
const RUN_DEADLINE_MS = 60_000;

function messageFor(seq: number): Uint8Array {
  const m = new Uint8Array(1 + ((seq * 7) % 64));
  for (let i = 0; i < m.length; i++) m[i] = (seq + i * 31) & 0xff;
  return m;
}

/** Seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, HOST, resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

interface Recorded {
  next: number;
  delivered: number;
  badContent: number;
  outOfOrder: number;
  gaps: [number, number][];
  errors: string[];
  ended: number;
  statuses: string[];
}

function recorder(): { handler: FeedHandler; r: Recorded } {
  const r: Recorded = { next: 1, delivered: 0, badContent: 0, outOfOrder: 0, gaps: [], errors: [], ended: 0, statuses: [] };
  return {
    r,
    handler: {
      onMessage: (seq, bytes, offset, length) => {
        if (seq !== r.next) r.outOfOrder++;
        r.next = seq + 1;
        r.delivered++;
        const want = messageFor(seq);
        if (length !== want.length) r.badContent++;
        else for (let i = 0; i < length; i++) if (bytes[offset + i] !== want[i]) r.badContent++;
      },
      onGap: (from, to) => {
        if (from !== r.next) r.outOfOrder++;
        r.gaps.push([from, to]);
        r.next = to + 1;
      },
      onEndOfSession: () => r.ended++,
      onError: (code, where) => r.errors.push(`${code} @ ${where}`),
      onStatus: (status) => r.statuses.push(status),
    },
  };
}

interface Run {
  publisher: MoldUdp64FeedPublisher;
  source: MoldUdp64FeedSource;
  r: Recorded;
  /** Appends and publishes `count` messages in batches, pacing on the socket. */
  publish(count: number, onBatch?: () => Promise<void> | void): Promise<void>;
  /** Ends the session and waits (bounded) for the source to finish; closes the publisher. */
  finish(): Promise<void>;
}

interface RunOptions {
  publisher?: Partial<MoldUdp64FeedPublisherOptions>;
  source?: Partial<MoldUdp64FeedSourceOptions>;
  requestServer?: boolean;
  channelB?: boolean;
  /** Multicast groups for A (and B). */
  groups?: [string, string?];
}

async function startRun(options: RunOptions = {}): Promise<Run> {
  const withServer = options.requestServer ?? true;
  const [groupA, groupB] = options.groups ?? [];
  const channelA = { host: groupA ?? HOST, port: await freeUdpPort() };
  const channelB = options.channelB ? { host: groupB ?? HOST, port: await freeUdpPort() } : undefined;
  const multicast = groupA !== undefined ? { multicastInterface: HOST } : {};
  const publisher = new MoldUdp64FeedPublisher({
    session: SESSION,
    channelA,
    ...(channelB ? { channelB } : {}),
    requestServer: withServer ? { host: HOST, port: 0 } : false,
    heartbeatIntervalMs: 50,
    endOfSessionPackets: 3,
    endOfSessionIntervalMs: 20,
    ...(groupA !== undefined ? { multicastInterface: HOST, multicastTtl: 0, bindHost: HOST } : {}),
    ...options.publisher,
  });
  const { requestPort } = await publisher.start();
  const source = new MoldUdp64FeedSource({
    channelA,
    ...(channelB ? { channelB } : {}),
    ...(requestPort !== undefined ? { requestServer: { host: HOST, port: requestPort } } : {}),
    requestTimeoutMs: 50,
    ...multicast,
    ...options.source,
  });
  const { handler, r } = recorder();
  const running = source.start(handler);
  running.catch(() => undefined);
  await source.whenBound();
  let seq = 0;
  return {
    publisher,
    source,
    r,
    async publish(count, onBatch) {
      const end = seq + count;
      while (seq < end) {
        const batch = Math.min(400, end - seq);
        for (let i = 0; i < batch; i++) publisher.append(messageFor(++seq));
        publisher.log.notifyAppended();
        await publisher.whenSent();
        await nextTurn();
        await onBatch?.();
      }
    },
    async finish() {
      await publisher.endSession();
      const deadline = setTimeout(() => void source.stop(), RUN_DEADLINE_MS);
      try {
        await running;
      } finally {
        clearTimeout(deadline);
        await source.stop();
        await publisher.close();
      }
    },
  };
}

async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !condition() && Date.now() < end; ) await sleep(5);
}

describe('MoldUDP64 publisher -> source over loopback UDP', () => {
  it('delivers 200,000 messages exactly once, in order, then End of Session', async () => {
    const run = await startRun();
    await run.publish(200_000);
    await run.finish();
    const { r, source, publisher } = run;
    expect([r.delivered, r.next, r.outOfOrder, r.badContent, r.ended]).toEqual([200_000, 200_001, 0, 0, 1]);
    expect(r.gaps).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.statuses).toEqual(['connecting', 'connected', 'ended']);
    expect(source.counters).toMatchObject({ messages: 200_000, unrecoverableGaps: 0, errors: 0 });
    expect(publisher.counters).toMatchObject({ messagesSent: 200_000, endOfSessionPackets: 3, badRequests: 0 });
  });

  it('recovers 2% random loss plus a burst of 50 packets through re-requests', async () => {
    const random = prng(42);
    let n = 0;
    const run = await startRun({ publisher: { dropPacket: () => ++n % 997 === 0 || (n >= 1000 && n < 1050) || random() < 0.02 } });
    await run.publish(100_000);
    await run.finish();
    const { r, source, publisher } = run;
    expect(publisher.counters.packetsDropped).toBeGreaterThan(50);
    expect([r.delivered, r.next, r.outOfOrder, r.badContent, r.ended]).toEqual([100_000, 100_001, 0, 0, 1]);
    expect(r.gaps).toEqual([]);
    expect(source.counters.messagesRecovered).toBeGreaterThan(0);
    expect(source.counters.unrecoverableGaps).toBe(0);
    expect(source.counters.retransmitRequests).toBeGreaterThan(0);
    expect(publisher.counters.requestsServed).toBeGreaterThan(0);
  });

  it('arbitrates A/B lines that lose different packets, with no re-request server', async () => {
    // High bits of a multiplicative hash: packet first sequences share low-bit patterns (all odd here).
    const hash = (first: number) => (Math.imul(first, 2654435761) >>> 24) % 10;
    let droppedMessages = 0;
    const run = await startRun({
      channelB: true,
      requestServer: false,
      source: { gapTimeoutMs: 5_000 },
      publisher: {
        dropPacket: (first, count, line) => {
          const drop = hash(first) === (line === 'A' ? 0 : 1);
          if (drop) droppedMessages += count;
          return drop;
        },
      },
    });
    await run.publish(50_000);
    await run.finish();
    const { r, source, publisher } = run;
    expect(publisher.counters.packetsDropped).toBeGreaterThan(20);
    expect([r.delivered, r.next, r.outOfOrder, r.badContent, r.ended]).toEqual([50_000, 50_001, 0, 0, 1]);
    expect(r.gaps).toEqual([]);
    expect(source.counters).toMatchObject({ unrecoverableGaps: 0, retransmitRequests: 0, messagesRecovered: 0 });
    expect(source.counters.duplicates).toBe(50_000 - droppedMessages); // every message came twice but the dropped ones
    const [a, b] = source.stats!.channels;
    expect(a.firstCopies).toBeGreaterThan(0);
    expect(b.firstCopies).toBeGreaterThan(0);
    expect(a.firstCopies + b.firstCopies).toBe(50_000);
  });

  it.each([
    ['the re-request server refuses the range', true],
    ['there is no re-request server', false],
  ])('reports exactly the lost range with onGap when %s, and goes on', async (_name, withServer) => {
    let lost: [number, number] | undefined;
    const run = await startRun({
      requestServer: withServer,
      source: withServer ? { maxRequestAttempts: 3, requestTimeoutMs: 30 } : { gapTimeoutMs: 50 },
      publisher: {
        dropPacket: (first, count) => {
          if (lost === undefined && first <= 5000 && 5000 < first + count) {
            lost = [first, first + count - 1];
            return true;
          }
          return false;
        },
        dropRetransmit: (first, count) => lost !== undefined && first <= lost[1] && first + count - 1 >= lost[0],
      },
    });
    await run.publish(20_000);
    await run.finish();
    const { r, source, publisher } = run;
    expect(lost).toBeDefined();
    expect(r.gaps).toEqual([lost]);
    expect([r.delivered, r.next, r.outOfOrder, r.badContent, r.ended]).toEqual([20_000 - (lost![1] - lost![0] + 1), 20_001, 0, 0, 1]);
    expect(source.counters.unrecoverableGaps).toBe(1);
    if (withServer) {
      expect(source.counters.retransmitRequests).toBe(3);
      expect(publisher.counters.requestsUnanswered).toBe(3);
    } else expect(source.counters.retransmitRequests).toBe(0);
  });

  it('announces a lost tail with heartbeats while idle, and re-requests it', async () => {
    const run = await startRun({ publisher: { dropPacket: (first, count) => first + count - 1 === 300 } });
    await run.publish(300);
    await waitFor(() => run.r.delivered === 300);
    expect(run.publisher.counters.heartbeats).toBeGreaterThan(0);
    expect(run.source.stats!.heartbeats).toBeGreaterThan(0);
    await run.finish();
    expect([run.r.delivered, run.r.outOfOrder, run.r.badContent, run.r.ended]).toEqual([300, 0, 0, 1]);
    expect(run.source.counters.messagesRecovered).toBeGreaterThan(0);
  });

  it('counts garbage datagrams via onError, ignores them and keeps delivering; bad requests are counted', async () => {
    const run = await startRun();
    const junk: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => junk.bind(0, HOST, resolve));
    const port = (await run.source.whenBound()).channelA;
    const random = prng(7);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
    const send = (packet: Uint8Array, to = port) => new Promise<void>((resolve) => junk.send(packet, to, HOST, () => resolve()));
    let garbage = 0;
    await run.publish(400); // the session is learned from good data first
    await waitFor(() => run.r.delivered === 400);
    try {
      await run.publish(20_000, async () => {
        const good = buildMoldUdp64Packet(SESSION, 1, [messageFor(1), messageFor(2), messageFor(3)]);
        const datagrams = [
          bytes(Math.floor(random() * 100)), // random bytes, sometimes shorter than a header, sometimes empty
          bytes(20 + Math.floor(random() * 80)),
          good.subarray(0, 21 + Math.floor(random() * (good.length - 22))), // truncated inside the blocks
          good.subarray(0, Math.floor(random() * 20)), // truncated inside the header
          buildMoldUdp64Packet('OTHERSESS', 5, [messageFor(5)]), // another session
        ];
        for (const d of datagrams) await send(d);
        garbage += datagrams.length;
        await send(bytes(20), run.publisher.requestPort!); // not a request for our session
        await send(buildMoldUdp64Request('OTHERSESS', 1, 1), run.publisher.requestPort!);
      });
      await waitFor(() => run.r.errors.length === garbage);
      await run.finish();
    } finally {
      junk.close();
    }
    const { r, source, publisher } = run;
    expect([r.delivered, r.next, r.outOfOrder, r.badContent, r.ended]).toEqual([20_400, 20_401, 0, 0, 1]);
    expect(r.errors).toHaveLength(garbage);
    expect(source.counters.errors).toBe(garbage);
    const codes = new Set(r.errors.map((e) => e.slice(0, e.indexOf(' @'))));
    expect([...codes].every((c) => /^(MOLDUDP64_ERR_(SHORT_PACKET|BLOCK_OVERRUN|COUNT_MISMATCH|SEQUENCE_RANGE)|FEED_ERR_WRONG_SESSION)$/.test(c))).toBe(true);
    expect(codes.has('MOLDUDP64_ERR_SHORT_PACKET')).toBe(true);
    expect(codes.has('FEED_ERR_WRONG_SESSION')).toBe(true);
    expect(r.errors.every((e) => / @ channel A from 127\.0\.0\.1:\d+ byte \d+$/.test(e))).toBe(true);
    expect(publisher.counters.badRequests).toBeGreaterThan(0);
  });

  it('rejects start() with a clear socket error when the port is taken', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind({ port: 0, address: HOST, exclusive: true }, resolve));
    try {
      const source = new MoldUdp64FeedSource({ channelA: { host: HOST, port: taken.address().port } });
      const { handler } = recorder();
      await expect(source.start(handler)).rejects.toMatchObject({ code: 'FEED_ERR_SOCKET_FAILED', message: expect.stringMatching(/channel A 127\.0\.0\.1:\d+: .*EADDRINUSE/) });
      await expect(source.whenBound()).rejects.toMatchObject({ code: 'FEED_ERR_SOCKET_FAILED' });
    } finally {
      taken.close();
    }
  });

  it('delivers A/B over multicast on the loopback interface', async () => {
    const run = await startRun({ groups: ['239.255.77.1', '239.255.77.2'], channelB: true, publisher: { dropPacket: (first, _c, line) => line === 'A' && first % 5 === 1 } });
    await run.publish(20_000);
    await run.finish();
    const { r, source } = run;
    expect([r.delivered, r.next, r.outOfOrder, r.badContent, r.ended]).toEqual([20_000, 20_001, 0, 0, 1]);
    expect(r.gaps).toEqual([]);
    expect(source.stats!.channels[1].firstCopies).toBeGreaterThan(0);
    expect(source.description).toMatch(/^moldudp64:\/\/239\.255\.77\.1:\d+ B 239\.255\.77\.2:\d+/);
  });
});
