import { CLOSE_CODES, SubscriptionMode } from '@tickwire/protocol';
import { AccessError } from './access-error';
import { EdgeError } from './errors';
import { DEFAULT_TIER_POLICIES, DEFAULT_TIER_SPEC, parseTierPolicies, resolveTier } from './tier-policy';

describe('parseTierPolicies', () => {
  it('reads the default spec', () => {
    expect(DEFAULT_TIER_SPEC).toBe('realtime:0:500:full,delayed:1000:200:quote,batched:5000:100:quote');
    expect([...DEFAULT_TIER_POLICIES.values()]).toEqual([
      { name: 'realtime', batchIntervalMs: 0, maxSubscriptions: 500, maxMode: SubscriptionMode.FULL },
      { name: 'delayed', batchIntervalMs: 1000, maxSubscriptions: 200, maxMode: SubscriptionMode.QUOTE },
      { name: 'batched', batchIntervalMs: 5000, maxSubscriptions: 100, maxMode: SubscriptionMode.QUOTE },
    ]);
  });

  it('ignores spaces around entries and accepts every mode', () => {
    const tiers = parseTierPolicies(' free:60000:10:ltp , pro_2:0:100000:full ');
    expect(tiers.get('free')).toEqual({ name: 'free', batchIntervalMs: 60000, maxSubscriptions: 10, maxMode: SubscriptionMode.LTP });
    expect(tiers.get('pro_2')?.maxSubscriptions).toBe(100000);
  });

  it('the result cannot be changed', () => {
    const tiers = parseTierPolicies('a:0:1:ltp') as Map<string, unknown>;
    expect(() => tiers.set('b', {})).toThrow(TypeError);
    expect(() => tiers.delete('a')).toThrow(TypeError);
    expect(() => tiers.clear()).toThrow(TypeError);
    expect(Object.isFrozen(tiers.get('a'))).toBe(true);
    expect(tiers.size).toBe(1);
  });

  it.each([
    ['', 'invalid tier spec: the spec is empty; expected <name>:<batchIntervalMs>:<maxSubscriptions>:<ltp|quote|full>,...'],
    ['a:0:1:ltp,', 'invalid tier spec: entry 2 "": expected <name>:<batchIntervalMs>:<maxSubscriptions>:<ltp|quote|full>'],
    ['a:0:1', 'invalid tier spec: entry 1 "a:0:1": expected <name>:<batchIntervalMs>:<maxSubscriptions>:<ltp|quote|full>'],
    ['a:0:1:ltp:x', 'invalid tier spec: entry 1 "a:0:1:ltp:x": expected <name>:<batchIntervalMs>:<maxSubscriptions>:<ltp|quote|full>'],
    ['Gold:0:1:ltp', 'invalid tier spec: entry 1 "Gold:0:1:ltp": name "Gold" must be 1-32 of a-z 0-9 _ - (starting with a letter or digit)'],
    ['a:0:1:ltp,a:5:1:ltp', 'invalid tier spec: entry 2 "a:5:1:ltp": tier "a" is listed twice'],
    ['a:1s:1:ltp', 'invalid tier spec: entry 1 "a:1s:1:ltp": batchIntervalMs "1s" must be a whole number of milliseconds 0-3600000'],
    ['a:-1:1:ltp', 'invalid tier spec: entry 1 "a:-1:1:ltp": batchIntervalMs "-1" must be a whole number of milliseconds 0-3600000'],
    ['a:3600001:1:ltp', 'invalid tier spec: entry 1 "a:3600001:1:ltp": batchIntervalMs "3600001" must be a whole number of milliseconds 0-3600000'],
    ['a:0:0:ltp', 'invalid tier spec: entry 1 "a:0:0:ltp": maxSubscriptions "0" must be a whole number 1-100000'],
    ['a:0:1.5:ltp', 'invalid tier spec: entry 1 "a:0:1.5:ltp": maxSubscriptions "1.5" must be a whole number 1-100000'],
    ['a:0:1:FULL', 'invalid tier spec: entry 1 "a:0:1:FULL": maxMode "FULL" must be ltp, quote or full'],
    ['a:0:1:toString', 'invalid tier spec: entry 1 "a:0:1:toString": maxMode "toString" must be ltp, quote or full'],
  ])('rejects %j', (spec, message) => {
    let error: unknown;
    try {
      parseTierPolicies(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdgeError);
    expect((error as EdgeError).code).toBe('EDGE_ERR_TIER_SPEC');
    expect((error as EdgeError).message).toBe(message);
  });
});

describe('resolveTier', () => {
  it('returns the configured policy', () => {
    expect(resolveTier(DEFAULT_TIER_POLICIES, 'delayed').batchIntervalMs).toBe(1000);
  });

  it('an unconfigured tier fails the token with AUTH_FAILED and says which', () => {
    let error: unknown;
    try {
      resolveTier(DEFAULT_TIER_POLICIES, 'gold');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AccessError);
    expect((error as AccessError).closeCode).toBe(CLOSE_CODES.AUTH_FAILED);
    expect((error as AccessError).message).toBe("tier 'gold' is not configured on this server");
  });
});
