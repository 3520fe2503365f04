// The floor under any WebSocket server's memory per connection in Node: RSS per idle loopback connection of a
// process that holds the sockets and nothing else (connection-floor-server.ts), opened by the socket floor's
// reader processes. Two ways in: a bare net.Server, and node:http's upgrade path answered with a WebSocket
// 101 (what ws, and so the edge behind fastify, goes through before it creates its own objects).
import { join } from 'node:path';
import { WorkerProcesses } from '@tickwire/testing';
import { splitRange } from '../src/connection-plan';
import { sleep } from './edge-rig';
import type { FloorCommand, FloorReply } from './socket-floor';

export type ConnectionFloorMode = 'net' | 'http-upgrade';
export type ConnectionFloorCommand = { readonly type: 'listen'; readonly mode: ConnectionFloorMode } | { readonly type: 'memory'; readonly collect: boolean } | { readonly type: 'close' };
export type ConnectionFloorReply = { readonly type: 'listening'; readonly port: number } | { readonly type: 'memory'; readonly rss: number; readonly held: number } | { readonly type: 'closed' };

export interface ConnectionFloor {
  readonly mode: ConnectionFloorMode;
  readonly connections: number;
  /** (RSS with N - RSS with none) / N, 2 s after the last connection. */
  readonly bytesPerConnection: number;
  /** The same after full GCs on both reads. */
  readonly bytesPerConnectionAfterGc: number;
}

const SERVER_SCRIPT = join(__dirname, 'connection-floor-server.js');
const READER_SCRIPT = join(__dirname, 'socket-floor-worker.js');
const SETTLE_MS = 2_000;

/** A WebSocket upgrade request, as a client library sends it (the key is fixed: nobody checks it here). */
const UPGRADE_REQUEST = 'GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

export async function measureConnectionFloor(mode: ConnectionFloorMode, options: { connections: number; clients: number; addressCount: number }): Promise<ConnectionFloor> {
  const { connections } = options;
  const server = WorkerProcesses.start<ConnectionFloorCommand, ConnectionFloorReply>(1, SERVER_SCRIPT, { execArgv: ['--expose-gc'], replyTimeoutMs: 60_000, name: 'connection-floor server' });
  const clients = WorkerProcesses.start<FloorCommand, FloorReply>(options.clients, READER_SCRIPT, { replyTimeoutMs: 60_000, name: 'connection-floor client' });
  try {
    const { port } = await server.request(0, { type: 'listen', mode }, 'listening');
    const before = await server.request(0, { type: 'memory', collect: true }, 'memory');
    const ranges = splitRange(connections, options.clients);
    await clients.all((i) => ({ type: 'connect', port, count: ranges[i]!.count, firstIndex: ranges[i]!.start, addressCount: options.addressCount, ...(mode === 'http-upgrade' ? { request: UPGRADE_REQUEST } : {}) }), 'connected');
    let held = 0;
    for (const deadline = Date.now() + 10_000; held < connections && Date.now() < deadline; await sleep(20)) held = (await server.request(0, { type: 'memory', collect: false }, 'memory')).held;
    if (held !== connections) throw new Error(`connection floor (${mode}): ${held} of ${connections} held`);
    await sleep(SETTLE_MS);
    const settled = await server.request(0, { type: 'memory', collect: false }, 'memory');
    const collected = await server.request(0, { type: 'memory', collect: true }, 'memory');
    await clients.all(() => ({ type: 'close' }), 'closed');
    await server.request(0, { type: 'close' }, 'closed');
    return { mode, connections, bytesPerConnection: Math.round((settled.rss - before.rss) / connections), bytesPerConnectionAfterGc: Math.round((collected.rss - before.rss) / connections) };
  } finally {
    clients.close();
    server.close();
  }
}
