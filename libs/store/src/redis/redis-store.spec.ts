import { parseRedisStoreOptions } from './redis-store';

describe('parseRedisStoreOptions: one Redis or a cluster', () => {
  it('takes a url as one Redis and clusterNodes as a cluster, defaults filled in and frozen', () => {
    expect(parseRedisStoreOptions({ url: 'redis://127.0.0.1:6379' })).toMatchObject({ server: { kind: 'single', url: 'redis://127.0.0.1:6379' }, keyPrefix: 'tw:' });
    const cluster = parseRedisStoreOptions({ clusterNodes: ['redis://10.0.0.1:7000', 'redis://redis-1.redis:7001'] });
    expect(cluster.server).toEqual({ kind: 'cluster', seeds: ['redis://10.0.0.1:7000', 'redis://redis-1.redis:7001'] });
    expect(Object.isFrozen(cluster)).toBe(true);
  });

  it('refuses both, neither, an empty seed list and seeds that are not redis://host:port, naming the option', () => {
    expect(() => parseRedisStoreOptions({ url: 'redis://a:1', clusterNodes: ['redis://b:2'] })).toThrow(expect.objectContaining({ code: 'STORE_ERR_INVALID_OPTION', message: expect.stringContaining('not both') }));
    expect(() => parseRedisStoreOptions({})).toThrow(expect.objectContaining({ code: 'STORE_ERR_INVALID_OPTION', message: expect.stringContaining('url') }));
    for (const clusterNodes of [[], ['127.0.0.1:7000'], ['redis://127.0.0.1'], ['rediss://h:1'], ['redis://user:pw@h:1'], ['redis://h:1/0']]) {
      expect(() => parseRedisStoreOptions({ clusterNodes })).toThrow(expect.objectContaining({ code: 'STORE_ERR_INVALID_OPTION', message: expect.stringContaining('clusterNodes') }));
    }
  });
});
