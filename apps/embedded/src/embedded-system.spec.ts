import { passedThrough, SERVICE_PREFIXES } from './embedded-system';

describe('passedThrough', () => {
  it('gives a service its <PREFIX>NAME variables as NAME, and nothing else', () => {
    const env = { EDGE_TIERS: 'realtime:0:5:full', EDGE_: 'empty name', SIM_SEED: '7', PATH: '/bin', EDGE_UNSET: undefined };
    expect(passedThrough(env, SERVICE_PREFIXES.edge)).toEqual({ TIERS: 'realtime:0:5:full' });
    expect(passedThrough(env, SERVICE_PREFIXES['exchange-sim'])).toEqual({ SEED: '7' });
    expect(passedThrough(env, SERVICE_PREFIXES.snapshot)).toEqual({});
  });

  it('has one distinct prefix per hosted service', () => {
    expect(new Set(Object.values(SERVICE_PREFIXES)).size).toBe(5);
  });
});
