import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SseTransport } from './sse-transport';
import { CLOSE_GRACE_MS } from './websocket-transport';

describe('SseTransport', () => {
  let server: Server;
  let responses: ServerResponse[];

  beforeEach(async () => {
    responses = [];
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      responses.push(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const open = (): Promise<IncomingMessage> =>
    new Promise((resolve) => request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', path: '/' }, resolve).end());

  it('sends data events and ends with a close event a reading client receives whole', async () => {
    const stream = await open();
    const transport = new SseTransport(responses[0]!);
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    transport.send(Buffer.from('{"type":"ping","ts":1}'));
    transport.close(4200, 'slow');
    await new Promise((resolve) => stream.on('end', resolve));
    expect(text).toBe('data: {"type":"ping","ts":1}\n\nevent: close\ndata: {"code":4200,"reason":"slow"}\n\n');
  });

  it(`destroys the response of a client that does not read, ${CLOSE_GRACE_MS} ms after the close`, async () => {
    const stream = await open();
    stream.pause();
    const response = responses[0]!;
    const transport = new SseTransport(response);
    const event = Buffer.alloc(64 * 1024, 'x');
    // Fill the socket buffers until the response holds what the network does not take.
    while (transport.bufferedAmount < 4 * 1024 * 1024) {
      transport.send(event);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Without the destroy the response would stay open as long as the client keeps the connection.
    const closed = new Promise((resolve) => response.once('close', resolve));
    const startedAt = Date.now();
    transport.close(4200, 'slow');
    await closed;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(CLOSE_GRACE_MS - 50);
    stream.destroy();
  }, 15_000);
});
