import {
  buildSoupBinTcpClientHeartbeat,
  buildSoupBinTcpDebug,
  buildSoupBinTcpLoginRequest,
  buildSoupBinTcpLogoutRequest,
  buildSoupBinTcpUnsequencedData,
  readSoupBinTcpLoginAccepted,
} from './packet';
import { SoupBinTcpServerSession } from './server-session';
import type { SoupBinTcpMessageStore, SoupBinTcpServerOptions } from './server-session';
import { SoupBinTcpFramer } from './framer';

class ArrayStore implements SoupBinTcpMessageStore {
  firstHeld = 1;
  constructor(readonly messages: Uint8Array[] = []) {}
  nextSequence(): number {
    return this.messages.length + 1;
  }
  message(sequence: number): Uint8Array | undefined {
    return sequence >= this.firstHeld ? this.messages[sequence - 1] : undefined;
  }
}

const login = (sequence: number, session = '') => buildSoupBinTcpLoginRequest({ username: 'user', password: 'pw', session, sequence });

function setup(store = new ArrayStore(), options: Partial<SoupBinTcpServerOptions> = {}) {
  const sends: Uint8Array[] = [];
  const packets: string[] = [];
  const events: string[] = [];
  let close: unknown = null;
  const decode = new SoupBinTcpFramer({
    onPacket(type, bytes, off, len) {
      const t = String.fromCharCode(type);
      if (t === 'A') {
        const a = { session: '', sequence: 0 };
        readSoupBinTcpLoginAccepted(bytes, off, a);
        packets.push(`A ${a.session} ${a.sequence}`);
      } else packets.push(len > 0 ? `${t} ${[...bytes.subarray(off, off + len)].join(',')}` : t);
    },
    onError(code) {
      packets.push(code);
    },
  });
  const server = new SoupBinTcpServerSession(
    {
      send(b) {
        sends.push(b);
        decode.push(b);
      },
      authenticate: (u, p) => u === 'user' && p === 'pw',
      onLogin: (u, n) => events.push(`login ${u} ${n}`),
      onUnsequenced: (b, o, l) => events.push(`U ${[...b.subarray(o, o + l)].join(',')}`),
      onDebug: (b, o, l) => events.push(`+ ${String.fromCharCode(...b.subarray(o, o + l))}`),
      onClose(reason, code) {
        close = [reason, code];
      },
    },
    { session: 'SESS', store, ...options },
    0,
  );
  return { server, sends, packets, events, close: () => close };
}

const msgs = (n: number) => Array.from({ length: n }, (_, i) => Uint8Array.of(i + 1, 0xaa));

describe('SoupBinTcpServerSession', () => {
  it('accepts a login and streams from the requested sequence', () => {
    const t = setup(new ArrayStore(msgs(5)));
    t.server.onBytes(login(3), 1);
    expect(t.packets).toEqual(['A SESS 3']);
    expect(t.events).toEqual(['login user 3']);
    expect(t.server.backlog).toBe(3);
    expect(t.server.pump(2)).toBe(3);
    expect(t.packets.slice(1)).toEqual(['S 3,170', 'S 4,170', 'S 5,170']);
    expect(t.server.pump(3)).toBe(0);
    expect(t.server.nextSequence).toBe(6);
  });

  it('clamps a requested sequence beyond the end, and 0 means the current end', () => {
    const a = setup(new ArrayStore(msgs(5)));
    a.server.onBytes(login(99), 1);
    expect(a.packets).toEqual(['A SESS 6']);
    const b = setup(new ArrayStore(msgs(5)));
    b.server.onBytes(login(0), 1);
    expect(b.packets).toEqual(['A SESS 6']);
  });

  it('accepts the session by name with or without padding, rejects others with S', () => {
    const ok = setup();
    ok.server.onBytes(login(1, 'SESS'), 1);
    expect(ok.packets).toEqual(['A SESS 1']);
    const bad = setup();
    bad.server.onBytes(login(1, 'OTHER'), 1);
    expect(bad.packets).toEqual(['J 83']);
    expect(bad.close()).toEqual(['login-rejected', null]);
  });

  it('rejects bad credentials with A', () => {
    const t = setup();
    t.server.onBytes(buildSoupBinTcpLoginRequest({ username: 'user', password: 'nope', session: '', sequence: 1 }), 1);
    expect(t.packets).toEqual(['J 65']);
    expect(t.close()).toEqual(['login-rejected', null]);
  });

  it('splits the stream into batches of at most maxBatchBytes (one send per batch)', () => {
    const t = setup(new ArrayStore(msgs(10)), { maxBatchBytes: 12 });
    t.server.onBytes(login(1), 1);
    t.sends.length = 0;
    const counts: number[] = [];
    for (let n = t.server.pump(2); n > 0; n = t.server.pump(2)) counts.push(n);
    expect(counts).toEqual([2, 2, 2, 2, 2]); // 5 bytes per S packet
    expect(t.sends.map((s) => s.length)).toEqual([10, 10, 10, 10, 10]);
    expect(t.packets.filter((p) => p.startsWith('S'))).toHaveLength(10);
  });

  it('sends heartbeats only after login and only when idle', () => {
    const t = setup(new ArrayStore(msgs(1)));
    t.server.onTimer(5_000);
    expect(t.packets).toEqual([]);
    t.server.onBytes(login(1), 5_000);
    t.server.onTimer(5_999);
    expect(t.packets).toEqual(['A SESS 1']);
    t.server.pump(5_500);
    t.server.onTimer(6_499);
    expect(t.packets).toEqual(['A SESS 1', 'S 1,170']);
    t.server.onTimer(6_500);
    expect(t.packets.at(-1)).toBe('H');
    expect(t.server.nextTimerMs()).toBe(7_500);
  });

  it('closes with peer-dead when no login arrives within the peer timeout', () => {
    const t = setup();
    t.server.onTimer(14_999);
    expect(t.close()).toBeNull();
    t.server.onBytes(buildSoupBinTcpClientHeartbeat(), 14_999);
    t.server.onTimer(29_998);
    expect(t.close()).toBeNull();
    t.server.onTimer(29_999);
    expect(t.close()).toEqual(['peer-dead', null]);
  });

  it('delivers U and + packets, closes on logout', () => {
    const t = setup();
    t.server.onBytes(login(1), 1);
    t.server.onBytes(buildSoupBinTcpUnsequencedData(Uint8Array.of(1, 2)), 2);
    t.server.onBytes(buildSoupBinTcpDebug('dbg'), 2);
    t.server.onBytes(buildSoupBinTcpLogoutRequest(), 3);
    expect(t.events).toEqual(['login user 1', 'U 1,2', '+ dbg']);
    expect(t.close()).toEqual(['logout', null]);
  });

  it('U before login and a second login are protocol errors', () => {
    const a = setup();
    a.server.onBytes(buildSoupBinTcpUnsequencedData(Uint8Array.of(1)), 1);
    expect(a.close()).toEqual(['protocol-error', 'SOUPBINTCP_ERR_UNEXPECTED_PACKET']);
    const b = setup();
    b.server.onBytes(login(1), 1);
    b.server.onBytes(login(1), 1);
    expect(b.close()).toEqual(['protocol-error', 'SOUPBINTCP_ERR_UNEXPECTED_PACKET']);
  });

  it('framing errors from the client close with their code', () => {
    const t = setup();
    t.server.onBytes(Uint8Array.of(0, 1, 0x53), 1);
    expect(t.close()).toEqual(['protocol-error', 'SOUPBINTCP_ERR_UNEXPECTED_TYPE']);
  });

  it('closes with store-error when a message to send is no longer held', () => {
    const store = new ArrayStore(msgs(5));
    store.firstHeld = 3;
    const t = setup(store);
    t.server.onBytes(login(1), 1);
    expect(t.server.pump(2)).toBe(0);
    expect(t.close()).toEqual(['store-error', 'SOUPBINTCP_ERR_MESSAGE_UNAVAILABLE']);
  });

  it('rejects invalid options at construction', () => {
    expect(() => setup(new ArrayStore(), { session: 'ELEVENCHARS' })).toThrow('session');
    expect(() => setup(new ArrayStore(), { maxBatchBytes: 0 })).toThrow('maxBatchBytes');
    expect(() => setup(new ArrayStore(), { heartbeatIntervalMs: Number.NaN })).toThrow('heartbeatIntervalMs');
  });
});
