import { LogHistogram } from './log-histogram';
import { scanServerFrame, type FrameVisitor } from './server-frame-scanner';

/** What one worker counted since its last reset (sent to the coordinator over IPC). */
export interface TallySnapshot {
  readonly frames: number;
  readonly bytes: number;
  /** Live updates (deltas) received. */
  readonly updates: number;
  /** Complete states (`snapshot: true`): one per subscription at subscribe time; later ones mean conflation or a repair. */
  readonly snapshots: number;
  readonly controls: number;
  readonly malformedFrames: number;
  /** Wall clock (ns since the epoch) of the last frame that carried an update; 0 if none. */
  readonly lastUpdateNs: number;
  readonly latency: ReturnType<LogHistogram['toSparse']>;
}

/**
 * Counts updates and their latency (receive time - `publish_ts_ns`, both on this machine's wall clock) for
 * any peer's client protocol: a protocol adapter brackets each WebSocket message with `beginFrame` /
 * `endFrame` and reports the updates its scanner finds in between; `onFrame` does all three for the edge's
 * binary frames. Every update in a frame gets the frame's receive time: that is when the client could act
 * on it. Latency is recorded for live updates only (snapshots carry old timestamps).
 */
export class DeliveryTally implements FrameVisitor {
  frames = 0;
  bytes = 0;
  updates = 0;
  snapshots = 0;
  controls = 0;
  malformedFrames = 0;
  lastUpdateNs = 0;
  readonly latency = new LogHistogram();
  /** Receive time of the frame being scanned. */
  private nowNs = 0;
  private updatesBefore = 0;

  constructor(private readonly onControl?: (field: number, bytes: Uint8Array, start: number, end: number) => void) {}

  /** Scans one edge binary frame received at `nowNs` (wall clock, ns since the epoch). */
  onFrame(bytes: Uint8Array, nowNs: number): void {
    this.beginFrame(bytes.length, nowNs);
    this.endFrame(scanServerFrame(bytes, this));
  }

  /** A WebSocket message of `byteLength` bytes arrived at `nowNs`; its updates follow. */
  beginFrame(byteLength: number, nowNs: number): void {
    this.frames++;
    this.bytes += byteLength;
    this.nowNs = nowNs;
    this.updatesBefore = this.updates + this.snapshots;
  }

  /** The message's updates are reported; `wellFormed` false counts it as malformed. */
  endFrame(wellFormed: boolean): void {
    if (!wellFormed) this.malformedFrames++;
    if (this.updates + this.snapshots !== this.updatesBefore) this.lastUpdateNs = this.nowNs;
  }

  update(publishTsNs: number, snapshot: boolean): void {
    if (snapshot) {
      this.snapshots++;
      return;
    }
    this.updates++;
    this.latency.record((this.nowNs - publishTsNs) / 1e3);
  }

  control(field: number, bytes: Uint8Array, start: number, end: number): void {
    this.controls++;
    this.onControl?.(field, bytes, start, end);
  }

  reset(): void {
    this.frames = this.bytes = this.updates = this.snapshots = this.controls = this.malformedFrames = this.lastUpdateNs = 0;
    this.latency.reset();
  }

  snapshot(): TallySnapshot {
    return { frames: this.frames, bytes: this.bytes, updates: this.updates, snapshots: this.snapshots, controls: this.controls, malformedFrames: this.malformedFrames, lastUpdateNs: this.lastUpdateNs, latency: this.latency.toSparse() };
  }
}

/** Adds up the workers' tallies; latency histograms merge bucket by bucket. */
export function mergeTallies(tallies: readonly TallySnapshot[]): Omit<TallySnapshot, 'latency'> & { readonly latency: LogHistogram } {
  const latency = new LogHistogram();
  let frames = 0;
  let bytes = 0;
  let updates = 0;
  let snapshots = 0;
  let controls = 0;
  let malformedFrames = 0;
  let lastUpdateNs = 0;
  for (const t of tallies) {
    frames += t.frames;
    bytes += t.bytes;
    updates += t.updates;
    snapshots += t.snapshots;
    controls += t.controls;
    malformedFrames += t.malformedFrames;
    lastUpdateNs = Math.max(lastUpdateNs, t.lastUpdateNs);
    latency.merge(LogHistogram.fromSparse(t.latency));
  }
  return { frames, bytes, updates, snapshots, controls, malformedFrames, lastUpdateNs, latency };
}
