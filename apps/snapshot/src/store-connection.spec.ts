import { ConfigError, loadConfig } from '@tickwire/runtime';
import { snapshotConfig } from './snapshot-app';
import { DEFAULT_REDIS_URL, redisServerOptions } from './store-connection';

describe('REDIS_URL / REDIS_CLUSTER_NODES', () => {
  it('reads cluster seeds as host:port or redis://host:port, as redis:// URLs', () => {
    const cfg = loadConfig(snapshotConfig, { REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis://redis-1.redis.svc:7001' });
    expect(cfg.REDIS_CLUSTER_NODES).toEqual(['redis://10.0.0.1:7000', 'redis://redis-1.redis.svc:7001']);
    expect(cfg.REDIS_URL).toBeUndefined();
    expect(redisServerOptions(cfg.REDIS_URL, cfg.REDIS_CLUSTER_NODES)).toEqual({ clusterNodes: cfg.REDIS_CLUSTER_NODES });
  });

  it('refuses a bad seed list at startup, naming the variable and the value', () => {
    for (const bad of ['10.0.0.1', '10.0.0.1:7000,', 'host:0', 'host:65536', 'rediss://h:1', 'redis://user:pw@h:1', 'h:1 ,h:2', 'h:1/0', '[::1]:7002']) {
      let thrown: unknown;
      try {
        loadConfig(snapshotConfig, { REDIS_CLUSTER_NODES: bad });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).message).toContain('REDIS_CLUSTER_NODES: expected a comma-separated list of Redis Cluster seed nodes');
    }
  });

  it('uses REDIS_URL, or the default Redis when neither is set, and refuses both at once naming both', () => {
    expect(redisServerOptions(undefined, undefined)).toEqual({ url: DEFAULT_REDIS_URL });
    expect(redisServerOptions('redis://r:6379', undefined)).toEqual({ url: 'redis://r:6379' });
    expect(() => redisServerOptions('redis://r:6379', ['redis://c:7000'])).toThrow(/REDIS_URL and REDIS_CLUSTER_NODES are both set/);
  });
});
