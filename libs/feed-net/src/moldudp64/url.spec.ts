import { MoldUdp64FeedSource } from './source';
import { MOLDUDP64_URL_FORMS, openMoldUdp64Source, parseMoldUdp64Url } from './url';

describe('parseMoldUdp64Url', () => {
  it('reads a unicast channel with B, a re-request server, session, start and tuning', () => {
    expect(parseMoldUdp64Url(new URL('moldudp64://127.0.0.1:30001?b=127.0.0.1:30002&request=127.0.0.1:30003&session=000010059B&start=first&request-timeout-ms=50&gap-timeout-ms=20'))).toEqual({
      channelA: { host: '127.0.0.1', port: 30001 },
      channelB: { host: '127.0.0.1', port: 30002 },
      requestServer: { host: '127.0.0.1', port: 30003 },
      session: '000010059B',
      startSequence: 'first-packet',
      requestTimeoutMs: 50,
      gapTimeoutMs: 20,
    });
  });

  it('reads a multicast A/B pair joined on an interface', () => {
    expect(parseMoldUdp64Url(new URL('moldudp64://239.1.1.1:26477?interface=127.0.0.1&b=239.1.1.2:26478&start=5'))).toEqual({
      channelA: { host: '239.1.1.1', port: 26477 },
      channelB: { host: '239.1.1.2', port: 26478 },
      multicastInterface: '127.0.0.1',
      startSequence: 5,
    });
  });

  it.each([
    ['moldudp64://127.0.0.1', /host:port/],
    ['moldudp64://127.0.0.1:1/path', /path/],
    ['moldudp64://127.0.0.1:1?b=nope', /b must be host:port/],
    ['moldudp64://127.0.0.1:1?request=h:0', /request\.port/],
    ['moldudp64://127.0.0.1:1?start=0', /start/],
    ['moldudp64://127.0.0.1:1?interface=eth0', /interface/],
    ['moldudp64://127.0.0.1:1?colour=red', /unknown parameter "colour"/],
    ['moldudp64://u:p@127.0.0.1:1', /credentials/],
    ['soupbintcp://127.0.0.1:1', /scheme/],
  ])('rejects %s', (url, problem) => {
    expect(() => parseMoldUdp64Url(new URL(url))).toThrow(problem);
  });

  it('opens a source (validated at construction) and lists the forms', () => {
    const source = openMoldUdp64Source(new URL('moldudp64://127.0.0.1:30001?request=127.0.0.1:30003&session=ABC'));
    expect(source).toBeInstanceOf(MoldUdp64FeedSource);
    expect(source.description).toBe('moldudp64://127.0.0.1:30001 re-request 127.0.0.1:30003 session ABC');
    expect(() => openMoldUdp64Source(new URL('moldudp64://127.0.0.1:1?session=ELEVENCHARS'))).toThrow(/session is longer than 10/);
    expect(() => openMoldUdp64Source(new URL('moldudp64://127.0.0.1:1?interface=127.0.0.1'))).toThrow(/multicastInterface/);
    expect(MOLDUDP64_URL_FORMS).toHaveLength(2);
  });
});
