import { EdgeError } from './errors';

export interface ConnectionLimiterOptions {
  /** Most open connections from one address. `Infinity` = no per-address limit. */
  readonly maxPerIp: number;
  /** Most open connections in this process. `Infinity` = no limit. */
  readonly maxTotal: number;
}

/**
 * Why an upgrade was refused, or `'ok'`. `'total'` wins when both limits are hit: the process is full, so the
 * edge answers 503 and a balancer can retry elsewhere.
 */
export type ConnectionAdmission = 'ok' | 'per_ip' | 'total';

/**
 * Counts open connections per address and in total. The per-address entry is deleted when its count returns to
 * zero, so the map holds only addresses with open connections.
 *
 * Addresses are compared as given, except that IPv4-mapped IPv6 (`::ffff:10.0.0.1`, what a dual-stack Node socket
 * reports for IPv4 peers) counts as the IPv4 address.
 */
export class ConnectionLimiter {
  private readonly perIp = new Map<string, number>();
  private total = 0;
  private readonly maxPerIp: number;
  private readonly maxTotal: number;

  constructor(options: ConnectionLimiterOptions) {
    this.maxPerIp = limit(options.maxPerIp, 'maxPerIp');
    this.maxTotal = limit(options.maxTotal, 'maxTotal');
  }

  /** Takes a slot for `ip` if both limits allow it; the caller must {@link release} it exactly once on close. */
  tryAcquire(ip: string): ConnectionAdmission {
    if (this.total >= this.maxTotal) return 'total';
    const key = addressKey(ip);
    const current = this.perIp.get(key) ?? 0;
    if (current >= this.maxPerIp) return 'per_ip';
    this.perIp.set(key, current + 1);
    this.total++;
    return 'ok';
  }

  /**
   * Gives back a slot taken by {@link tryAcquire}. Returns false (and changes nothing) when `ip` holds no slot,
   * so a double release shows up instead of corrupting the counts.
   */
  release(ip: string): boolean {
    const key = addressKey(ip);
    const current = this.perIp.get(key);
    if (current === undefined) return false;
    if (current <= 1) this.perIp.delete(key);
    else this.perIp.set(key, current - 1);
    this.total--;
    return true;
  }

  /** Open connections in total. */
  get count(): number {
    return this.total;
  }

  /** Open connections from `ip`. */
  countFor(ip: string): number {
    return this.perIp.get(addressKey(ip)) ?? 0;
  }

  /** Addresses with at least one open connection (the size of the per-address map). */
  get addressCount(): number {
    return this.perIp.size;
  }
}

const MAPPED_IPV4_PREFIX = '::ffff:';

function addressKey(ip: string): string {
  // Only the dotted form is unmapped; the hex form (`::ffff:a00:1`) is rare enough to count as its own address.
  return ip.startsWith(MAPPED_IPV4_PREFIX) && ip.includes('.', MAPPED_IPV4_PREFIX.length) ? ip.slice(MAPPED_IPV4_PREFIX.length) : ip;
}

function limit(value: number, name: string): number {
  if (value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 1)) return value;
  throw new EdgeError('EDGE_ERR_LIMIT_OPTION', `${name} must be a whole number >= 1 or Infinity, got ${String(value)}`);
}
