import { CLOSE_CODES } from '@tickwire/protocol';
import { AccessError } from './access-error';

/**
 * The `ent` claim of a token: which symbols and markets it may see.
 *
 * - `symbols`: exact symbols (`"AAPL"`), prefix patterns ending in one `*` (`"MS*"`), or `"*"` for every symbol.
 *   Absent: any symbol. Empty: none.
 * - `markets`: ITCH market category letters (`"Q"` Nasdaq Global Select, `"N"` NYSE, ...) or `"*"`. Absent: any
 *   market. Checked only where the caller knows the symbol's market category.
 *
 * `{}` therefore allows everything; what a token *without* an `ent` claim gets is the verifier's choice
 * (`TokenVerifierOptions.defaultEntitlements`, deny by default).
 */
export interface EntitlementsClaim {
  readonly symbols?: readonly string[];
  readonly markets?: readonly string[];
}

/** Most entries one claim may list; a token is at most 8 KB anyway, this keeps compiled sets small. */
export const MAX_ENTITLEMENT_ENTRIES = 2048;
/** Longest symbol or pattern accepted in a claim. */
export const MAX_ENTITLEMENT_SYMBOL_LENGTH = 32;

const MARKET_CATEGORY = /^[A-Z]$/;

/**
 * Entitlements compiled once per token: `allows` is a set lookup plus a scan of the prefix patterns, with no
 * allocation, so it can run on every subscribe.
 */
export class Entitlements {
  /** Every symbol in every market. */
  static readonly ALL = new Entitlements(true, new Set(), [], undefined);
  /** Nothing. */
  static readonly NONE = new Entitlements(false, new Set(), [], undefined);

  private constructor(
    private readonly allSymbols: boolean,
    private readonly exactSymbols: ReadonlySet<string>,
    private readonly symbolPrefixes: readonly string[],
    /** `undefined` = any market. */
    private readonly marketCategories: ReadonlySet<string> | undefined,
  ) {}

  /**
   * Compiles a claim value (as decoded from JSON, so of unknown shape). A malformed claim is the issuer's
   * mistake and fails the token: {@link AccessError} with `AUTH_FAILED`, naming the bad field.
   */
  static compile(claim: unknown, claimName = 'ent'): Entitlements {
    if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) throw invalid(`${claimName} must be an object`);
    const { symbols, markets } = claim as Record<string, unknown>;

    let allSymbols = symbols === undefined;
    const exact = new Set<string>();
    const prefixes: string[] = [];
    if (symbols !== undefined) {
      const list = stringList(symbols, `${claimName}.symbols`);
      list.forEach((entry, i) => {
        const where = `${claimName}.symbols[${i}]`;
        if (entry.length === 0 || entry.length > MAX_ENTITLEMENT_SYMBOL_LENGTH) throw invalid(`${where} must be 1-${MAX_ENTITLEMENT_SYMBOL_LENGTH} characters`);
        const star = entry.indexOf('*');
        if (star === -1) exact.add(entry);
        else if (star !== entry.length - 1) throw invalid(`${where}: '*' may only end a pattern`);
        else if (entry.length === 1) allSymbols = true;
        else prefixes.push(entry.slice(0, -1));
      });
    }

    let categories: Set<string> | undefined;
    if (markets !== undefined) {
      const list = stringList(markets, `${claimName}.markets`);
      const letters = new Set<string>();
      list.forEach((entry, i) => {
        if (entry !== '*' && !MARKET_CATEGORY.test(entry)) throw invalid(`${claimName}.markets[${i}] must be one market category letter A-Z or '*'`);
        letters.add(entry);
      });
      categories = letters.has('*') ? undefined : letters;
    }

    if (allSymbols && categories === undefined) return Entitlements.ALL;
    // A prefix already covered by a shorter one adds nothing but a comparison per check.
    prefixes.sort((a, b) => a.length - b.length);
    const minimal = prefixes.filter((p, i) => !prefixes.slice(0, i).some((q) => p.startsWith(q)));
    return new Entitlements(allSymbols, exact, allSymbols ? [] : minimal, categories);
  }

  /**
   * Whether `symbol` may be seen. `marketCategory` is the ITCH market category of the symbol when known; the
   * market restriction applies only then (a symbol whose category is not yet known is judged on its name alone).
   */
  allows(symbol: string, marketCategory?: string): boolean {
    if (marketCategory !== undefined && this.marketCategories !== undefined && !this.marketCategories.has(marketCategory)) return false;
    if (this.allSymbols || this.exactSymbols.has(symbol)) return true;
    const prefixes = this.symbolPrefixes;
    for (let i = 0; i < prefixes.length; i++) if (symbol.startsWith(prefixes[i]!)) return true;
    return false;
  }

  /** True when every symbol in every market is allowed (callers can skip checks). */
  get allowsEverything(): boolean {
    return this.allSymbols && this.marketCategories === undefined;
  }

  /** True when nothing can ever be allowed. */
  get allowsNothing(): boolean {
    return (!this.allSymbols && this.exactSymbols.size === 0 && this.symbolPrefixes.length === 0) || this.marketCategories?.size === 0;
  }
}

function stringList(value: unknown, where: string): readonly string[] {
  if (!Array.isArray(value)) throw invalid(`${where} must be an array of strings`);
  if (value.length > MAX_ENTITLEMENT_ENTRIES) throw invalid(`${where} lists more than ${MAX_ENTITLEMENT_ENTRIES} entries`);
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') throw invalid(`${where}[${i}] must be a string`);
  return value as string[];
}

function invalid(detail: string): AccessError {
  return new AccessError(CLOSE_CODES.AUTH_FAILED, `invalid entitlements: ${detail}`);
}
