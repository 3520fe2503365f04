import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { startHarness, type Harness } from '../test/edge-harness';
import { rejectionCount } from '../test/rejection-count';
import type { RejectionReason } from './edge-metrics';

describe('EdgeServer HTTP reads and SSE admission', () => {
  let h: Harness;
  const rejected = (reason: RejectionReason): Promise<number> => rejectionCount(h.edge.metrics, reason);
  const read = async (path: string, symbols = ['A']): Promise<[number, unknown]> => {
    const response = await fetch(`${h.httpUrl}${path}`, { headers: { authorization: `Bearer ${await h.token({ ent: { symbols } })}` } });
    return [response.status, await response.json()];
  };

  beforeAll(async () => {
    h = await startHarness({ maxConnectionsPerIp: 100 });
  });

  afterAll(() => h.stop());

  it('/v1/snapshot with no symbol entitled: 200, every symbol in notEntitled (the snapshot service, which refuses an empty list, is not asked)', async () => {
    expect(await read('/v1/snapshot?symbols=B,C')).toEqual([200, { snapshots: [], unknownSymbols: [], notEntitled: ['B', 'C'] }]);
    expect(await read('/v1/snapshot?symbols=A,B')).toEqual([200, { snapshots: [], unknownSymbols: ['A'], notEntitled: ['B'] }]);
  });

  it('a repeated parameter or a mode an object inherits is 400 BAD_REQUEST, not a 500 or 503', async () => {
    expect(await read('/v1/snapshot?symbols=A&symbols=B')).toEqual([400, { error: 'symbols: given more than once', code: 'BAD_REQUEST' }]);
    expect(await read('/v1/candles?symbol=A&symbol=B')).toEqual([400, { error: 'symbol: given more than once', code: 'BAD_REQUEST' }]);
    for (const mode of ['__proto__', 'toString', 'constructor']) expect(await read(`/v1/snapshot?symbols=A&mode=${mode}`)).toEqual([400, { error: 'mode: one of ltp, quote, full', code: 'BAD_REQUEST' }]);
  });

  it('a URL the router cannot decode (overlong UTF-8) is 400 BAD_REQUEST without the path, counted once', async () => {
    const before = await rejected('bad_request');
    expect(await read('/%c0%ae%c0%ae/secret.txt?token=x')).toEqual([400, { error: 'the URL is not valid percent-encoded UTF-8', code: 'BAD_REQUEST' }]);
    expect(await rejected('bad_request')).toBe(before + 1);
  });

  it('takes the Authorization scheme in any case (bearer, BEARER), as HTTP says schemes are case-insensitive', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const response = await fetch(`${h.httpUrl}/v1/snapshot?symbols=A`, { headers: { authorization: `${scheme} ${await h.token({ ent: { symbols: ['A'] } })}` } });
      expect(response.status).toBe(200);
    }
    const basic = await fetch(`${h.httpUrl}/v1/snapshot?symbols=A`, { headers: { authorization: `Basic ${await h.token({ ent: { symbols: ['A'] } })}` } });
    expect([basic.status, await basic.json()]).toEqual([401, expect.objectContaining({ code: 'AUTH_REQUIRED' })]);
  });

  it('SSE without a valid token is 401 with the code before the stream opens (an EventSource does not retry it)', async () => {
    const none = await fetch(`${h.httpUrl}/v1/sse?symbols=A`);
    expect([none.status, await none.json()]).toEqual([401, expect.objectContaining({ code: 'AUTH_REQUIRED' })]);
    const late = await fetch(`${h.httpUrl}/v1/sse?symbols=A&token=${await h.token({}, '-1m')}`);
    expect([late.status, await late.json()]).toEqual([401, expect.objectContaining({ code: 'TOKEN_EXPIRED' })]);
  });

  it('SSE clients that hang up while their token is being verified leave no session, subscription or address slot behind', async () => {
    const path = `/v1/sse?symbols=A&token=${await h.token()}`;
    for (let i = 0; i < 50; i++) {
      const socket = connect({ host: '127.0.0.1', port: h.edge.address.port }, () => {
        socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
        socket.destroy();
      });
      socket.on('error', () => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([h.edge.server.connectionCount, h.edge.metrics.connections, h.edge.metrics.subscriptions]).toEqual([0, 0, 0]);
  });

  it('SSE refuses too many or invalid symbols before the stream opens', async () => {
    const many = Array.from({ length: 501 }, (_, i) => `S${i}`).join(',');
    expect(await read(`/v1/sse?symbols=${many}`)).toEqual([400, { error: 'symbols: at most 500 per request', code: 'BAD_REQUEST' }]);
    expect((await read('/v1/sse?symbols=A%7B'))[0]).toBe(400);
  });
});

describe('EdgeServer listen backlog', () => {
  // Connects `count` sockets at once from another process (this one is about to be busy) and reports how
  // many took a second or more: the kernel dropped their handshake and TCP retried (1 s, then 3 s, ...).
  const BURST = `
    const { connect } = require('node:net');
    const [port, count] = process.argv.slice(1).map(Number);
    const sockets = []; let done = 0; let slow = 0; let failed = 0;
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        if (performance.now() - started >= 1000) slow++;
        if (++done === count) process.send({ slow, failed });
      });
      socket.on('error', () => { failed++; if (++done === count) process.send({ slow, failed }); });
      sockets.push(socket);
    }
    process.on('message', () => { for (const s of sockets) s.destroy(); process.exit(0); });`;

  async function burstWhileBusy(h: Harness, count: number, busyMs: number): Promise<{ slow: number; failed: number }> {
    const child = spawn(process.execPath, ['-e', BURST, String(h.edge.address.port), String(count)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const report = new Promise<{ slow: number; failed: number }>((resolve) => child.once('message', (m) => resolve(m as { slow: number; failed: number })));
    await new Promise((resolve) => child.once('spawn', resolve));
    // The event loop is blocked while the burst lands: nothing is accepted until it ends.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, busyMs);
    const result = await report;
    child.send('exit');
    return result;
  }

  it('a burst of 1,500 connections arriving while the event loop is blocked waits in the queue: none is dropped to a TCP retry', async () => {
    const h = await startHarness();
    try {
      expect(await burstWhileBusy(h, 1_500, 700)).toEqual({ slow: 0, failed: 0 });
    } finally {
      await h.stop();
    }
  });
});
