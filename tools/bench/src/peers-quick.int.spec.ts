// The CI smoke of the comparisons: `npm run bench -- --peers-only --quick --json` as a process, against real
// peers (edge processes, HAProxy, nats-server, Socket.IO, plain ws) on this machine. It fails only when the
// harness breaks (a scenario exits non-zero, a peer cannot be loaded, a result lacks a peer or delivered
// nothing); the figures themselves are not checked: CI machines are shared and noisy.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PEER_SCENARIOS } from './scenarios';

const REPO_ROOT = join(__dirname, '../../..');
const RUN_LIMIT_MS = 400_000;

interface Line {
  readonly scenario: string;
  readonly quick: boolean;
  readonly peers: Record<string, Record<string, number | null>>;
  readonly errors: readonly string[];
  readonly curves?: Record<string, readonly { readonly delivered: number }[]>;
  readonly perRun: readonly Record<string, { readonly detail?: unknown; readonly error?: string }>[];
}

/** Stderr lines worth showing when the run fails, wherever they came: a scenario's error is printed long before the end. */
const FAILURE_LINE = /error|fail|refus|timed out|exited/i;
const FAILURE_LINES_KEPT = 40;

function runQuickPeers(): Promise<{ code: number | null; lines: Line[]; stderrTail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'tools/bench/dist/main.js'), '--peers-only', '--quick', '--json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const failures: string[] = [];
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (FAILURE_LINE.test(line) && failures.length < FAILURE_LINES_KEPT) failures.push(line.slice(0, 600));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
      resolve({ code, lines, stderrTail: `lines naming a failure:\n${failures.join('\n')}\n...\nthe end of stderr:\n${stderr.slice(-3_000)}` });
    });
  });
}

describe('npm run bench -- --peers-only --quick (the comparison harness, end to end)', () => {
  it('runs every comparison against every peer and reports each one', async () => {
    const { code, lines, stderrTail } = await runQuickPeers();
    if (code !== 0) throw new Error(`the quick peer run exited with ${code}:\n${stderrTail}`);
    expect(lines.map((l) => l.scenario)).toEqual([...PEER_SCENARIOS]);
    const expectedPeers: Record<string, string[]> = {
      'edge-connections': ['edge', 'edge-p2', 'edge-x2', 'nats-ws', 'socketio', 'plain-ws'],
      'peers-fanout': ['edge', 'edge-json', 'edge-p2', 'edge-x2', 'nats-ws', 'socketio', 'plain-ws'],
      'reconnect-storm': ['edge', 'edge-p2', 'edge-x2', 'nats-ws', 'socketio', 'plain-ws'],
      'slow-consumers': ['edge', 'nats-ws', 'socketio', 'plain-ws'],
    };
    for (const line of lines) {
      expect(line.quick).toBe(true);
      expect(line.errors).toEqual([]);
      expect(Object.keys(line.peers).sort()).toEqual([...expectedPeers[line.scenario]!].sort());
    }
    // Fan-out: every peer delivered updates in its first step (whatever the latency).
    const fanout = lines.find((l) => l.scenario === 'peers-fanout')!;
    for (const peer of expectedPeers['peers-fanout']!) expect(fanout.curves?.[peer]?.[0]?.delivered).toBeGreaterThan(0);
    // Idle connections: a memory figure for every peer.
    const idle = lines.find((l) => l.scenario === 'edge-connections')!;
    for (const peer of expectedPeers['edge-connections']!) expect(typeof idle.peers[peer]!['bytesPerConnection']).toBe('number');
  }, RUN_LIMIT_MS + 20_000);
});
