import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '@tickwire/testing';

const known = new Map<string, ReadonlySet<string>>();

/** The environment variables a service reads, from its own `--help` (apps/<app>/dist/main.js). */
export function serviceVariables(app: string): ReadonlySet<string> {
  let names = known.get(app);
  if (names === undefined) {
    const help = execFileSync(process.execPath, [join(REPO, 'apps', app, 'dist', 'main.js'), '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    names = new Set([...help.matchAll(/^ {2}([A-Z][A-Z0-9_]*) {2}/gm)].map((m) => m[1]!));
    if (names.size === 0) throw new Error(`${app} --help listed no variables:\n${help}`);
    known.set(app, names);
  }
  return names;
}

/** A duration as the services write them (`250ms`, `25s`, `2m`, `1h`, plain ms) in milliseconds. */
export function durationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}
