import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const DEMO_SERVICE = join(__dirname, 'fixtures', 'demo-service.js');
/** The demo as a group of processes sharing a port (`runServiceProcesses`). */
export const DEMO_PROCESSES = join(__dirname, 'fixtures', 'demo-processes.js');

export interface DemoLine {
  readonly event?: string;
  readonly [key: string]: unknown;
}

export interface DemoProcess {
  readonly child: ChildProcess;
  readonly lines: DemoLine[];
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first line whose `event` matches (rejects if the process exits first). */
  waitFor(event: string): Promise<DemoLine>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the demo service (or another fixture `script`) with only the given variables (plus PATH), collecting NDJSON from stdout. */
export function spawnDemo(vars: Record<string, string>, args: string[] = [], script = DEMO_SERVICE): DemoProcess {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: DemoLine[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { event: string; resolve: (l: DemoLine) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    stdout.push(text);
    let line: DemoLine;
    try {
      line = JSON.parse(text) as DemoLine;
    } catch {
      return;
    }
    lines.push(line);
    for (const w of waiters.filter((x) => x.event === line.event)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const stderrDone = new Promise<void>((resolve) => createInterface({ input: child.stderr! }).on('line', (t) => stderr.push(t)).on('close', resolve));
  const stdoutDone = new Promise<void>((resolve) => child.stdout!.on('close', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => void Promise.all([stdoutDone, stderrDone]).then(() => resolve({ code, signal }))),
  );
  return {
    child,
    lines,
    stdout,
    stderr,
    exited,
    waitFor(event) {
      const seen = lines.find((l) => l.event === event);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ event, resolve });
        void exited.then(({ code }) =>
          reject(new Error(`demo exited (${code}) before logging ${event}; stdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`)),
        );
      });
    },
  };
}
