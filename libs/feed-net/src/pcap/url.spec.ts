import { PcapFeedSource } from './source';
import { openPcapSource, parsePcapUrlOptions } from './url';

describe('parsePcapUrlOptions', () => {
  it('reads the filter, session, start and reorder window', () => {
    expect(parsePcapUrlOptions(new URL('file:///data/day.pcap.gz?port=26477,26478&address=233.54.12.111&session=000010059B&start=first&reorder-window=0'))).toEqual({
      dstPort: [26477, 26478],
      dstAddress: ['233.54.12.111'],
      session: '000010059B',
      startSequence: 'first-packet',
      reorderWindowPackets: 0,
    });
    expect(parsePcapUrlOptions(new URL('file:///data/day.pcapng'))).toEqual({});
    expect(parsePcapUrlOptions(new URL('file:///d.pcap?start=7')).startSequence).toBe(7);
  });

  it.each([
    ['file:///d.pcap?port=x', /port/],
    ['file:///d.pcap?port=70000', /port/],
    ['file:///d.pcap?address=1.2.3', /address/],
    ['file:///d.pcap?start=0', /start/],
    ['file:///d.pcap?reorder-window=-1', /reorder-window/],
    ['file:///d.pcap?speed=2', /unknown parameter "speed"/],
  ])('rejects %s', (url, problem) => {
    expect(() => parsePcapUrlOptions(new URL(url))).toThrow(problem);
  });

  it('opens a source for the decoded path', () => {
    const source = openPcapSource(new URL('file:///data/my%20day.pcap?port=1'));
    expect(source).toBeInstanceOf(PcapFeedSource);
    expect(source.description).toBe('pcap file:///data/my day.pcap (port 1)');
    expect(() => openPcapSource(new URL('file:///'))).toThrow(/no file path/);
  });
});
