// The plain `ws` peer: a broadcast server written the obvious way, the baseline for memory per connection and
// fan-out. Clients send `{"type":"subscribe","symbols":[...]}` and get `{"type":"subscribed","count":n}`. With
// NATS_URL set, it subscribes to every `md.tick` subject, decodes each MarketUpdate and sends
// `JSON.stringify(MarketUpdate.toJSON(update))` to every socket subscribed to its symbol: serialized once per
// client, and no backpressure handling (`ws` buffers whatever a socket cannot take yet).
// `PORT=0 NATS_URL=nats://... node plain-ws-server.js`; prints "listening <port>" on stdout.
import { WebSocketServer, type WebSocket } from 'ws';
import { connectNatsBus } from '@tickwire/bus';
import { allTicksWildcard, MarketUpdate } from '@tickwire/protocol';

const port = Number(process.env['PORT'] ?? 0);
const natsUrl = process.env['NATS_URL'];
const rooms = new Map<string, Set<WebSocket>>();

const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
server.on('connection', (socket) => {
  const joined: string[] = [];
  socket.on('error', () => undefined);
  socket.on('message', (data) => {
    let message: { type?: unknown; symbols?: unknown };
    try {
      message = JSON.parse(String(data)) as typeof message;
    } catch {
      return;
    }
    if (message.type !== 'subscribe' || !Array.isArray(message.symbols)) return;
    for (const symbol of message.symbols) {
      if (typeof symbol !== 'string') continue;
      let room = rooms.get(symbol);
      if (room === undefined) rooms.set(symbol, (room = new Set()));
      room.add(socket);
      joined.push(symbol);
    }
    socket.send(JSON.stringify({ type: 'subscribed', count: message.symbols.length }));
  });
  socket.on('close', () => {
    for (const symbol of joined) rooms.get(symbol)?.delete(socket);
  });
});

async function main(): Promise<void> {
  if (natsUrl !== undefined) {
    const bus = await connectNatsBus({ servers: natsUrl, name: 'plain-ws-peer' });
    bus.subscribe(allTicksWildcard, (data) => {
      const update = MarketUpdate.decode(data);
      const room = rooms.get(update.symbol);
      if (room === undefined) return;
      const json = MarketUpdate.toJSON(update);
      for (const socket of room) socket.send(JSON.stringify(json));
    });
  }
  await new Promise<void>((resolve) => (server.address() === null ? server.once('listening', resolve) : resolve()));
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'string' || address === null ? String(address) : address.port}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
process.on('disconnect', () => process.exit(0));
