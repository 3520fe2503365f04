import { spawnSync } from 'node:child_process';
import { configureTestcontainers } from './container-env';
import type { ServerKind } from './server-kinds';

/**
 * Where test servers come from. `TICKWIRE_TEST_SERVERS`:
 * - `containers`: testcontainers only (CI sets this: a missing runtime is a failure, not a fallback);
 * - `processes`: the local `nats-server` / `redis-server` binaries;
 * - `auto` (default): containers when a container runtime answers, else local binaries, said loudly.
 * With neither, tests fail with instructions. They never skip.
 */
export type ServerBackend = 'containers' | 'processes';
export const SERVER_BACKEND_ENV = 'TICKWIRE_TEST_SERVERS';

let chosen: Promise<ServerBackend> | undefined;

export function chooseBackend(kind: ServerKind): Promise<ServerBackend> {
  chosen ??= decide();
  return chosen.then((backend) => {
    if (backend === 'processes' && !hasBinary(kind.binary)) throw new Error(noServerMessage(kind));
    return backend;
  });
}

async function decide(): Promise<ServerBackend> {
  const wanted = process.env[SERVER_BACKEND_ENV] ?? 'auto';
  if (wanted === 'containers' || wanted === 'processes') return wanted;
  if (wanted !== 'auto') throw new Error(`${SERVER_BACKEND_ENV} must be containers, processes or auto; got ${JSON.stringify(wanted)}`);
  if (await containerRuntimeAnswers()) return 'containers';
  const warning =
    `\n*** ${SERVER_BACKEND_ENV}=auto: no container runtime answered, so integration tests run NATS/Redis as LOCAL PROCESSES ` +
    `(nats-server, redis-server from PATH), not through testcontainers. CI uses containers: see tools/ci/. ***\n`;
  process.stderr.write(warning);
  console.warn(warning);
  return 'processes';
}

async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    configureTestcontainers();
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

function hasBinary(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

export function noServerMessage(kind: ServerKind): string {
  return (
    `Integration tests need ${kind.name}: either a container runtime for testcontainers (e.g. apt-get install docker.io; ` +
    `dockerd --bridge=none --iptables=false &; bash tools/ci/build-test-images.sh; export ${kind.imageEnvVar}=tickwire-test/${kind.name}:local) ` +
    `or the ${kind.binary} binary on PATH (apt-get install ${kind.binary}). .ci/run sets all of this up.`
  );
}
