// The local-process backend, used where no container runtime exists. CI installs the binaries too,
// so this path is exercised on every run rather than only on developers' machines.
process.env.TICKWIRE_TEST_SERVERS = 'processes';

import { startNats, startRedis } from './index';

describe('test servers as local processes', () => {
  it('starts and stops nats-server and redis-server binaries', async () => {
    const [nats, redis] = await Promise.all([startNats(), startRedis()]);
    try {
      expect([nats.backend, redis.backend]).toEqual(['processes', 'processes']);
      expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await Promise.all([nats.stop(), redis.stop()]);
    }
  });
});
