import { CLOSE_CODES, SubscriptionMode } from '@tickwire/protocol';
import { AccessError, quoteClientValue } from './access-error';
import { EdgeError } from './errors';

/** What a tier (the JWT `tier` claim) gets. */
export interface TierPolicy {
  readonly name: string;
  /** 0 = realtime: updates coalesced into one frame per event-loop turn. Otherwise one frame per interval, latest value per symbol. */
  readonly batchIntervalMs: number;
  /** Most subscriptions one connection may hold. */
  readonly maxSubscriptions: number;
  /** Highest mode granted; a subscription asking for more gets this. */
  readonly maxMode: SubscriptionMode;
}

/**
 * The tiers when none are configured, in the spec form {@link parseTierPolicies} reads:
 * `<name>:<batchIntervalMs>:<maxSubscriptions>:<maxMode>`, comma-separated.
 */
export const DEFAULT_TIER_SPEC = 'realtime:0:500:full,delayed:1000:200:quote,batched:5000:100:quote';

/** Longest batch interval a tier may have (one hour): longer is a typo, not a product. */
export const MAX_BATCH_INTERVAL_MS = 3_600_000;
/** Most subscriptions a tier may allow per connection. */
export const MAX_TIER_SUBSCRIPTIONS = 100_000;

const TIER_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const MODES: Readonly<Record<string, SubscriptionMode>> = Object.freeze({ ltp: SubscriptionMode.LTP, quote: SubscriptionMode.QUOTE, full: SubscriptionMode.FULL });
const WHOLE_NUMBER = /^\d{1,9}$/;

/** A Map that refuses changes after construction, so a parsed spec stays what was validated (house rule 7). */
class ReadonlyTierMap extends Map<string, TierPolicy> {
  private readonly sealed: boolean;
  constructor(entries: Map<string, TierPolicy>) {
    super(entries);
    this.sealed = true;
  }
  override set(key: string, value: TierPolicy): this {
    if (this.sealed) throw new TypeError('tier policies are read-only');
    return super.set(key, value);
  }
  override delete(): boolean {
    throw new TypeError('tier policies are read-only');
  }
  override clear(): void {
    throw new TypeError('tier policies are read-only');
  }
}

/**
 * Reads a tier spec such as {@link DEFAULT_TIER_SPEC}. Names are lowercase (`[a-z0-9_-]`, up to 32), unique;
 * intervals 0..{@link MAX_BATCH_INTERVAL_MS} ms; subscriptions 1..{@link MAX_TIER_SUBSCRIPTIONS}; modes `ltp`,
 * `quote`, `full`. Spaces around entries are ignored. Errors (`EDGE_ERR_TIER_SPEC`) name the entry and the field.
 */
export function parseTierPolicies(spec: string): ReadonlyMap<string, TierPolicy> {
  const policies = new Map<string, TierPolicy>();
  const entries = spec.split(',');
  if (spec.trim() === '') throw new EdgeError('EDGE_ERR_TIER_SPEC', 'the spec is empty; expected <name>:<batchIntervalMs>:<maxSubscriptions>:<ltp|quote|full>,...');
  entries.forEach((raw, index) => {
    const entry = raw.trim();
    const bad = (why: string) => new EdgeError('EDGE_ERR_TIER_SPEC', `entry ${index + 1} ${JSON.stringify(entry)}: ${why}`);
    const fields = entry.split(':');
    if (fields.length !== 4) throw bad('expected <name>:<batchIntervalMs>:<maxSubscriptions>:<ltp|quote|full>');
    const [name, interval, subscriptions, mode] = fields as [string, string, string, string];
    if (!TIER_NAME.test(name)) throw bad(`name ${JSON.stringify(name)} must be 1-32 of a-z 0-9 _ - (starting with a letter or digit)`);
    if (policies.has(name)) throw bad(`tier ${JSON.stringify(name)} is listed twice`);
    const batchIntervalMs = WHOLE_NUMBER.test(interval) ? Number(interval) : NaN;
    if (!(batchIntervalMs <= MAX_BATCH_INTERVAL_MS)) throw bad(`batchIntervalMs ${JSON.stringify(interval)} must be a whole number of milliseconds 0-${MAX_BATCH_INTERVAL_MS}`);
    const maxSubscriptions = WHOLE_NUMBER.test(subscriptions) ? Number(subscriptions) : NaN;
    if (!(maxSubscriptions >= 1 && maxSubscriptions <= MAX_TIER_SUBSCRIPTIONS)) throw bad(`maxSubscriptions ${JSON.stringify(subscriptions)} must be a whole number 1-${MAX_TIER_SUBSCRIPTIONS}`);
    const maxMode = Object.hasOwn(MODES, mode) ? MODES[mode] : undefined;
    if (maxMode === undefined) throw bad(`maxMode ${JSON.stringify(mode)} must be ltp, quote or full`);
    policies.set(name, Object.freeze({ name, batchIntervalMs, maxSubscriptions, maxMode }));
  });
  return new ReadonlyTierMap(policies);
}

/** The policies of {@link DEFAULT_TIER_SPEC}. */
export const DEFAULT_TIER_POLICIES: ReadonlyMap<string, TierPolicy> = parseTierPolicies(DEFAULT_TIER_SPEC);

/**
 * The policy of the tier a token names. A tier this server does not configure fails the token (`AUTH_FAILED`):
 * granting some other tier's limits instead would be a guess either way.
 */
export function resolveTier(policies: ReadonlyMap<string, TierPolicy>, name: string): TierPolicy {
  const policy = policies.get(name);
  if (policy === undefined) throw new AccessError(CLOSE_CODES.AUTH_FAILED, `tier ${quoteClientValue(name)} is not configured on this server`);
  return policy;
}
