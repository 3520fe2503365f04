import { EdgeError } from './errors';

export interface OriginPolicyOptions {
  /**
   * Whether a request without an `Origin` header is allowed. Browsers always send one on a WebSocket upgrade, so
   * its absence means a non-browser client, which could send any Origin it liked: the check protects browsers
   * (cross-site WebSocket hijacking), not the server. Default true.
   */
  readonly allowMissing?: boolean;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = Object.freeze({ http: '80', https: '443', ws: '80', wss: '443' });

// scheme "://" host [":" port]; host is a name, an IPv4 address or a bracketed IPv6 address. Matched on the
// lowercased header.
const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;

interface WildcardOrigin {
  /** `https://` */
  readonly prefix: string;
  /** `.example.com` or `.example.com:8443` */
  readonly suffix: string;
}

/**
 * The Origin allow-list for WebSocket upgrades (and the SSE/HTTP endpoints). Entries are compared after
 * normalizing both sides: scheme and host lowercased, the scheme's default port dropped.
 *
 * - `https://app.example.com` allows exactly that origin (and `https://app.example.com:443`).
 * - `https://*.example.com` allows any subdomain, one level or more, of `example.com` over https, but not
 *   `https://example.com` itself (list it too if wanted).
 * - `*` allows any origin, including `null` (sandboxed frames, `file:` pages), which nothing else allows.
 */
export class OriginPolicy {
  private constructor(
    private readonly any: boolean,
    private readonly exact: ReadonlySet<string>,
    private readonly wildcards: readonly WildcardOrigin[],
    private readonly allowMissing: boolean,
  ) {}

  /** Allows everything, with or without an Origin header. */
  static readonly ANY = new OriginPolicy(true, new Set(), [], true);

  /** Reads a comma-separated list at boot; `EDGE_ERR_ORIGIN_SPEC` names the bad entry. */
  static parse(list: string, options: OriginPolicyOptions = {}): OriginPolicy {
    const allowMissing = options.allowMissing ?? true;
    if (list.trim() === '') throw new EdgeError('EDGE_ERR_ORIGIN_SPEC', 'the list is empty; use * to allow any origin');
    let any = false;
    const exact = new Set<string>();
    const wildcards: WildcardOrigin[] = [];
    list.split(',').forEach((raw, index) => {
      const entry = raw.trim();
      const bad = (why: string) => new EdgeError('EDGE_ERR_ORIGIN_SPEC', `entry ${index + 1} ${JSON.stringify(entry)}: ${why}`);
      if (entry === '*') {
        any = true;
        return;
      }
      // A trailing slash is a common way to write an origin in config; the header never has one.
      const written = entry.endsWith('/') ? entry.slice(0, -1) : entry;
      const wildcard = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)\*\.(.+)$/.exec(written);
      const normalized = normalizeOrigin(wildcard ? `${wildcard[1]}${wildcard[2]}` : written);
      if (normalized === undefined || normalized === 'null') {
        throw bad('expected scheme://host[:port] (e.g. https://app.example.com), https://*.example.com or *');
      }
      if (!wildcard) {
        exact.add(normalized);
        return;
      }
      const hostStart = normalized.indexOf('://') + 3;
      const host = normalized.slice(hostStart);
      if (host.startsWith('[') || /^[\d.]+(:\d+)?$/.test(host) || !host.includes('.')) throw bad('a wildcard needs a domain of at least two labels after "*."');
      wildcards.push({ prefix: normalized.slice(0, hostStart), suffix: `.${host}` });
    });
    return new OriginPolicy(any, exact, wildcards, allowMissing);
  }

  /** Whether an upgrade with this `Origin` header value (or none) is allowed. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined || origin === '') return this.any || this.allowMissing;
    if (this.any) return true;
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined) return false;
    if (this.exact.has(normalized)) return true;
    for (const { prefix, suffix } of this.wildcards) {
      if (normalized.length > prefix.length + suffix.length && normalized.startsWith(prefix) && normalized.endsWith(suffix)) {
        // The part matched by "*" is one or more host labels: no port separator, no empty label at its end.
        const middle = normalized.slice(prefix.length, normalized.length - suffix.length);
        if (!middle.includes(':') && !middle.endsWith('.') && !middle.startsWith('.')) return true;
      }
    }
    return false;
  }
}

/**
 * `scheme://host[:port]` lowercased, without the scheme's default port; `'null'` for the opaque origin;
 * `undefined` when the value is not an origin (a path, user info, a query, a bad port...).
 */
export function normalizeOrigin(value: string): string | undefined {
  const lower = value.toLowerCase();
  if (lower === 'null') return 'null';
  const match = ORIGIN.exec(lower);
  if (match === null) return undefined;
  const [, scheme, host, port] = match as unknown as [string, string, string, string | undefined];
  if (host.startsWith('.') || host.endsWith('.') || host.includes('..')) return undefined;
  if (port === undefined) return lower;
  const portNumber = Number(port);
  if (portNumber < 1 || portNumber > 65535) return undefined;
  const canonicalPort = String(portNumber);
  if (DEFAULT_PORTS[scheme] === canonicalPort) return `${scheme}://${host}`;
  return `${scheme}://${host}:${canonicalPort}`;
}
