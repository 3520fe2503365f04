import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, REPO } from '@tickwire/testing';
import type { EdgeAddress } from '@tickwire/testing';

/** The NGINX equivalent of haproxy.cfg, with `${LISTEN_ADDR}` and `${EDGE1..3}` placeholders. */
export const NGINX_TEMPLATE = join(REPO, 'infra', 'nginx', 'nginx.conf');
const PLACEHOLDERS = ['LISTEN_ADDR', 'EDGE1', 'EDGE2', 'EDGE3'] as const;
const NGINX = process.env.NGINX_PATH ?? 'nginx';

/** Fills the template's placeholders as `envsubst '${LISTEN_ADDR} ${EDGE1} ...'` does; NGINX's own $variables stay. */
export function renderNginxConfig(values: Readonly<Record<(typeof PLACEHOLDERS)[number], string>>): string {
  let text = readFileSync(NGINX_TEMPLATE, 'utf8');
  for (const name of PLACEHOLDERS) text = text.replaceAll(`\${${name}}`, values[name]);
  const left = /\$\{[A-Z0-9_]+\}/.exec(text.replace(/#.*$/gm, ''));
  if (left) throw new Error(`nginx.conf has a placeholder nobody fills: ${left[0]}`);
  return text;
}

/** Debian's nginx with the rendered config, in a private prefix (pid file, temp paths) under /tmp. */
export class NginxBalancer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly prefix: string,
    private readonly output: string[],
  ) {}

  /** Renders the template for these edges (missing ones at closed ports) into a fresh prefix; returns its config path. */
  static async prepare(edges: readonly EdgeAddress[], port: number): Promise<{ prefix: string; config: string }> {
    const address = async (i: number): Promise<string> => `127.0.0.1:${edges[i]?.port ?? (await findFreePort())}`;
    const prefix = mkdtempSync(join(tmpdir(), 'tickwire-nginx-'));
    const config = join(prefix, 'nginx.conf');
    writeFileSync(config, renderNginxConfig({ LISTEN_ADDR: `127.0.0.1:${port}`, EDGE1: await address(0), EDGE2: await address(1), EDGE3: await address(2) }));
    return { prefix, config };
  }

  /** `nginx -t` on a rendered config: its exit status and output. */
  static check(prefix: string, config: string): { ok: boolean; output: string } {
    const result = spawnSync(NGINX, ['-t', '-p', prefix, '-c', config, '-g', `pid ${join(prefix, 'nginx.pid')};`], { encoding: 'utf8' });
    if (result.error) throw new Error(`cannot run ${NGINX} (apt-get install nginx; tools/ci/install-system-packages.sh installs it): ${result.error.message}`);
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  }

  static async start(edges: readonly EdgeAddress[]): Promise<NginxBalancer> {
    const port = await findFreePort();
    const { prefix, config } = await NginxBalancer.prepare(edges, port);
    const checked = NginxBalancer.check(prefix, config);
    if (!checked.ok) throw new Error(`nginx -t failed:\n${checked.output}`);
    const output: string[] = [];
    const child = spawn(NGINX, ['-p', prefix, '-c', config, '-g', `pid ${join(prefix, 'nginx.pid')}; daemon off;`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return new NginxBalancer(child, port, prefix, output);
  }

  wsUrl(path: string): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  log(): string {
    return this.output.join('');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await new Promise<void>((resolve) => {
        this.child.once('exit', () => resolve());
        // SIGTERM: fast shutdown (SIGQUIT would wait for every open WebSocket to end).
        this.child.kill('SIGTERM');
      });
    }
    rmSync(this.prefix, { recursive: true, force: true });
  }
}
