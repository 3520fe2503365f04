#!/usr/bin/env node
// `npm run token -- <command> ...`: builds the tool if needed (Nx output to stderr), then runs it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const build = spawnSync('npx', ['nx', 'run', '@tickwire/token-cli:build', '--output-style=static'], { cwd: root, env, stdio: ['ignore', 2, 2] });
if (build.status !== 0) {
  console.error('token: the build failed; see the output above');
  process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [join(root, 'tools/token-cli/dist/main.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
