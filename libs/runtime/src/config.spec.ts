import type { EnvVar } from './config';
import { ConfigError, defineConfig, describeConfig, env, formatConfigHelp, formatDuration, loadConfig, parseDuration } from './config';
import { RuntimeError } from './errors';

type Case = readonly [raw: string, expected: unknown];

function accepts(v: EnvVar<unknown>, cases: readonly Case[]): void {
  for (const [raw, expected] of cases) {
    const r = v.parse(raw);
    expect({ raw, r }).toEqual({ raw, r: { ok: true, value: expected } });
  }
}

function rejects(v: EnvVar<unknown>, raws: readonly string[]): void {
  for (const raw of raws) expect({ raw, r: v.parse(raw) }).toEqual({ raw, r: { ok: false } });
}

describe('env builders: accepted and rejected forms', () => {
  const table: readonly { name: string; v: EnvVar<unknown>; ok: readonly Case[]; bad: readonly string[] }[] = [
    {
      name: 'string',
      v: env.string(),
      ok: [
        ['x', 'x'],
        [' spaced ', ' spaced '],
      ],
      bad: [],
    },
    {
      name: 'string with pattern',
      v: env.string({ pattern: /^[a-z-]+$/ }),
      ok: [
        ['edge-x', 'edge-x'],
        ['abc', 'abc'],
      ],
      bad: ['ABC', 'a b', 'a1'],
    },
    {
      name: 'int',
      v: env.int(),
      ok: [
        ['0', 0],
        ['-12', -12],
        ['007', 7],
        ['9007199254740991', Number.MAX_SAFE_INTEGER],
      ],
      bad: ['1.5', '1e3', '0x10', ' 1', '1 ', '+1', 'abc', '9007199254740992', '-'],
    },
    {
      name: 'int with bounds',
      v: env.int({ min: 1, max: 1000 }),
      ok: [
        ['1', 1],
        ['1000', 1000],
      ],
      bad: ['0', '1001', '-1'],
    },
    {
      name: 'port',
      v: env.port(),
      ok: [
        ['1', 1],
        ['9100', 9100],
        ['65535', 65535],
      ],
      bad: ['0', '65536', '99999', 'notaport', '80.5', '-1'],
    },
    {
      name: 'port allowZero',
      v: env.port({ allowZero: true }),
      ok: [
        ['0', 0],
        ['65535', 65535],
      ],
      bad: ['-1', '65536'],
    },
    {
      name: 'bool',
      v: env.bool(),
      ok: [
        ['true', true],
        ['TRUE', true],
        ['1', true],
        ['yes', true],
        ['Yes', true],
        ['false', false],
        ['0', false],
        ['no', false],
        ['NO', false],
      ],
      bad: ['y', 'n', '2', 'on', 'off', 'truthy', ' true'],
    },
    {
      name: 'enumOf',
      v: env.enumOf(['info', 'debug']),
      ok: [
        ['info', 'info'],
        ['debug', 'debug'],
      ],
      bad: ['INFO', 'warn', 'info '],
    },
    {
      name: 'enumOf ignoreCase',
      v: env.enumOf(['info', 'debug'], { ignoreCase: true }),
      ok: [
        ['INFO', 'info'],
        ['Debug', 'debug'],
      ],
      bad: ['warn'],
    },
    {
      name: 'duration',
      v: env.duration(),
      ok: [
        ['250ms', 250],
        ['5s', 5_000],
        ['2m', 120_000],
        ['1h', 3_600_000],
        ['1500', 1500],
        ['0', 0],
      ],
      bad: ['5 s', '1.5s', '-1s', '5d', 's', '', '5S', '1e3'],
    },
    {
      name: 'duration with bounds',
      v: env.duration({ min: 100, max: 60_000 }),
      ok: [
        ['100ms', 100],
        ['1m', 60_000],
      ],
      bad: ['99', '61s'],
    },
    {
      name: 'url',
      v: env.url({ protocols: ['nats:', 'tls:'] }),
      ok: [
        ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4222'],
        ['tls://user:pw@nats.example:4222', 'tls://user:pw@nats.example:4222'],
      ],
      bad: ['http://x:1', 'nats://', 'localhost:4222', 'nats://a:1,nats://b:2', 'not a url'],
    },
    {
      name: 'url list',
      v: env.url({ protocols: ['nats:'], list: true }),
      ok: [
        ['nats://a:1', ['nats://a:1']],
        ['nats://a:1,nats://b:2', ['nats://a:1', 'nats://b:2']],
      ],
      bad: ['nats://a:1,', 'nats://a:1,,nats://b:2', 'nats://a:1,redis://b:2'],
    },
    {
      name: 'url any protocol',
      v: env.url(),
      ok: [['redis://cache:6379/0', 'redis://cache:6379/0']],
      bad: ['cache:6379', 'cache6379', '/just/a/path'],
    },
    {
      name: 'intRanges',
      v: env.intRanges({ min: 0, max: 1023 }),
      ok: [
        ['0-15', Array.from({ length: 16 }, (_, i) => i)],
        ['0-7,9', [0, 1, 2, 3, 4, 5, 6, 7, 9]],
        ['9,0-2,1', [0, 1, 2, 9]],
        ['5', [5]],
        ['1023', [1023]],
        ['0-3, 8', [0, 1, 2, 3, 8]],
      ],
      bad: ['', '5-3', '1024', '0-1024', '-1', 'a-b', '1,,2', '1-', '-', '1-2-3', '0x1'],
    },
  ];

  it.each(table)('$name', ({ v, ok, bad }) => {
    accepts(v, ok);
    rejects(v, bad);
  });

  it('parsed arrays are frozen', () => {
    const r = env.intRanges({ min: 0, max: 9 }).parse('1-3');
    expect(r.ok && Object.isFrozen(r.value)).toBe(true);
  });

  it('forms describe what is expected', () => {
    expect(env.port().form).toBe('an integer port 1-65535');
    expect(env.int({ min: 1, max: 1000 }).form).toBe('an integer 1-1000');
    expect(env.int({ min: -5, max: 5 }).form).toBe('an integer from -5 to 5');
    expect(env.int({ min: 1 }).form).toBe('an integer >= 1');
    expect(env.int().form).toBe('an integer');
    expect(env.url({ protocols: ['nats:', 'tls:'], list: true }).form).toBe('a comma-separated list of URLs (nats: or tls:)');
    expect(env.enumOf(['a', 'b']).form).toBe('one of a, b');
    expect(env.duration({ min: 1, max: 60_000 }).form).toMatch(/from 1ms to 1m$/);
  });
});

describe('spec errors (programming errors) throw RUNTIME_ERR_CONFIG_SPEC at definition', () => {
  it.each([
    ['a bad default', () => defineConfig({ P: env.port({ default: 99999 }) }), /P: default "99999" is not an integer port 1-65535/],
    ['a bad duration default', () => defineConfig({ D: env.duration({ default: '5 s' }) }), /D: default "5 s"/],
    ['a lower-case name', () => defineConfig({ opsPort: env.port() }), /UPPER_SNAKE_CASE/],
    ['min > max', () => env.int({ min: 2, max: 1 }), /min 2 is greater than max 1/],
    ['duplicate enum values', () => env.enumOf(['a', 'A'], { ignoreCase: true }), /duplicate/],
    ['a malformed protocol', () => env.url({ protocols: ['nats'] }), /protocols/],
    ['a stateful pattern', () => env.string({ pattern: /a/g }), /g or y flag/],
  ])('%s', (_what, define, message) => {
    expect(define).toThrow(RuntimeError);
    expect(define).toThrow(message);
    try {
      define();
    } catch (err) {
      expect((err as RuntimeError).code).toBe('RUNTIME_ERR_CONFIG_SPEC');
    }
  });

  it('optional and default together are rejected at runtime too', () => {
    const v = { ...env.port({ default: 1 }), optional: true } as EnvVar<number>;
    expect(() => defineConfig({ P: v })).toThrow(/optional or has a default, not both/);
  });
});

describe('loadConfig', () => {
  const spec = defineConfig({
    NATS_URL: env.url({ protocols: ['nats:', 'tls:'], default: 'nats://127.0.0.1:4222', list: true, doc: 'NATS server URL(s)' }),
    OPS_PORT: env.port({ default: 9100, doc: 'ops port' }),
    SHARDS: env.intRanges({ min: 0, max: 1023, default: '0-3' }),
    LOG_LEVEL: env.enumOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
    DRAIN_TIMEOUT: env.duration({ default: '30s' }),
    MAX_UPDATES_PER_SEC: env.int({ min: 1, max: 1000, default: 20 }),
    EMBEDDED: env.bool({ default: false }),
    SERVICE_NAME: env.string({ default: 'x', pattern: /^[a-z]+$/ }),
    REDIS_URL: env.url({ protocols: ['redis:', 'rediss:'], optional: true }),
    API_TOKEN: env.string({ secret: true }),
  });

  it('applies defaults and parses given values', () => {
    const config = loadConfig(spec, { API_TOKEN: 't', OPS_PORT: '9200', SHARDS: '1,3', EMBEDDED: 'yes', REDIS_URL: 'redis://r:6379' });
    expect(config).toEqual({
      NATS_URL: ['nats://127.0.0.1:4222'],
      OPS_PORT: 9200,
      SHARDS: [1, 3],
      LOG_LEVEL: 'info',
      DRAIN_TIMEOUT: 30_000,
      MAX_UPDATES_PER_SEC: 20,
      EMBEDDED: true,
      SERVICE_NAME: 'x',
      REDIS_URL: 'redis://r:6379',
      API_TOKEN: 't',
    });
  });

  it('returns a frozen object (arrays too)', () => {
    const config = loadConfig(spec, { API_TOKEN: 't' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.NATS_URL)).toBe(true);
    expect(Object.isFrozen(config.SHARDS)).toBe(true);
    expect(() => {
      (config as { OPS_PORT: number }).OPS_PORT = 1;
    }).toThrow(TypeError);
  });

  it('treats an empty string as unset', () => {
    expect(loadConfig(spec, { API_TOKEN: 't', OPS_PORT: '' }).OPS_PORT).toBe(9100);
    expect(loadConfig(spec, { API_TOKEN: 't', REDIS_URL: '' }).REDIS_URL).toBeUndefined();
    expect(() => loadConfig(spec, { API_TOKEN: '' })).toThrow(/API_TOKEN: expected a non-empty string, but it is not set/);
  });

  it('ignores variables not in the spec', () => {
    expect(loadConfig(spec, { API_TOKEN: 't', PATH: '/bin' })).not.toHaveProperty('PATH');
  });

  it('reports every problem at once, each naming the variable, the form and the value', () => {
    let error: unknown;
    try {
      loadConfig(spec, {
        OPS_PORT: '99999',
        NATS_URL: 'http://x:1',
        SHARDS: '7-3',
        LOG_LEVEL: 'loud',
        DRAIN_TIMEOUT: '5 s',
        MAX_UPDATES_PER_SEC: '0',
        EMBEDDED: 'maybe',
        SERVICE_NAME: 'X',
        REDIS_URL: 'memcached://cache:11211',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.code).toBe('RUNTIME_ERR_CONFIG_INVALID');
    expect(e.problems.map((p) => p.name)).toEqual([
      'NATS_URL',
      'OPS_PORT',
      'SHARDS',
      'LOG_LEVEL',
      'DRAIN_TIMEOUT',
      'MAX_UPDATES_PER_SEC',
      'EMBEDDED',
      'SERVICE_NAME',
      'REDIS_URL',
      'API_TOKEN',
    ]);
    expect(e.problems.find((p) => p.name === 'OPS_PORT')!.message).toBe('OPS_PORT: expected an integer port 1-65535, got "99999"');
    expect(e.problems.find((p) => p.name === 'API_TOKEN')!.received).toBeUndefined();
    expect(e.message).toMatch(/^invalid configuration: NATS_URL: expected a comma-separated list of URLs \(nats: or tls:\), got "http:\/\/x:1"; OPS_PORT: /);
    expect(e.message).toContain('LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(e.message).not.toContain('\n');
  });

  it('masks URL passwords and secrets in errors, and keeps the message on one line', () => {
    const s = defineConfig({ U: env.url({ protocols: ['redis:'] }), T: env.string({ secret: true, pattern: /^[a-f0-9]{32}$/ }), N: env.int() });
    try {
      loadConfig(s, { U: 'rediss://user:hunter2@cache:6380', T: 'hunter2', N: '1\n2' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      const message = (err as ConfigError).message;
      expect(message).not.toContain('hunter2');
      expect(message).toContain('"rediss://user:***@cache:6380"');
      expect(message).toContain('T: expected a string matching /^[a-f0-9]{32}$/, got <redacted>');
      expect(message).toContain('N: expected an integer, got "1\\n2"');
      expect(message).not.toContain('\n');
    }
  });

  it('truncates very long values', () => {
    const s = defineConfig({ N: env.int() });
    expect(() => loadConfig(s, { N: 'x'.repeat(500) })).toThrow(/got "x{80}\.\.\."$/);
  });

  it('infers types from the spec (no casts at call sites)', () => {
    const config = loadConfig(spec, { API_TOKEN: 't' });
    const port: number = config.OPS_PORT;
    const urls: readonly string[] = config.NATS_URL;
    const level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = config.LOG_LEVEL;
    const embedded: boolean = config.EMBEDDED;
    const redis: string | undefined = config.REDIS_URL;
    // @ts-expect-error an optional variable may be undefined
    const redisRequired: string = config.REDIS_URL;
    // @ts-expect-error a number is not a string
    const wrong: string = config.OPS_PORT;
    // @ts-expect-error not in the spec
    void config.NOPE;
    // @ts-expect-error 'loud' is not a level
    const badLevel: typeof config.LOG_LEVEL = 'loud';
    // @ts-expect-error optional and default are exclusive
    env.port({ optional: true, default: 1 });
    expect([port, urls, level, embedded, redis, redisRequired, wrong, badLevel]).toHaveLength(8);
  });
});

describe('describeConfig / formatConfigHelp', () => {
  const spec = defineConfig({
    OPS_PORT: env.port({ default: 9100, doc: 'ops port' }),
    DRAIN_TIMEOUT: env.duration({ default: 30_000 }),
    NATS_URL: env.url({ protocols: ['nats:'], doc: 'NATS URL' }),
    TOKEN: env.string({ secret: true, default: 'dev-token' }),
    REDIS_URL: env.url({ optional: true }),
  });

  it('gives one row per variable in declaration order', () => {
    expect(describeConfig(spec)).toEqual([
      { name: 'OPS_PORT', kind: 'port', form: 'an integer port 1-65535', default: '9100', required: false, doc: 'ops port' },
      { name: 'DRAIN_TIMEOUT', kind: 'duration', form: expect.stringContaining('a duration'), default: '30s', required: false, doc: undefined },
      { name: 'NATS_URL', kind: 'url', form: 'a URL (nats:)', default: undefined, required: true, doc: 'NATS URL' },
      { name: 'TOKEN', kind: 'string', form: 'a non-empty string', default: '<redacted>', required: false, doc: undefined },
      { name: 'REDIS_URL', kind: 'url', form: 'a URL', default: undefined, required: false, doc: undefined },
    ]);
  });

  it('renders help text', () => {
    const text = formatConfigHelp(spec);
    expect(text).toContain('  OPS_PORT  (default 9100)\n      ops port\n      expects an integer port 1-65535\n');
    expect(text).toContain('  NATS_URL  (required)');
    expect(text).toContain('  REDIS_URL  (optional)');
    expect(text).not.toContain('dev-token');
  });
});

describe('durations', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1_000, '1s'],
    [1_500, '1500ms'],
    [120_000, '2m'],
    [7_200_000, '2h'],
  ])('formatDuration(%d) = %s and parses back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });

  it('rejects values beyond the safe integer range', () => {
    expect(parseDuration('9007199254740991h')).toBeUndefined();
  });
});
