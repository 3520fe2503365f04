#!/usr/bin/env node
// `npm start`: runs the Tickwire pipeline on this machine. Services that do not exist yet are listed
// as such; nothing here fails obscurely. (The embedded all-in-one mode arrives with the demo issue.)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pipeline = [
  ['exchange-sim', 'generates an ITCH 5.0 feed'],
  ['ingest', 'decodes the feed and publishes md.raw.<shard>'],
  ['normalizer', 'order books -> md.tick.<shard>.<symbol>'],
  ['snapshot', 'latest state in Redis, served over gRPC'],
  ['edge', 'the WebSocket server clients connect to'],
];

const present = pipeline.filter(([name]) => existsSync(join(root, 'apps', name, 'package.json')));
console.log('Tickwire: market-data fan-out\n');
for (const [name, role] of pipeline) {
  const state = present.some(([p]) => p === name) ? 'present' : 'not built yet';
  console.log(`  ${name.padEnd(13)} ${state.padEnd(14)} ${role}`);
}
if (present.length === pipeline.length) {
  console.log('\nEvery service exists. The one-process embedded demo (in-memory bus and store) is not built yet;');
  console.log('run the services against NATS and Redis: `npm run build`, then `node apps/<service>/dist/main.js`');
  console.log('for each, configured by the environment variables in docs/operations.md (`--help` lists them).');
} else {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  console.log(`\nTickwire ${version} does not have every service yet, so there is no live system to start.`);
  console.log('What exists today is tested with `npm test` (see README.md).');
}
