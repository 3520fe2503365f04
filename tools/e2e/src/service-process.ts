import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root. */
export const REPO = join(__dirname, '../../..');

export interface LogLine {
  readonly event?: string;
  readonly level?: string;
  readonly [key: string]: unknown;
}

/** A Tickwire service (`apps/<name>/dist/main.js`) running as a child process, with its NDJSON logs. */
export class ServiceProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(
    readonly app: string,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, [join(REPO, 'apps', app, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', OPS_HOST: '127.0.0.1', OPS_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      try {
        this.lines.push(JSON.parse(text) as LogLine);
      } catch {
        this.lines.push({ event: 'non-json', text });
      }
    });
    createInterface({ input: this.child.stderr! }).on('line', (text) => this.stderr.push(text));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Resolves with the first log line for `event`; rejects if the process exits first or after `limitMs`. */
  async waitFor(event: string, limitMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + limitMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const line = this.lines.find((l) => l.event === event);
      if (line) return line;
      if (exited) throw new Error(`${this.app} exited before logging ${event}:\n${this.describe()}`);
      if (Date.now() > deadline) throw new Error(`${this.app} did not log ${event} within ${limitMs} ms:\n${this.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The ops server's base URL, from the `ops.listening` log line. */
  async opsUrl(): Promise<string> {
    const line = await this.waitFor('ops.listening');
    return String(line['url'] ?? `http://127.0.0.1:${String(line['port'])}`);
  }

  /** Kills without a chance to clean up (a crash, an OOM kill). */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** SIGTERM, then the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  describe(): string {
    return [...this.lines.slice(-15).map((l) => JSON.stringify(l)), ...this.stderr.slice(-10)].join('\n');
  }
}
