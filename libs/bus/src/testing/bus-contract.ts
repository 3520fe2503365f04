import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ManagedBus } from '../bus';
import { BusError } from '../errors';

/**
 * What a contract run needs: a fresh connection per call, all to the same server (or broker), so
 * cross-connection delivery and queue groups are tested the way services use them.
 */
export interface BusContractTarget {
  connect(): Promise<ManagedBus>;
  /** Called once after the suite; closes whatever `connect` opened and the server if owned. */
  teardown?(): Promise<void>;
}

const WAIT_LIMIT_MS = 10_000;

/** Polls until `predicate` holds; fails with `what` after a bound so no test hangs. */
export async function waitUntil(predicate: () => boolean, what: string, limitMs = WAIT_LIMIT_MS): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

let uniqueCounter = 0;
/** Every test uses its own subject root so tests sharing one server cannot see each other's traffic. */
function root(): string {
  uniqueCounter += 1;
  return `contract.${process.pid}.${Date.now().toString(36)}.${uniqueCounter}`;
}

/**
 * The one conformance suite for the `Bus` port. Every adapter runs it: in-memory in unit tests,
 * NATS against a real server in integration tests.
 */
export function describeBusContract(adapterName: string, makeTarget: () => Promise<BusContractTarget>): void {
  describe(`Bus contract: ${adapterName}`, () => {
    let target: BusContractTarget;
    const opened: ManagedBus[] = [];
    const connect = async (): Promise<ManagedBus> => {
      const bus = await target.connect();
      opened.push(bus);
      return bus;
    };

    beforeAll(async () => {
      target = await makeTarget();
    });

    afterAll(async () => {
      for (const bus of opened) await bus.close().catch(() => undefined);
      await target?.teardown?.();
    });

    it('reports connected once connected', async () => {
      const bus = await connect();
      expect(bus.status).toBe('connected');
    });

    it('delivers binary payloads exactly, including every byte value and the empty payload', async () => {
      const bus = await connect();
      const subject = `${root()}.bin`;
      const received: Uint8Array[] = [];
      bus.subscribe(subject, (data) => received.push(Uint8Array.from(data)));
      await bus.flush();
      const all = new Uint8Array(256).map((_, i) => i);
      bus.publish(subject, all);
      bus.publish(subject, new Uint8Array(0));
      bus.publish(subject, bytes(0, 0, 0));
      await waitUntil(() => received.length === 3, 'three messages');
      expect(received).toEqual([all, new Uint8Array(0), bytes(0, 0, 0)]);
    });

    it('delivers across connections', async () => {
      const publisher = await connect();
      const subscriber = await connect();
      const subject = `${root()}.cross`;
      const received: string[] = [];
      subscriber.subscribe(subject, (data, subj) => received.push(`${subj}=${new TextDecoder().decode(data)}`));
      await subscriber.flush();
      publisher.publish(subject, text('hello'));
      await waitUntil(() => received.length === 1, 'the cross-connection message');
      expect(received).toEqual([`${subject}=hello`]);
    });

    it("matches '*' to exactly one token and '>' to one or more trailing tokens", async () => {
      const bus = await connect();
      const base = root();
      const star: string[] = [];
      const tail: string[] = [];
      bus.subscribe(`${base}.*.x`, (_d, subject) => star.push(subject.slice(base.length + 1)));
      bus.subscribe(`${base}.a.>`, (_d, subject) => tail.push(subject.slice(base.length + 1)));
      await bus.flush();
      for (const suffix of ['a.x', 'b.x', 'a.b.x', 'x', 'a', 'a.b', 'a.b.c.d', 'end.x']) bus.publish(`${base}.${suffix}`, bytes(1));
      await waitUntil(() => star.includes('end.x'), 'the sentinel message');
      await waitUntil(() => tail.includes('a.b.c.d'), 'the last tail message');
      expect(star).toEqual(['a.x', 'b.x', 'end.x']);
      expect(tail).toEqual(['a.x', 'a.b.x', 'a.b', 'a.b.c.d']);
    });

    it('gives every plain subscriber its own copy', async () => {
      const bus = await connect();
      const other = await connect();
      const subject = `${root()}.fan`;
      let first = 0;
      let second = 0;
      bus.subscribe(subject, () => first++);
      other.subscribe(subject, () => second++);
      await Promise.all([bus.flush(), other.flush()]);
      for (let i = 0; i < 50; i++) bus.publish(subject, bytes(i));
      await waitUntil(() => first === 50 && second === 50, '50 messages on both subscribers');
    });

    it('keeps publish order for a burst of 5,000 messages', async () => {
      const publisher = await connect();
      const subscriber = await connect();
      const subject = `${root()}.order`;
      const seen: number[] = [];
      subscriber.subscribe(subject, (data) => seen.push(new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0)));
      await subscriber.flush();
      for (let i = 0; i < 5_000; i++) {
        const payload = new Uint8Array(4);
        new DataView(payload.buffer).setUint32(0, i);
        publisher.publish(subject, payload);
      }
      await waitUntil(() => seen.length === 5_000, '5,000 messages');
      expect(seen.every((value, index) => value === index)).toBe(true);
    });

    it('delivers each message to exactly one member of a queue group, and to plain subscribers too', async () => {
      const members = [await connect(), await connect(), await connect()];
      const watcher = await connect();
      const publisher = await connect();
      const subject = `${root()}.work`;
      const byMember = members.map(() => new Set<number>());
      members.forEach((bus, index) => bus.subscribe(subject, (data) => byMember[index]!.add(data[0]! * 256 + data[1]!), { queue: 'workers' }));
      let watched = 0;
      watcher.subscribe(subject, () => watched++);
      await Promise.all([...members, watcher].map((bus) => bus.flush()));
      const total = 300;
      for (let i = 0; i < total; i++) publisher.publish(subject, bytes(i >> 8, i & 0xff));
      await waitUntil(() => byMember.reduce((sum, set) => sum + set.size, 0) === total && watched === total, `${total} messages`);
      const all = byMember.flatMap((set) => [...set]);
      expect(new Set(all).size).toBe(total);
      expect(all.length).toBe(total);
      expect(byMember.filter((set) => set.size > 0).length).toBeGreaterThan(1);
    });

    it('stops delivering after unsubscribe', async () => {
      const bus = await connect();
      const subject = `${root()}.unsub`;
      let count = 0;
      const subscription = bus.subscribe(subject, () => count++);
      const sentinel: string[] = [];
      bus.subscribe(`${subject}.sentinel`, () => sentinel.push('x'));
      await bus.flush();
      bus.publish(subject, bytes(1));
      await waitUntil(() => count === 1, 'the first message');
      subscription.unsubscribe();
      await bus.flush();
      bus.publish(subject, bytes(2));
      bus.publish(`${subject}.sentinel`, bytes(3));
      await waitUntil(() => sentinel.length === 1, 'the sentinel');
      expect(count).toBe(1);
    });

    it('answers requests, and rejects with stable codes on timeout and with no responders', async () => {
      const responder = await connect();
      const requester = await connect();
      const base = root();
      responder.subscribe(`${base}.echo`, (data, _subject, reply) => {
        if (reply) responder.publish(reply, Uint8Array.from([...data].reverse()));
      });
      responder.subscribe(`${base}.silent`, () => undefined);
      await responder.flush();
      await expect(requester.request(`${base}.echo`, bytes(1, 2, 3), { timeoutMs: 5_000 })).resolves.toEqual(bytes(3, 2, 1));
      await expect(requester.request(`${base}.silent`, bytes(1), { timeoutMs: 200 })).rejects.toMatchObject({ code: 'BUS_ERR_REQUEST_TIMEOUT' });
      await expect(requester.request(`${base}.nobody`, bytes(1), { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'BUS_ERR_NO_RESPONDERS' });
    });

    it('rejects invalid subjects with BUS_ERR_INVALID_SUBJECT, identically in every adapter', async () => {
      const bus = await connect();
      const invalidCode = (fn: () => unknown): string | undefined => {
        try {
          fn();
          return undefined;
        } catch (error) {
          return error instanceof BusError ? error.code : `not a BusError: ${String(error)}`;
        }
      };
      for (const subject of ['', 'a..b', '.a', 'a.', 'a b', 'a.*', 'a.>', 'a.b*']) {
        expect([subject, invalidCode(() => bus.publish(subject, bytes(1)))]).toEqual([subject, 'BUS_ERR_INVALID_SUBJECT']);
      }
      for (const subject of ['', 'a..b', 'a.>.b', 'a.b*', 'a b', '>x']) {
        expect([subject, invalidCode(() => bus.subscribe(subject, () => undefined))]).toEqual([subject, 'BUS_ERR_INVALID_SUBJECT']);
      }
      expect(invalidCode(() => bus.subscribe('a.b', () => undefined, { queue: 'has space' }))).toBe('BUS_ERR_INVALID_SUBJECT');
    });

    it('keeps delivering after a handler throws', async () => {
      const bus = await connect();
      const subject = `${root()}.throws`;
      const seen: number[] = [];
      bus.subscribe(subject, (data) => {
        seen.push(data[0]!);
        if (data[0] === 1) throw new Error('handler failure on purpose');
      });
      await bus.flush();
      bus.publish(subject, bytes(1));
      bus.publish(subject, bytes(2));
      await waitUntil(() => seen.length === 2, 'both messages');
      expect(seen).toEqual([1, 2]);
    });

    it('drain delivers what is in flight, then closes; publishing afterwards fails with BUS_ERR_CLOSED', async () => {
      const publisher = await connect();
      const subscriber = await connect();
      const subject = `${root()}.drain`;
      let count = 0;
      subscriber.subscribe(subject, () => count++);
      await subscriber.flush();
      const statuses: string[] = [];
      publisher.onStatus((status) => statuses.push(status));
      for (let i = 0; i < 100; i++) publisher.publish(subject, bytes(i));
      await publisher.drain();
      expect(publisher.status).toBe('closed');
      expect(statuses).toContain('closed');
      await waitUntil(() => count === 100, 'all 100 messages published before drain');
      expect(() => publisher.publish(subject, bytes(1))).toThrow(expect.objectContaining({ code: 'BUS_ERR_CLOSED' }));
      await subscriber.drain();
      expect(subscriber.status).toBe('closed');
    });
  });
}
