import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '@tickwire/testing';

const helps = new Map<string, string>();

/** A service's own `--help` (apps/<app>/dist/main.js). */
function serviceHelp(app: string): string {
  let help = helps.get(app);
  if (help === undefined) {
    help = execFileSync(process.execPath, [join(REPO, 'apps', app, 'dist', 'main.js'), '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    helps.set(app, help);
  }
  return help;
}

/** The environment variables a service reads, from its `--help`; NODE_OPTIONS, which Node reads for it, too. */
export function serviceVariables(app: string): ReadonlySet<string> {
  const help = serviceHelp(app);
  const names = new Set([...help.matchAll(/^ {2}([A-Z][A-Z0-9_]*) {2}/gm)].map((m) => m[1]!));
  if (names.size === 0) throw new Error(`${app} --help listed no variables:\n${help}`);
  return names.add('NODE_OPTIONS');
}

/** The Node flags a service is tuned for (its `--help` lists them), each as `--name=value`. */
export function serviceNodeOptions(app: string): string[] {
  return [...serviceHelp(app).matchAll(/^ {2}(--[a-z0-9-]+(?:=\S+)?)$/gm)].map((m) => m[1]!);
}

/** A duration as the services write them (`250ms`, `25s`, `2m`, `1h`, plain ms) in milliseconds. */
export function durationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}
