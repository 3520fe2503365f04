import { openSoupBinTcpSource, parseSoupBinTcpUrl, SOUPBINTCP_URL_FORMS } from './url';

describe('soupbintcp:// URLs', () => {
  it('parses credentials, host, port, session, start and tuning', () => {
    const url = 'soupbintcp://user:p%40ss@127.0.0.1:9000?session=SESS01&start=42&heartbeat-ms=500&peer-timeout-ms=3000&connect-timeout-ms=2000&reconnect-base-ms=50&reconnect-max-ms=800';
    expect(parseSoupBinTcpUrl(new URL(url))).toEqual({
      host: '127.0.0.1',
      port: 9000,
      username: 'user',
      password: 'p@ss',
      session: 'SESS01',
      sequence: 42,
      heartbeatIntervalMs: 500,
      peerTimeoutMs: 3000,
      connectTimeoutMs: 2000,
      reconnectBaseMs: 50,
      reconnectMaxMs: 800,
    });
  });

  it('defaults: current session, start 1; IPv6 brackets are dropped; start=0 means from now', () => {
    expect(parseSoupBinTcpUrl(new URL('soupbintcp://u:p@[::1]:9000/'))).toEqual({ host: '::1', port: 9000, username: 'u', password: 'p' });
    expect(parseSoupBinTcpUrl(new URL('soupbintcp://u:p@127.0.0.1:9000?start=0')).sequence).toBe(0);
  });

  it('builds a source whose description hides the password', () => {
    const source = openSoupBinTcpSource(new URL('soupbintcp://u:secret@127.0.0.1:9000?session=S1'));
    expect(source.description).toBe('soupbintcp://127.0.0.1:9000 session S1');
    expect(source.options).toMatchObject({ sequence: 1, reconnectBaseMs: 100, reconnectMaxMs: 5_000 });
    expect(SOUPBINTCP_URL_FORMS[0]).toMatch(/^soupbintcp:\/\//);
  });

  it.each([
    ['http://u:p@127.0.0.1:9000', /scheme must be soupbintcp:/],
    ['soupbintcp://u:p@127.0.0.1', /host:port/],
    ['soupbintcp://127.0.0.1:9000', /user is missing/],
    ['soupbintcp://u:p@127.0.0.1:9000/SESS', /unexpected path/],
    ['soupbintcp://u:p@127.0.0.1:9000#x', /fragment/],
    ['soupbintcp://u:p@127.0.0.1:9000?seq=1', /unknown parameter "seq"/],
    ['soupbintcp://u:p@127.0.0.1:9000?start=-1', /start must be a non-negative integer/],
    ['soupbintcp://u:p@127.0.0.1:9000?heartbeat-ms=x', /heartbeat-ms/],
    ['soupbintcp://toolong:p@127.0.0.1:9000', /username must be at most 6/],
    ['soupbintcp://u:passwordtoolong@127.0.0.1:9000', /password must be at most 10/],
    ['soupbintcp://u:p@127.0.0.1:9000?session=SESSIONTOOLONG', /session must be at most 10/],
    ['soupbintcp://u:p@127.0.0.1:9000?heartbeat-ms=0', /heartbeatIntervalMs must be a positive number/],
    ['soupbintcp://u:p@127.0.0.1:9000?reconnect-base-ms=500&reconnect-max-ms=100', /reconnectMaxMs must be >= reconnectBaseMs/],
  ])('rejects %s', (url, message) => {
    expect(() => openSoupBinTcpSource(new URL(url))).toThrow(message);
  });
});
