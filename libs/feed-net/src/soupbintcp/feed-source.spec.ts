import { parseSoupBinTcpFeedSourceOptions, SoupBinTcpFeedSource } from './feed-source';

const base = { host: '127.0.0.1', port: 9000, username: 'u', password: 'p' };

describe('parseSoupBinTcpFeedSourceOptions', () => {
  it('fills in defaults and freezes', () => {
    const o = parseSoupBinTcpFeedSourceOptions(base);
    expect(o).toMatchObject({ session: '', sequence: 1, heartbeatIntervalMs: 1_000, peerTimeoutMs: 15_000, connectTimeoutMs: 15_000, reconnectBaseMs: 100, reconnectMaxMs: 5_000 });
    expect(Object.isFrozen(o)).toBe(true);
  });

  it.each([
    [{ host: '' }, /host/],
    [{ port: 0 }, /port/],
    [{ port: 65536 }, /port/],
    [{ sequence: 1.5 }, /sequence/],
    [{ username: 'bad\u0001' }, /username/],
    [{ peerTimeoutMs: -1 }, /peerTimeoutMs/],
    [{ connectTimeoutMs: Number.POSITIVE_INFINITY }, /connectTimeoutMs/],
  ])('rejects %j naming the field', (patch, message) => {
    expect(() => parseSoupBinTcpFeedSourceOptions({ ...base, ...patch })).toThrow(message);
  });
});

describe('SoupBinTcpFeedSource (no socket)', () => {
  it('stop() before start() resolves and later start() is refused', async () => {
    const source = new SoupBinTcpFeedSource(base);
    await source.stop();
    await expect(
      source.start({ onMessage() {}, onGap() {}, onEndOfSession() {}, onError() {} }),
    ).rejects.toThrow(/start\(\) may be called once/);
  });
});
