// The reference peer for memory per connection: a plain `ws` server that accepts WebSocket connections on
// PORT (127.0.0.1) and holds them, nothing else. `node plain-ws-server.js`; prints "listening <port>" on stdout.
import { WebSocketServer } from 'ws';

const port = Number(process.env['PORT'] ?? 0);
const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
server.on('connection', (socket) => socket.on('error', () => undefined));
server.on('listening', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'string' || address === null ? String(address) : address.port}\n`);
});
process.on('disconnect', () => process.exit(0));
