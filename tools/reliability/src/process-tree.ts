import { readdirSync, readFileSync } from 'node:fs';

/** A process started by this one (directly or not): services, servers run as processes, load workers. */
export interface ChildProcessInfo {
  readonly pid: number;
  /** `edge`, `snapshot` (apps/<name>/dist/main.js), else the executable's base name (`nats-server`, `redis-server`, `node`). */
  readonly name: string;
}

export interface ProcessStats {
  readonly rssMiB: number;
  readonly fds: number;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields after the last ')' are fixed.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function nameOf(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const app = argv.map((a) => /apps\/([a-z-]+)\/dist\/main\.js$/.exec(a)?.[1]).find((a) => a !== undefined);
  // redis-server rewrites its title (`/usr/bin/redis-server 127.0.0.1:6379`): the executable is the first word.
  return app ?? argv[0]!.split(' ')[0]!.split('/').pop()!;
}

/** Every descendant of `root` (this process by default), from /proc. */
export function descendantProcesses(root = process.pid): ChildProcessInfo[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent !== undefined) parents.set(Number(entry), parent);
  }
  const out: ChildProcessInfo[] = [];
  const isDescendant = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  for (const pid of parents.keys()) {
    if (!isDescendant(pid)) continue;
    try {
      out.push({ pid, name: nameOf(pid) });
    } catch {
      // Exited meanwhile.
    }
  }
  return out;
}

/** RSS and open descriptors of `pid`, or undefined once it is gone. */
export function processStats(pid: number): ProcessStats | undefined {
  try {
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { rssMiB: Math.round((Number(rss?.[1] ?? 0) / 1024) * 10) / 10, fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined;
  }
}
