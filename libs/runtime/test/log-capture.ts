import type { Logger } from '../src/logger';
import { createLogger } from '../src/logger';

export interface LogLine {
  readonly level: string;
  readonly event?: string;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

/** A real pino logger writing NDJSON into memory, so tests assert on what operators would see. */
export function captureLogs(level: 'info' | 'debug' | 'trace' = 'debug'): { logger: Logger; lines: LogLine[]; raw: string[]; events(): string[] } {
  const raw: string[] = [];
  const lines: LogLine[] = [];
  const logger = createLogger({
    service: 'test',
    level,
    destination: {
      write(chunk: string) {
        raw.push(chunk);
        lines.push(JSON.parse(chunk) as LogLine);
      },
    },
  });
  return { logger, lines, raw, events: () => lines.flatMap((l) => (l.event ? [l.event] : [])) };
}
