// The socket floor's readers (socket-floor.ts), also the connection floor's clients (connection-floor.ts):
// plain TCP connections that read and discard, and report their process's CPU and the bytes read.
import { connect, type Socket } from 'node:net';
import { serveWorkerCommands } from '@tickwire/testing';
import { sourceAddress } from '../src/connection-plan';
import type { FloorCommand, FloorReply } from './socket-floor';

const sockets: Socket[] = [];
let bytes = 0;
const countBytes = (chunk: Buffer): void => void (bytes += chunk.length);

/** Connections opened this many at a time, so the listener's accept queue never overflows. */
const CONNECT_CONCURRENCY = 200;

async function connectAll(port: number, count: number, firstIndex: number, addressCount: number, request: string | undefined): Promise<number> {
  let open = 0;
  for (let from = 0; from < count; from += CONNECT_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CONNECT_CONCURRENCY, count - from) }, (_, k) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1', localAddress: sourceAddress(firstIndex + from + k, addressCount) });
        socket.once('connect', () => {
          socket.off('error', reject);
          socket.on('error', () => undefined);
          socket.on('data', countBytes);
          if (request !== undefined) socket.write(request);
          sockets.push(socket);
          open++;
          resolve();
        });
        socket.once('error', reject);
      }),
    );
    await Promise.all(batch);
  }
  return open;
}

async function handle(command: FloorCommand): Promise<FloorReply> {
  switch (command.type) {
    case 'connect':
      return { type: 'connected', open: await connectAll(command.port, command.count, command.firstIndex, command.addressCount, command.request) };
    case 'cpu': {
      const cpu = process.cpuUsage();
      return { type: 'cpu', cpuUs: cpu.user + cpu.system, bytes };
    }
    case 'close':
      for (const socket of sockets) socket.destroy();
      sockets.length = 0;
      return { type: 'closed' };
  }
}

serveWorkerCommands(handle);
