import { checkEndpoint, formatEndpoint, isLoopbackHost, isMulticastIpv4, parseEndpoint } from './endpoint';

describe('MoldUDP64 endpoints', () => {
  it('classifies addresses', () => {
    expect(['224.0.0.1', '239.255.255.255', '233.54.12.111'].map(isMulticastIpv4)).toEqual([true, true, true]);
    expect(['223.255.255.255', '240.0.0.1', '127.0.0.1', 'localhost', '239.1.1'].map(isMulticastIpv4)).toEqual([false, false, false, false, false]);
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '10.0.0.1'].map(isLoopbackHost)).toEqual([true, true, true, false]);
  });

  it('parses and checks host:port, naming the field', () => {
    expect(parseEndpoint('127.0.0.1:9000', 'x')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(formatEndpoint(parseEndpoint('feed.example:1', 'x'))).toBe('feed.example:1');
    expect(() => parseEndpoint('127.0.0.1', 'channelB')).toThrow(/channelB must be host:port/);
    expect(() => parseEndpoint('127.0.0.1:0', 'request')).toThrow(/request\.port must be an integer in 1\.\.65535/);
    expect(parseEndpoint('127.0.0.1:0', 'a', true).port).toBe(0);
    expect(() => checkEndpoint({ host: '', port: 1 }, 'channelA', false)).toThrow(/channelA\.host/);
    expect(() => checkEndpoint({ host: 'h', port: 70000 }, 'channelA', false)).toThrow(/channelA\.port/);
  });
});
