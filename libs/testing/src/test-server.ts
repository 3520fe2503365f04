import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import type { StartedTestContainer } from 'testcontainers';
import { chooseBackend, type ServerBackend } from './backend';
import { configureTestcontainers } from './container-env';
import { findFreePort } from './free-port';
import type { ServerKind } from './server-kinds';

export const TEST_HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;

export interface TestServerOptions {
  /** Extra server arguments, e.g. `['-js', '-sd', '/tmp/js']` for NATS JetStream. */
  readonly extraArgs?: readonly string[];
  /** Fixed port; a free loopback port is picked otherwise. */
  readonly port?: number;
}

/** A real NATS or Redis server for one test file. Stop it in `afterAll`. */
export interface TestServer {
  readonly kind: ServerKind['name'];
  readonly backend: ServerBackend;
  readonly host: string;
  readonly port: number;
  /** e.g. `nats://127.0.0.1:41234` */
  readonly url: string;
  /** Stops the server; the port stays reserved for `start()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`). */
  start(): Promise<void>;
  /** stop + start. */
  restart(): Promise<void>;
}

export async function startTestServer(kind: ServerKind, options: TestServerOptions = {}): Promise<TestServer> {
  const backend = await chooseBackend(kind);
  const port = options.port ?? (await findFreePort(TEST_HOST));
  const args = kind.args(TEST_HOST, port, options.extraArgs ?? []);
  const server = backend === 'containers' ? new ContainerServer(kind, port, args) : new ProcessServer(kind, port, args);
  await server.start();
  return server;
}

abstract class BaseServer implements TestServer {
  readonly host = TEST_HOST;
  readonly url: string;
  abstract readonly backend: ServerBackend;

  constructor(
    protected readonly serverKind: ServerKind,
    readonly port: number,
    protected readonly args: string[],
  ) {
    this.url = `${serverKind.urlScheme}://${TEST_HOST}:${port}`;
  }

  get kind(): ServerKind['name'] {
    return this.serverKind.name;
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  protected async waitForPort(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await canConnect(this.host, this.port))) {
      if (Date.now() > deadline) throw new Error(`${this.serverKind.name} did not accept connections on ${this.host}:${this.port} within ${START_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

class ContainerServer extends BaseServer {
  readonly backend = 'containers' as const;
  private container: StartedTestContainer | undefined;

  async start(): Promise<void> {
    configureTestcontainers();
    const { GenericContainer, Wait } = await import('testcontainers');
    const image = process.env[this.serverKind.imageEnvVar] ?? this.serverKind.defaultImage;
    this.container = await new GenericContainer(image)
      .withNetworkMode('host')
      .withCommand(this.args)
      .withLabels({ 'dev.tickwire.test': 'true' })
      .withAutoRemove(true)
      .withWaitStrategy(Wait.forLogMessage(this.serverKind.readyLine))
      .withStartupTimeout(START_TIMEOUT_MS)
      .start();
    await this.waitForPort();
  }

  async stop(): Promise<void> {
    const container = this.container;
    this.container = undefined;
    await container?.stop({ timeout: 5_000 });
  }
}

class ProcessServer extends BaseServer {
  readonly backend = 'processes' as const;
  private child: ChildProcess | undefined;

  async start(): Promise<void> {
    const child = spawn(this.serverKind.binary, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await waitForReadyLine(child, this.serverKind.readyLine, START_TIMEOUT_MS, this.serverKind.binary);
    await this.waitForPort();
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Resolves once the server process prints `readyLine` (on stdout or stderr); rejects with what it printed
 * if it exits first, cannot run, or stays silent past `limitMs`.
 */
export function waitForReadyLine(child: ChildProcess, readyLine: RegExp, limitMs: number, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${name} not ready within ${limitMs} ms:\n${output}`)), limitMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (readyLine.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${name}: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${String(code)} before it was ready:\n${output}`));
    });
  });
}
