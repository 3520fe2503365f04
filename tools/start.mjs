#!/usr/bin/env node
// `npm start`: builds what the embedded mode needs (Nx caches it, so later starts take seconds) and runs
// the whole pipeline in one process: apps/embedded (exchange-sim -> ingest -> normalizer -> snapshot ->
// edge, in-memory bus and store; NATS_URL / REDIS_URL switch to real ones). Ctrl-C stops it cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nxEnv = { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? 'false', NX_NO_CLOUD: 'true' };

console.log('Tickwire: building the services and the dashboard (the first time takes a minute)...');
const build = spawnSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'run', '@tickwire/embedded:build', '--output-style=static'], { cwd: root, env: nxEnv, encoding: 'utf8' });
if (build.status !== 0) {
  process.stderr.write(build.stdout + build.stderr);
  console.error('\nnpm start: the build failed (output above). Did `npm ci` run?');
  process.exit(build.status ?? 1);
}

const child = spawn(process.execPath, [join(root, 'apps/embedded/dist/main.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the child directly (same process group); a SIGTERM sent to this script alone is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
