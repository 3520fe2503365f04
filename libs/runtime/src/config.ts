import { RuntimeError } from './errors';

/**
 * Typed configuration from environment variables: declared once with {@link defineConfig}, parsed and validated
 * once at boot with {@link loadConfig}, then frozen (house rule 7).
 *
 * Conventions:
 * - A variable set to the empty string counts as unset (compose files often produce `FOO=`), so its default
 *   applies, or it is reported as missing.
 * - Values are taken as written: no trimming, no unit guessing. `"5 s"` is an error, not five seconds.
 * - Every problem is collected before anything throws: one {@link ConfigError} lists them all, each naming the
 *   variable, the expected form and the value received (secrets and URL passwords are masked).
 * - Defaults are written in the same textual form as the variable and are validated by {@link defineConfig}; a bad
 *   default is a programming error (`RUNTIME_ERR_CONFIG_SPEC`), thrown at module load.
 */

export type EnvKind = 'string' | 'int' | 'port' | 'bool' | 'enum' | 'duration' | 'url' | 'intRanges';

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/** One declared variable. `T` is the parsed type; `Optional` is `true` when it may be absent (value `undefined`). */
export interface EnvVar<T, Optional extends boolean = boolean> {
  readonly kind: EnvKind;
  /** Expected form, phrased to follow "expected": `an integer port 1-65535`. */
  readonly form: string;
  readonly doc: string | undefined;
  /** The default in textual form (as it would be written in the environment), or `undefined`. */
  readonly default: string | undefined;
  readonly optional: Optional;
  /** Never echo the value (errors and docs show `<redacted>`). */
  readonly secret: boolean;
  parse(raw: string): ParseResult<T>;
  /** How a received value is shown in an error: quoted, truncated, secrets masked. */
  display(raw: string): string;
}

export type ConfigSpec = { readonly [name: string]: EnvVar<unknown> };

export type ConfigValue<V> = V extends EnvVar<infer T, infer O> ? (O extends true ? T | undefined : T) : never;

/** The typed, frozen configuration a spec produces. */
export type Config<S extends ConfigSpec> = { readonly [K in keyof S]: ConfigValue<S[K]> };

export interface ConfigProblem {
  readonly name: string;
  readonly form: string;
  /** The value as displayed (quoted, masked), or `undefined` when the variable is missing. */
  readonly received: string | undefined;
  readonly message: string;
}

/** Thrown by {@link loadConfig} with every problem found. `message` is a single line. */
export class ConfigError extends RuntimeError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super('RUNTIME_ERR_CONFIG_INVALID', problems.map((p) => p.message).join('; '));
    this.name = 'ConfigError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Builders

interface BaseOptions {
  /** One line for `--help` and generated docs. */
  readonly doc?: string;
}

/** A variable either has a default, or is optional (absent = `undefined`), or is required. Never both. */
type Presence<D> = { readonly default?: D; readonly optional?: false } | { readonly optional: true; readonly default?: undefined };

type IsOptional<O> = O extends { readonly optional: true } ? true : false;

export type StringOptions = BaseOptions & Presence<string> & { readonly pattern?: RegExp; readonly secret?: boolean };
export type IntOptions = BaseOptions & Presence<number> & { readonly min?: number; readonly max?: number };
export type PortOptions = BaseOptions & Presence<number> & { readonly allowZero?: boolean };
export type BoolOptions = BaseOptions & Presence<boolean>;
export type EnumOptions<V extends string> = BaseOptions & Presence<V> & { readonly ignoreCase?: boolean };
/** `min`/`max`/default as numbers are milliseconds. */
export type DurationOptions = BaseOptions & Presence<string | number> & { readonly min?: number; readonly max?: number };
export type UrlOptions = BaseOptions &
  Presence<string | readonly string[]> & {
    /** Accepted schemes with the colon, as `URL#protocol` spells them: `['nats:', 'tls:']`. */
    readonly protocols?: readonly string[];
    /** Comma-separated list of URLs; the value becomes `readonly string[]`. */
    readonly list?: boolean;
  };
export type IntRangesOptions = BaseOptions & Presence<string | readonly number[]> & { readonly min: number; readonly max: number };

const MAX_SHOWN = 80;
const INVALID: ParseResult<never> = Object.freeze({ ok: false });
const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });

function quote(raw: string): string {
  const shown = raw.length > MAX_SHOWN ? `${raw.slice(0, MAX_SHOWN)}...` : raw;
  return JSON.stringify(shown); // escapes newlines and control characters: an error stays one line
}

/** Masks `user:password@` in anything that looks like a URL, valid or not. */
function maskUrlPasswords(raw: string): string {
  return raw.replace(/(\/\/[^/@:\s,]*:)[^/@\s,]*@/g, '$1***@');
}

function specError(detail: string): RuntimeError {
  return new RuntimeError('RUNTIME_ERR_CONFIG_SPEC', detail);
}

interface VarInput<D> {
  readonly doc?: string;
  readonly default?: D;
  readonly optional?: boolean;
  readonly secret?: boolean;
}

function makeVar<T, D>(
  kind: EnvKind,
  form: string,
  options: VarInput<D> | undefined,
  parse: (raw: string) => ParseResult<T>,
  formatDefault: (d: D) => string,
  display: (raw: string) => string = quote,
): EnvVar<T, boolean> {
  const secret = options?.secret === true;
  return Object.freeze({
    kind,
    form,
    doc: options?.doc,
    default: options?.default === undefined ? undefined : formatDefault(options.default),
    optional: options?.optional === true,
    secret,
    parse,
    display: secret ? () => '<redacted>' : display,
  });
}

const DECIMAL = /^-?\d+$/;

function parseInteger(raw: string): number | undefined {
  if (!DECIMAL.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

function checkBounds(what: string, min: number | undefined, max: number | undefined): void {
  if (min !== undefined && !Number.isSafeInteger(min)) throw specError(`${what}: min must be a safe integer, got ${min}`);
  if (max !== undefined && !Number.isSafeInteger(max)) throw specError(`${what}: max must be a safe integer, got ${max}`);
  if (min !== undefined && max !== undefined && min > max) throw specError(`${what}: min ${min} is greater than max ${max}`);
}

function intForm(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return min >= 0 ? `an integer ${min}-${max}` : `an integer from ${min} to ${max}`;
  if (min !== undefined) return `an integer >= ${min}`;
  if (max !== undefined) return `an integer <= ${max}`;
  return 'an integer';
}

const inBounds = (n: number, min: number | undefined, max: number | undefined): boolean =>
  (min === undefined || n >= min) && (max === undefined || n <= max);

function string<const O extends StringOptions = Record<never, never>>(options?: O): EnvVar<string, IsOptional<O>> {
  const pattern = options?.pattern;
  if (pattern && (pattern.global || pattern.sticky)) throw specError('string: pattern must not use the g or y flag (test() would be stateful)');
  const form = pattern ? `a string matching ${String(pattern)}` : 'a non-empty string';
  return makeVar('string', form, options, (raw) => (pattern && !pattern.test(raw) ? INVALID : ok(raw)), (d: string) => d) as EnvVar<
    string,
    IsOptional<O>
  >;
}

function int<const O extends IntOptions = Record<never, never>>(options?: O): EnvVar<number, IsOptional<O>> {
  const min = options?.min;
  const max = options?.max;
  checkBounds('int', min, max);
  return makeVar(
    'int',
    intForm(min, max),
    options,
    (raw) => {
      const n = parseInteger(raw);
      return n !== undefined && inBounds(n, min, max) ? ok(n) : INVALID;
    },
    (d: number) => String(d),
  ) as EnvVar<number, IsOptional<O>>;
}

function port<const O extends PortOptions = Record<never, never>>(options?: O): EnvVar<number, IsOptional<O>> {
  const min = options?.allowZero ? 0 : 1;
  return makeVar(
    'port',
    `an integer port ${min}-65535${min === 0 ? ' (0 = any free port)' : ''}`,
    options,
    (raw) => {
      const n = parseInteger(raw);
      return n !== undefined && n >= min && n <= 65535 ? ok(n) : INVALID;
    },
    (d: number) => String(d),
  ) as EnvVar<number, IsOptional<O>>;
}

const TRUE_WORDS: ReadonlySet<string> = new Set(['true', '1', 'yes']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', '0', 'no']);

function bool<const O extends BoolOptions = Record<never, never>>(options?: O): EnvVar<boolean, IsOptional<O>> {
  return makeVar(
    'bool',
    'a boolean (true/false, 1/0, yes/no)',
    options,
    (raw) => {
      const word = raw.toLowerCase();
      if (TRUE_WORDS.has(word)) return ok(true);
      if (FALSE_WORDS.has(word)) return ok(false);
      return INVALID;
    },
    (d: boolean) => String(d),
  ) as EnvVar<boolean, IsOptional<O>>;
}

function enumOf<const V extends readonly [string, ...string[]], const O extends EnumOptions<V[number]> = Record<never, never>>(
  values: V,
  options?: O,
): EnvVar<V[number], IsOptional<O>> {
  if (values.length === 0 || values.some((v) => v === '')) throw specError('enumOf: values must be non-empty strings');
  const ignoreCase = options?.ignoreCase === true;
  const lookup = new Map<string, V[number]>();
  for (const v of values) {
    const key = ignoreCase ? v.toLowerCase() : v;
    if (lookup.has(key)) throw specError(`enumOf: duplicate value ${JSON.stringify(v)}`);
    lookup.set(key, v);
  }
  return makeVar(
    'enum',
    `one of ${values.join(', ')}`,
    options,
    (raw) => {
      const v = lookup.get(ignoreCase ? raw.toLowerCase() : raw);
      return v === undefined ? INVALID : ok(v);
    },
    (d: V[number]) => d,
  ) as EnvVar<V[number], IsOptional<O>>;
}

const DURATION = /^(\d+)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Renders milliseconds in the largest unit that divides them exactly: `30000` -> `30s`. */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Parses `250ms`, `5s`, `2m`, `1h` or plain milliseconds (`1500`) into milliseconds. */
export function parseDuration(raw: string): number | undefined {
  const m = DURATION.exec(raw);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
  return Number.isSafeInteger(ms) ? ms : undefined;
}

function duration<const O extends DurationOptions = Record<never, never>>(options?: O): EnvVar<number, IsOptional<O>> {
  const min = options?.min;
  const max = options?.max;
  checkBounds('duration', min, max);
  if (min !== undefined && min < 0) throw specError('duration: min must be >= 0');
  let bounds = '';
  if (min !== undefined && max !== undefined) bounds = ` from ${formatDuration(min)} to ${formatDuration(max)}`;
  else if (min !== undefined) bounds = ` >= ${formatDuration(min)}`;
  else if (max !== undefined) bounds = ` <= ${formatDuration(max)}`;
  return makeVar(
    'duration',
    `a duration like 250ms, 5s, 2m, 1h or plain milliseconds${bounds}`,
    options,
    (raw) => {
      const ms = parseDuration(raw);
      return ms !== undefined && inBounds(ms, min, max) ? ok(ms) : INVALID;
    },
    (d: string | number) => (typeof d === 'number' ? formatDuration(d) : d),
  ) as EnvVar<number, IsOptional<O>>;
}

function url<const O extends UrlOptions = Record<never, never>>(
  options?: O,
): EnvVar<O extends { readonly list: true } ? readonly string[] : string, IsOptional<O>> {
  const protocols = options?.protocols;
  if (protocols?.some((p) => !/^[a-z][a-z0-9+.-]*:$/.test(p))) throw specError(`url: protocols must look like 'nats:', got ${JSON.stringify(protocols)}`);
  const list = options?.list === true;
  const schemes = protocols && protocols.length > 0 ? ` (${protocols.join(' or ')})` : '';
  const form = list ? `a comma-separated list of URLs${schemes}` : `a URL${schemes}`;
  const one = (item: string): boolean => {
    let u: URL;
    try {
      u = new URL(item);
    } catch {
      return false;
    }
    return u.hostname !== '' && (!protocols || protocols.length === 0 || protocols.includes(u.protocol));
  };
  const parse = (raw: string): ParseResult<string | readonly string[]> => {
    if (!list) return one(raw) ? ok(raw) : INVALID;
    const items = raw.split(',');
    return items.every(one) ? ok(Object.freeze(items)) : INVALID;
  };
  return makeVar(
    'url',
    form,
    options,
    parse,
    (d: string | readonly string[]) => (typeof d === 'string' ? d : d.join(',')),
    (raw) => quote(maskUrlPasswords(raw)),
  ) as EnvVar<O extends { readonly list: true } ? readonly string[] : string, IsOptional<O>>;
}

const RANGE_ITEM = /^(\d+)(?:-(\d+))?$/;

function intRanges<const O extends IntRangesOptions>(options: O): EnvVar<readonly number[], IsOptional<O>> {
  const { min, max } = options;
  checkBounds('intRanges', min, max);
  if (min < 0) throw specError('intRanges: min must be >= 0');
  const parse = (raw: string): ParseResult<readonly number[]> => {
    const picked = new Set<number>();
    for (const item of raw.split(',')) {
      const m = RANGE_ITEM.exec(item.trim());
      if (!m) return INVALID;
      const from = Number(m[1]);
      const to = m[2] === undefined ? from : Number(m[2]);
      if (from > to || from < min || to > max) return INVALID;
      for (let i = from; i <= to; i++) picked.add(i);
    }
    return ok(Object.freeze([...picked].sort((a, b) => a - b)));
  };
  return makeVar(
    'intRanges',
    `comma-separated integers or ranges within ${min}-${max} (e.g. ${min}-${Math.min(min + 7, max)},${max})`,
    options,
    parse,
    (d: string | readonly number[]) => (typeof d === 'string' ? d : d.join(',')),
  ) as EnvVar<readonly number[], IsOptional<O>>;
}

/** The variable builders. Each returns an {@link EnvVar} whose parsed type follows from its options. */
export const env = Object.freeze({ string, int, port, bool, enumOf, duration, url, intRanges });

// ---------------------------------------------------------------------------------------------------------------
// Spec, load, describe

const NAME = /^[A-Z][A-Z0-9_]*$/;

function parseDefault(name: string, v: EnvVar<unknown>): ParseResult<unknown> {
  if (v.default === undefined) return INVALID;
  const r = v.parse(v.default);
  if (!r.ok) throw specError(`${name}: default ${quote(v.default)} is not ${v.form}`);
  return r;
}

/**
 * Declares a service's variables. Checks names (`UPPER_SNAKE`) and that every default parses, so a broken spec
 * fails when the module loads, not in production. Returns the spec, frozen.
 */
export function defineConfig<const S extends ConfigSpec>(spec: S): S {
  for (const [name, v] of Object.entries(spec)) {
    if (!NAME.test(name)) throw specError(`${JSON.stringify(name)}: variable names are UPPER_SNAKE_CASE`);
    if (v.optional && v.default !== undefined) throw specError(`${name}: a variable is optional or has a default, not both`);
    parseDefault(name, v);
  }
  return Object.freeze(spec);
}

/**
 * Parses `source` (usually `process.env`) against `spec`. Returns a frozen object typed from the spec, or throws
 * one {@link ConfigError} listing every problem. Variables not in the spec are ignored.
 */
export function loadConfig<S extends ConfigSpec>(spec: S, source: Readonly<Record<string, string | undefined>>): Config<S> {
  const problems: ConfigProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(spec)) {
    const raw = source[name];
    if (raw === undefined || raw === '') {
      if (v.default !== undefined) out[name] = (parseDefault(name, v) as { value: unknown }).value;
      else if (v.optional) out[name] = undefined;
      else problems.push({ name, form: v.form, received: undefined, message: `${name}: expected ${v.form}, but it is not set` });
      continue;
    }
    const r = v.parse(raw);
    if (r.ok) {
      out[name] = r.value;
    } else {
      const received = v.display(raw);
      problems.push({ name, form: v.form, received, message: `${name}: expected ${v.form}, got ${received}` });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as Config<S>;
}

export interface ConfigRow {
  readonly name: string;
  readonly kind: EnvKind;
  readonly form: string;
  /** Textual default, `<redacted>` for secrets, `undefined` when there is none. */
  readonly default: string | undefined;
  readonly required: boolean;
  readonly doc: string | undefined;
}

/** One row per variable, in declaration order: for `--help` output and generated docs. */
export function describeConfig(spec: ConfigSpec): readonly ConfigRow[] {
  return Object.entries(spec).map(([name, v]) =>
    Object.freeze({
      name,
      kind: v.kind,
      form: v.form,
      default: v.default === undefined ? undefined : v.secret ? '<redacted>' : v.default,
      required: v.default === undefined && !v.optional,
      doc: v.doc,
    }),
  );
}

/** Plain-text rendering of {@link describeConfig} for `--help`. */
export function formatConfigHelp(spec: ConfigSpec): string {
  const lines = ['Environment variables:'];
  for (const row of describeConfig(spec)) {
    const presence = row.required ? 'required' : row.default === undefined ? 'optional' : `default ${row.default}`;
    lines.push(`  ${row.name}  (${presence})`);
    if (row.doc) lines.push(`      ${row.doc}`);
    lines.push(`      expects ${row.form}`);
  }
  return `${lines.join('\n')}\n`;
}
