import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (this file is at libs/testing/src or libs/testing/dist). */
export const REPO = join(__dirname, '../../..');

export interface LogLine {
  readonly event?: string;
  readonly level?: string | number;
  readonly [key: string]: unknown;
}

/**
 * A Tickwire service (`apps/<name>/dist/main.js`) running as a child process, with its NDJSON logs, its exit
 * and what the kernel says about it (RSS, open descriptors): how the end-to-end and reliability suites run
 * the apps.
 */
export class ServiceProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;
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
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** True until the process has exited (for whatever reason). */
  get running(): boolean {
    return this.exitCode === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first log line for `event`; rejects if the process exits first or after `limitMs`. */
  async waitFor(event: string, limitMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const line = this.lines.find((l) => l.event === event);
      if (line) return line;
      if (!this.running) throw new Error(`${this.app} exited before logging ${event}:\n${this.describe()}`);
      if (Date.now() > deadline) throw new Error(`${this.app} did not log ${event} within ${limitMs} ms:\n${this.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The ops server's base URL, from the `ops.listening` log line. */
  async opsUrl(): Promise<string> {
    const line = await this.waitFor('ops.listening');
    return String(line['url'] ?? `http://127.0.0.1:${String(line['port'])}`);
  }

  /** `GET /metrics` of the ops server, as text. */
  async metrics(): Promise<string> {
    const response = await fetch(`${await this.opsUrl()}/metrics`);
    if (response.status !== 200) throw new Error(`${this.app} /metrics answered ${response.status}`);
    return response.text();
  }

  /** Resident set size in bytes (`VmRSS` of /proc/<pid>/status). */
  rssBytes(): number {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    if (!match) throw new Error(`no VmRSS for ${this.app} (pid ${this.pid})`);
    return Number(match[1]) * 1024;
  }

  /** Open file descriptors (entries of /proc/<pid>/fd): sockets included. */
  openFds(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  /** Open TCP sockets (descriptors that are sockets). */
  openSockets(): number {
    let sockets = 0;
    for (const fd of readdirSync(`/proc/${this.pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${this.pid}/fd/${fd}`).startsWith('socket:')) sockets++;
      } catch {
        // Closed between the listing and the readlink.
      }
    }
    return sockets;
  }

  /** Kills without a chance to clean up (a crash, an OOM kill). */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** SIGTERM, then the exit code. */
  async stop(): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    return this.exited;
  }

  describe(): string {
    return [...this.lines.slice(-15).map((l) => JSON.stringify(l)), ...this.stderr.slice(-10)].join('\n');
  }
}

