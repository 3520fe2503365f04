/**
 * The servers integration tests need, described once: how to run each as a container (official image
 * by default, overridable by env var) or as a local binary. Both use the same arguments, which work
 * with the official images' entrypoints (they prepend the server binary to arguments starting with
 * '-') and with the scratch images `tools/ci/build-test-images.sh` builds (entrypoint = the binary).
 */
export interface ServerKind {
  readonly name: 'nats' | 'redis';
  readonly imageEnvVar: string;
  readonly defaultImage: string;
  readonly binary: string;
  readonly readyLine: RegExp;
  readonly urlScheme: string;
  args(host: string, port: number, extraArgs: readonly string[]): string[];
}

export const NATS_SERVER: ServerKind = {
  name: 'nats',
  imageEnvVar: 'NATS_IMAGE',
  defaultImage: 'nats:2.10-alpine',
  binary: 'nats-server',
  readyLine: /Server is ready/,
  urlScheme: 'nats',
  args: (host, port, extraArgs) => ['-a', host, '-p', String(port), ...extraArgs],
};

export const REDIS_SERVER: ServerKind = {
  name: 'redis',
  imageEnvVar: 'REDIS_IMAGE',
  defaultImage: 'redis:7-alpine',
  binary: 'redis-server',
  readyLine: /Ready to accept connections/,
  urlScheme: 'redis',
  // No persistence: every test run starts from an empty server.
  args: (host, port, extraArgs) => ['--bind', host, '--port', String(port), '--save', '', '--appendonly', 'no', ...extraArgs],
};
