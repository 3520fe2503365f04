import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadAverage1m } from './report';
import type { Scenario } from './scenarios';

export interface ScenarioResult {
  readonly scenario: string;
  readonly quick: boolean;
  readonly command: string;
  readonly startedAt: string;
  readonly wallSeconds: number;
  /** 1-minute load average when the scenario started and ended (the machine is shared). */
  readonly loadAverage?: readonly [number, number];
  readonly figures: Record<string, unknown>;
}

/** Runs one scenario in its own process (so scenarios cannot disturb each other's heap or JIT). */
export function runScenario(repoRoot: string, scenario: Scenario, quick: boolean, extraArgs: readonly string[]): Promise<ScenarioResult> {
  const args = [join(repoRoot, scenario.script), ...(quick ? ['--quick'] : []), ...extraArgs];
  const startedAt = new Date();
  const loadAtStart = loadAverage1m();
  return new Promise((resolve, reject) => {
    // The scenario's own progress goes to stderr; stdout carries the result.
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`scenario ${scenario.name} failed (exit ${code ?? signal}); output:\n${stdout}`));
        return;
      }
      try {
        resolve({
          scenario: scenario.name,
          quick,
          command: `npm run bench -- ${scenario.name}${quick ? ' --quick' : ''} --json`,
          startedAt: startedAt.toISOString(),
          wallSeconds: (Date.now() - startedAt.getTime()) / 1000,
          loadAverage: [loadAtStart, loadAverage1m()],
          figures: parseLastJsonLine(stdout),
        });
      } catch (error) {
        reject(new Error(`scenario ${scenario.name}: ${(error as Error).message}`));
      }
    });
  });
}

/** The contract of every scenario script: its last non-empty stdout line is one JSON object. */
export function parseLastJsonLine(output: string): Record<string, unknown> {
  const lines = output.split('\n').filter((line) => line.trim().length > 0);
  const last = lines[lines.length - 1];
  if (last === undefined) throw new Error('printed nothing on stdout');
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    throw new Error(`last stdout line is not JSON: ${last.slice(0, 200)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('last stdout line is not a JSON object');
  return parsed as Record<string, unknown>;
}
