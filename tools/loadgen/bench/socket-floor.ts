// The machine's floor under any fan-out figure: what it costs to move one small frame to one client over
// loopback TCP when nothing but the write and the read happens. This process writes a prepared binary
// WebSocket frame to each of N accepted sockets in turn (socket.write, no WebSocket library, no encoding,
// no subscription lookup); reader processes (socket-floor-worker.ts) only read and discard. On loopback
// the sender's write also runs the receiver's TCP path, so the kernel, not JavaScript, is most of it.
// Reported: writes/s, this process's CPU per write (user and system) and the readers' CPU per read frame,
// and from them the most frames/s the machine's cores can carry at all.
import { cpus } from 'node:os';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { WorkerProcesses } from '@tickwire/testing';
import { splitRange } from '../src/connection-plan';
import { sleep } from './edge-rig';
import { round } from './peer-load';

/** `request`: bytes each connection writes once connected (the connection floor's upgrade request). */
export type FloorCommand = { readonly type: 'connect'; readonly port: number; readonly count: number; readonly firstIndex: number; readonly addressCount: number; readonly request?: string } | { readonly type: 'cpu' } | { readonly type: 'close' };
export type FloorReply = { readonly type: 'connected'; readonly open: number } | { readonly type: 'cpu'; readonly cpuUs: number; readonly bytes: number } | { readonly type: 'closed' };

export interface SocketFloor {
  readonly connections: number;
  readonly frameBytes: number;
  readonly seconds: number;
  readonly writesPerSec: number;
  readonly writerCpuUsPerWrite: number;
  readonly writerSystemUsPerWrite: number;
  readonly readersCpuUsPerFrame: number;
  /** Writes skipped because the socket still held an earlier frame (the readers fell behind). */
  readonly skippedBacklogged: number;
  /** cores / (writer + readers CPU per frame): frames/s with every core doing only this. */
  readonly machineFramesPerSecCeiling: number;
}

/** Writes per event-loop turn (then setImmediate, as a server yields to its other sockets). */
const WRITES_PER_TURN = 500;
const WORKER_SCRIPT = join(__dirname, 'socket-floor-worker.js');

export async function measureSocketFloor(options: { connections: number; frameBytes: number; seconds: number; readers: number; addressCount: number }): Promise<SocketFloor> {
  const { connections, frameBytes, seconds } = options;
  if (frameBytes < 3 || frameBytes > 127) throw new Error(`frameBytes must be 3-127 (a one-byte WebSocket length), got ${frameBytes}`);
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4_096 }, resolve));
  const readers = WorkerProcesses.start<FloorCommand, FloorReply>(options.readers, WORKER_SCRIPT, { replyTimeoutMs: 60_000, name: 'socket-floor reader' });
  try {
    const port = (server.address() as { port: number }).port;
    const ranges = splitRange(connections, options.readers);
    const opened = await readers.all((i) => ({ type: 'connect', port, count: ranges[i]!.count, firstIndex: ranges[i]!.start, addressCount: options.addressCount }), 'connected');
    const open = opened.reduce((a, r) => a + r.open, 0);
    for (const deadline = Date.now() + 10_000; sockets.length < open && Date.now() < deadline; ) await sleep(10);
    if (open !== connections || sockets.length !== connections) throw new Error(`socket floor: ${open} connected, ${sockets.length} accepted, of ${connections}`);
    // A binary frame, unmasked, FIN set: what the edge writes for one small update.
    const frame = Buffer.alloc(frameBytes, 0x2a);
    frame[0] = 0x82;
    frame[1] = frameBytes - 2;
    const readersBefore = await readers.all(() => ({ type: 'cpu' }), 'cpu');
    const cpuFrom = process.cpuUsage();
    const started = process.hrtime.bigint();
    const endAt = Date.now() + seconds * 1_000;
    let writes = 0;
    let skipped = 0;
    let next = 0;
    await new Promise<void>((resolve) => {
      const turn = (): void => {
        for (let k = 0; k < WRITES_PER_TURN; k++) {
          const socket = sockets[next]!;
          next = next + 1 === sockets.length ? 0 : next + 1;
          if (socket.writableLength > 0) skipped++;
          else {
            socket.write(frame);
            writes++;
          }
        }
        if (Date.now() < endAt) setImmediate(turn);
        else resolve();
      };
      turn();
    });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuFrom);
    const written = writes * frameBytes;
    // Until the readers have read every byte written (or 5 s), so their CPU covers all of it.
    let readersAfter = await readers.all(() => ({ type: 'cpu' }), 'cpu');
    for (const deadline = Date.now() + 5_000; readersAfter.reduce((a, r, i) => a + r.bytes - readersBefore[i]!.bytes, 0) < written && Date.now() < deadline; ) {
      await sleep(50);
      readersAfter = await readers.all(() => ({ type: 'cpu' }), 'cpu');
    }
    const readerCpuUs = readersAfter.reduce((a, r, i) => a + r.cpuUs - readersBefore[i]!.cpuUs, 0);
    const writerCpuUsPerWrite = (cpu.user + cpu.system) / writes;
    const readersCpuUsPerFrame = readerCpuUs / writes;
    await readers.all(() => ({ type: 'close' }), 'closed');
    return {
      connections,
      frameBytes,
      seconds,
      writesPerSec: Math.round(writes / elapsed),
      writerCpuUsPerWrite: round(writerCpuUsPerWrite),
      writerSystemUsPerWrite: round(cpu.system / writes),
      readersCpuUsPerFrame: round(readersCpuUsPerFrame),
      skippedBacklogged: skipped,
      machineFramesPerSecCeiling: Math.round((cpus().length * 1e6) / (writerCpuUsPerWrite + readersCpuUsPerFrame)),
    };
  } finally {
    readers.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}
