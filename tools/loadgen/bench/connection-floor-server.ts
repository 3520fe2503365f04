// The connection floor's server process (connection-floor.ts): holds idle loopback connections and nothing
// else, so its RSS per connection is what Node itself keeps for one. 'net': accepted by a bare net.Server.
// 'http-upgrade': accepted by node:http and handed over on 'upgrade' with a WebSocket 101 answer, the path
// every Node WebSocket server (ws, and so the edge, behind fastify) takes, without any WebSocket object.
// Run with --expose-gc.
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { serveWorkerCommands } from '@tickwire/testing';
import type { ConnectionFloorCommand, ConnectionFloorReply } from './connection-floor';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const held: Socket[] = [];
let server: Server | undefined;

function hold(socket: Socket): void {
  socket.on('error', () => undefined);
  held.push(socket);
}

function onUpgrade(request: IncomingMessage, socket: Socket): void {
  const accept = createHash('sha1').update(`${String(request.headers['sec-websocket-key'])}${WEBSOCKET_GUID}`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  hold(socket);
}

async function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the connection floor server needs --expose-gc');
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
}

async function handle(command: ConnectionFloorCommand): Promise<ConnectionFloorReply> {
  switch (command.type) {
    case 'listen': {
      const listening = command.mode === 'net' ? createNetServer(hold) : createHttpServer().on('upgrade', onUpgrade);
      server = listening;
      await new Promise<void>((resolve) => listening.listen({ port: 0, host: '127.0.0.1', backlog: 4_096 }, resolve));
      return { type: 'listening', port: (listening.address() as { port: number }).port };
    }
    case 'memory':
      if (command.collect) await collect();
      return { type: 'memory', rss: process.memoryUsage().rss, held: held.length };
    case 'close':
      for (const socket of held) socket.destroy();
      held.length = 0;
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      return { type: 'closed' };
  }
}

serveWorkerCommands(handle);
