/**
 * Finds the updates in a JSON text frame without parsing it into objects: every `"publishTs..."` key
 * (`"publishTs"` in the edge's `tickwire.v1.json`, `"publishTsNs"` in ts-proto's `MarketUpdate.toJSON`, which
 * the JSON peers send) is one update, and `"snapshot":true` before the next such key marks it a snapshot.
 * The same scanner reads an edge JSON batch (`{"type":"batch","messages":[...]}`), a plain `ws` peer's
 * message and a Socket.IO event (`42["update",{...}]`). Updates must not carry free text containing the key
 * (ours never do: symbols are `SYM0000`-style). Uses `Buffer.indexOf` (memmem) to skip to each key: a load
 * generator reads hundreds of thousands of these per second.
 */
import type { UpdateSink } from './server-frame-scanner';

const KEY = Buffer.from('"publishTs');
const SNAPSHOT_TRUE = Buffer.from('"snapshot":true');
const QUOTE = 0x22;
const COLON = 0x3a;
const SPACE = 0x20;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Reports each update in `frame` to `sink` with its publish time (ns since the epoch, as a double) and
 * snapshot flag. Returns the number of updates found, or -1 when a key is not followed by a number
 * (updates before it were reported).
 */
export function scanJsonUpdates(frame: Buffer, sink: UpdateSink): number {
  let found = 0;
  let at = frame.indexOf(KEY, 0);
  let snapshotAt = at < 0 ? -1 : frame.indexOf(SNAPSHOT_TRUE, at);
  while (at >= 0) {
    let pos = at + KEY.length;
    // The rest of the key's name (`Ns`), its closing quote, the colon, an optional opening quote.
    while (pos < frame.length && frame[pos] !== QUOTE) pos++;
    pos++;
    while (pos < frame.length && frame[pos] === SPACE) pos++;
    if (frame[pos] !== COLON) return -1;
    pos++;
    while (pos < frame.length && frame[pos] === SPACE) pos++;
    if (frame[pos] === QUOTE) pos++;
    // Up to 20 digits as two exact halves, so the double is off by at most one rounding (~256 ns).
    let high = 0;
    let low = 0;
    let lowScale = 1;
    const digitsAt = pos;
    while (pos < frame.length) {
      const c = frame[pos]!;
      if (c < ZERO || c > NINE) break;
      if (pos - digitsAt < 10) high = high * 10 + (c - ZERO);
      else {
        low = low * 10 + (c - ZERO);
        lowScale *= 10;
      }
      pos++;
    }
    if (pos === digitsAt) return -1;
    const value = high * lowScale + low;
    const next = frame.indexOf(KEY, pos);
    let snapshot = false;
    if (snapshotAt >= 0 && (next < 0 || snapshotAt < next)) {
      snapshot = true;
      snapshotAt = frame.indexOf(SNAPSHOT_TRUE, snapshotAt + SNAPSHOT_TRUE.length);
    }
    sink.update(value, snapshot);
    found++;
    at = next;
  }
  return found;
}
