// The Socket.IO peer, written the way its documentation suggests: one room per symbol. A client emits
// `subscribe` with its symbols (acknowledged with their count) and joins their rooms; the server subscribes to
// every `md.tick` subject on NATS (NATS_URL), decodes each MarketUpdate and does
// `io.to(symbol).emit('update', MarketUpdate.toJSON(update))` (Socket.IO encodes a broadcast once).
// WebSocket transport only (no long-polling), no per-message compression, as a production setup would.
// `PORT=0 NATS_URL=nats://... node socketio-server.js`; prints "listening <port>" on stdout.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { connectNatsBus } from '@tickwire/bus';
import { allTicksWildcard, MarketUpdate } from '@tickwire/protocol';

const port = Number(process.env['PORT'] ?? 0);
const natsUrl = process.env['NATS_URL'];

const http = createServer();
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
io.on('connection', (socket) => {
  socket.on('subscribe', (symbols: unknown, ack?: (count: number) => void) => {
    const list = Array.isArray(symbols) ? symbols.filter((s): s is string => typeof s === 'string') : [];
    void socket.join(list);
    if (typeof ack === 'function') ack(list.length);
  });
});

async function main(): Promise<void> {
  if (natsUrl !== undefined) {
    const bus = await connectNatsBus({ servers: natsUrl, name: 'socketio-peer' });
    bus.subscribe(allTicksWildcard, (data) => {
      const update = MarketUpdate.decode(data);
      io.to(update.symbol).emit('update', MarketUpdate.toJSON(update));
    });
  }
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const address = http.address();
  process.stdout.write(`listening ${typeof address === 'string' || address === null ? String(address) : address.port}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
process.on('disconnect', () => process.exit(0));
