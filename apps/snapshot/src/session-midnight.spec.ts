import { isTimeZone, SessionMidnight } from './session-midnight';

describe('SessionMidnight', () => {
  const ny = new SessionMidnight('America/New_York');

  it('finds the local midnight of the day, in winter (UTC-5) and in summer (UTC-4)', () => {
    expect(new Date(ny.midnightMs(Date.parse('2026-01-15T14:30:00Z'))).toISOString()).toBe('2026-01-15T05:00:00.000Z');
    expect(new Date(ny.midnightMs(Date.parse('2026-07-15T14:30:00Z'))).toISOString()).toBe('2026-07-15T04:00:00.000Z');
  });

  it('knows the local date, not the UTC one (02:00 UTC is the evening before in New York)', () => {
    expect(new Date(ny.midnightMs(Date.parse('2026-07-16T02:00:00Z'))).toISOString()).toBe('2026-07-15T04:00:00.000Z');
  });

  it('handles the days DST starts and ends (23- and 25-hour days)', () => {
    expect(new Date(ny.midnightMs(Date.parse('2026-03-08T15:00:00Z'))).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(new Date(ny.midnightMs(Date.parse('2026-03-09T15:00:00Z'))).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(new Date(ny.midnightMs(Date.parse('2026-11-01T15:00:00Z'))).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(new Date(ny.midnightMs(Date.parse('2026-11-02T15:00:00Z'))).toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('works for zones east of Greenwich and for UTC', () => {
    expect(new Date(new SessionMidnight('Asia/Tokyo').midnightMs(Date.parse('2026-07-15T20:00:00Z'))).toISOString()).toBe('2026-07-15T15:00:00.000Z');
    expect(new Date(new SessionMidnight('UTC').midnightMs(Date.parse('2026-07-15T20:00:00Z'))).toISOString()).toBe('2026-07-15T00:00:00.000Z');
  });

  it('answers the same for every instant of one day, and the next day after midnight', () => {
    const midnight = Date.parse('2026-07-15T04:00:00Z');
    for (let t = midnight; t < midnight + 86_400_000; t += 3_600_000 - 1) expect(ny.midnightMs(t)).toBe(midnight);
    expect(ny.midnightMs(midnight - 1)).toBe(midnight - 86_400_000);
    expect(ny.midnightMs(midnight + 86_400_000)).toBe(midnight + 86_400_000);
  });

  it('refuses an unknown zone', () => {
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(() => new SessionMidnight('Mars/Olympus')).toThrow('not an IANA time zone');
  });
});
