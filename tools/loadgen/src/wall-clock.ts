import { performance } from 'node:perf_hooks';

/**
 * Now, in ns since the Unix epoch, with sub-microsecond resolution (as a double: ~256 ns steps). Publisher
 * and load-generator workers run on one machine and read the same clock, so receive - publish is a latency.
 */
export function wallClockNs(): number {
  return (performance.timeOrigin + performance.now()) * 1e6;
}
