import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory and CPU time of any local process, read from /proc (Linux): how a benchmark measures the
 * edge, NATS and its own workers from outside.
 */

/** `utime + stime` in clock ticks from the text of /proc/<pid>/stat (the command name may contain spaces and parentheses). */
export function parseStatCpuTicks(stat: string): number {
  const fields = statFieldsAfterComm(stat);
  // After "pid (comm)": state is field 3, utime field 14, stime field 15 (1-based, proc(5)).
  return Number(fields[14 - 3]) + Number(fields[15 - 3]);
}

/** The parent pid from /proc/<pid>/stat. */
export function parseStatParentPid(stat: string): number {
  return Number(statFieldsAfterComm(stat)[4 - 3]);
}

function statFieldsAfterComm(stat: string): string[] {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  return stat.slice(close + 2).trim().split(' ');
}

/** `VmRSS` in bytes from the text of /proc/<pid>/status. */
export function parseVmRssBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match === null) throw new Error('no VmRSS line (the process may be a zombie)');
  return Number(match[1]) * 1024;
}

let ticksPerSecond: number | undefined;

/** `sysconf(_SC_CLK_TCK)`, usually 100. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export function readRssBytes(pid: number): number {
  return parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** User + system CPU seconds the process has used so far. */
export function readCpuSeconds(pid: number): number {
  return parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / clockTicksPerSecond();
}

/** Pids whose parent is `parentPid` and whose command name is `comm` (e.g. the nats-server a test harness spawned). */
export function childPidsNamed(parentPid: number, comm: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === comm && parseStatParentPid(stat) === parentPid) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** CPU use of a set of processes over an interval: `start()` then `stop()` gives each one's share of one core (1.0 = 100%). */
export class CpuWindow {
  private startedAt = 0;
  private readonly before = new Map<number, number>();

  constructor(private readonly pids: Readonly<Record<string, number>>) {}

  start(): void {
    this.startedAt = performance.now();
    for (const pid of Object.values(this.pids)) this.before.set(pid, safeCpu(pid));
  }

  /** Per process name: CPU seconds used / wall seconds elapsed, rounded to 0.01 core. */
  stop(): Record<string, number> {
    const wall = (performance.now() - this.startedAt) / 1e3;
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) out[name] = Math.round(((safeCpu(pid) - this.before.get(pid)!) / wall) * 100) / 100;
    return out;
  }
}

function safeCpu(pid: number): number {
  try {
    return readCpuSeconds(pid);
  } catch {
    return Number.NaN;
  }
}

/** Busy and total jiffies of the whole machine, from the `cpu` line of /proc/stat (idle = idle + iowait). */
export function parseProcStatCpu(text: string): { readonly busy: number; readonly total: number } {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) throw new Error('no cpu line in /proc/stat');
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0);
  return { busy, total: busy + idle };
}

/** `root` and every process below it (from one pass over /proc). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = parseStatParentPid(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      const list = children.get(parent);
      if (list === undefined) children.set(parent, [Number(entry)]);
      else list.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * How busy the machine is with other work: between `start()` and `stop()`, the cores used by everything
 * (/proc/stat) minus the cores used by `root`'s process tree (a benchmark, its servers and its workers).
 * The tree is re-read every `refreshMs` while the window is open, so a process that starts or ends inside it
 * (a peer server stopped at the end of a measurement) still counts as ours, up to its last refresh.
 * On a shared machine this says how much a measurement was disturbed.
 */
export class MachineShare {
  private startedAt = 0;
  private machineBusy = 0;
  /** Per pid of our tree: CPU seconds when first seen (0 if it started inside the window) and when last seen. */
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly root: number = process.pid,
    private readonly refreshMs = 500,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.machineBusy = parseProcStatCpu(readFileSync('/proc/stat', 'utf8')).busy;
    this.first.clear();
    this.last.clear();
    for (const pid of processTree(this.root)) {
      const cpu = safeCpu(pid);
      if (!Number.isFinite(cpu)) continue;
      this.first.set(pid, cpu);
      this.last.set(pid, cpu);
    }
    this.timer = setInterval(() => this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  private refresh(): void {
    for (const pid of processTree(this.root)) {
      const cpu = safeCpu(pid);
      if (!Number.isFinite(cpu)) continue;
      if (!this.first.has(pid)) this.first.set(pid, 0);
      this.last.set(pid, cpu);
    }
  }

  /** Cores used since `start()` (over `seconds`): by the machine, by our tree, and by everything else (never below 0). */
  stop(): { readonly machine: number; readonly ours: number; readonly others: number; readonly seconds: number } {
    clearInterval(this.timer);
    this.refresh();
    const seconds = (performance.now() - this.startedAt) / 1e3;
    const machine = (parseProcStatCpu(readFileSync('/proc/stat', 'utf8')).busy - this.machineBusy) / clockTicksPerSecond() / seconds;
    let oursSeconds = 0;
    for (const [pid, last] of this.last) oursSeconds += last - (this.first.get(pid) ?? 0);
    const ours = oursSeconds / seconds;
    const r = (v: number): number => Math.round(v * 100) / 100;
    return { machine: r(machine), ours: r(ours), others: r(Math.max(0, machine - ours)), seconds };
  }
}
