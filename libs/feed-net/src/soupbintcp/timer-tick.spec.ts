import { SOUPBINTCP_TICK_MAX_MS, SOUPBINTCP_TICK_MIN_MS, soupBinTcpTickMs } from './timer-tick';

describe('soupBinTcpTickMs', () => {
  it('is a quarter of the shortest timing, clamped', () => {
    expect(soupBinTcpTickMs(50, 300)).toBe(12);
    expect(soupBinTcpTickMs(400, 200)).toBe(50);
    expect(soupBinTcpTickMs(1, 1)).toBe(SOUPBINTCP_TICK_MIN_MS);
    expect(soupBinTcpTickMs(1_000, 15_000)).toBe(SOUPBINTCP_TICK_MAX_MS);
  });
});
