#!/usr/bin/env node
// `npm run bench -- [scenario ...] [--quick] [--json]`: builds what the scenarios need (Nx output goes to
// stderr so stdout stays clean for the result JSON), then runs the harness.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
// Benchmarks run NATS/Redis as local processes (nats-server, redis-server on PATH) unless told
// otherwise: no image to pull, and nothing between the load and the server but loopback.
const env = { TICKWIRE_TEST_SERVERS: 'processes', ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build-bench', '--output-style=static'], { cwd: root, env, stdio: ['ignore', 2, 2] });
if (build.status === 0) Object.assign(build, spawnSync('npx', ['nx', 'run', '@tickwire/bench:build', '--output-style=static'], { cwd: root, env, stdio: ['ignore', 2, 2] }));
if (build.status !== 0) {
  console.error('bench: the build failed; see the output above');
  process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [join(root, 'tools/bench/dist/main.js'), ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
process.exit(run.status ?? 1);
