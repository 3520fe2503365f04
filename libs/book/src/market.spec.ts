import { Market, MarketPhase, SystemEventCode } from './market';

describe('Market', () => {
  it('follows the System Events through the day', () => {
    const m = new Market();
    expect([m.phase, m.isRegularSession]).toEqual([MarketPhase.UNKNOWN, true]);
    const steps: [number, number, boolean][] = [
      [SystemEventCode.START_OF_MESSAGES, MarketPhase.PRE_MARKET, false],
      [SystemEventCode.START_OF_SYSTEM_HOURS, MarketPhase.PRE_MARKET, false],
      [SystemEventCode.START_OF_MARKET_HOURS, MarketPhase.REGULAR, true],
      [SystemEventCode.END_OF_MARKET_HOURS, MarketPhase.POST_MARKET, false],
      [SystemEventCode.END_OF_SYSTEM_HOURS, MarketPhase.CLOSED, false],
      [SystemEventCode.END_OF_MESSAGES, MarketPhase.CLOSED, false],
    ];
    let ts = 3 * 3600e9;
    for (const [code, phase, regular] of steps) {
      m.systemEvent(code, (ts += 1e9));
      expect([m.phase, m.isRegularSession, m.lastEventCode, m.lastEventNs]).toEqual([phase, regular, code, ts]);
    }
    expect(m.eventTimesNs[SystemEventCode.START_OF_MARKET_HOURS]).toBe(3 * 3600e9 + 3e9);
    m.systemEvent(0x5a, 1); // unknown code: stored, phase kept
    expect([m.phase, m.lastEventCode]).toEqual([MarketPhase.CLOSED, 0x5a]);
    m.reset();
    expect([m.phase, m.lastEventNs, m.eventTimesNs[SystemEventCode.START_OF_MESSAGES]]).toEqual([MarketPhase.UNKNOWN, -1, -1]);
  });
});
