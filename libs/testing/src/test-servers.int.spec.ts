import { connect, type Socket } from 'node:net';
import { startNats, startRedis, type TestServer } from './index';

/** Sends `command` (if any) and resolves with the first bytes the server answers. */
function exchange(port: number, command?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.once('error', reject);
    socket.once('connect', () => {
      if (command) socket.write(command);
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
  });
}

describe(`test servers (${process.env.TICKWIRE_TEST_SERVERS ?? 'auto'})`, () => {
  let nats: TestServer;
  let redis: TestServer;

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    process.stdout.write(`test servers: nats via ${nats.backend} at ${nats.url}, redis via ${redis.backend} at ${redis.url}\n`);
  });

  afterAll(async () => {
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  it('runs a real NATS server that speaks the NATS protocol', async () => {
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(await exchange(nats.port)).toMatch(/^INFO \{.*"server_id"/);
  });

  it('runs a real Redis server that answers PING', async () => {
    expect(await exchange(redis.port, 'PING\r\n')).toBe('+PONG\r\n');
  });

  it('uses testcontainers when CI asks for containers', () => {
    if (process.env.TICKWIRE_TEST_SERVERS === 'containers') {
      expect([nats.backend, redis.backend]).toEqual(['containers', 'containers']);
    } else {
      expect(['containers', 'processes']).toContain(nats.backend);
    }
  });

  it('restarts a server on the same port', async () => {
    await nats.restart();
    expect(await exchange(nats.port)).toMatch(/^INFO /);
  });

  it('stops a server: the port refuses connections until started again', async () => {
    await redis.stop();
    await expect(exchange(redis.port, 'PING\r\n')).rejects.toThrow(/ECONNREFUSED/);
    await redis.start();
    expect(await exchange(redis.port, 'PING\r\n')).toBe('+PONG\r\n');
  });
});
