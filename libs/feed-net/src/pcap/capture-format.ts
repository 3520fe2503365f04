/**
 * What a file holds, by its first bytes (never its name), after gunzip when it is gzip: a classic pcap
 * capture (either byte order, micro- or nanosecond magic), a pcapng capture (Section Header Block), or
 * anything else, taken to be a Nasdaq BinaryFILE. For `openFeedSource` (file:// URLs) and `itch stats`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { constants, gunzipSync } from 'node:zlib';

export type CaptureFormat = 'pcap' | 'pcapng' | 'binaryfile';

/** Bytes read from the file head: plenty for a gzip header plus the first 4 decompressed bytes. */
const HEAD_BYTES = 64 * 1024;

/** Format of a (decompressed) file head. */
export function captureFormatOf(head: Uint8Array): CaptureFormat {
  if (head.length < 4) return 'binaryfile';
  const be = ((head[0]! << 24) >>> 0) + ((head[1]! << 16) | (head[2]! << 8) | head[3]!);
  const le = (head[0]! | (head[1]! << 8) | (head[2]! << 16)) + ((head[3]! << 24) >>> 0);
  if (be === 0xa1b2c3d4 || be === 0xa1b23c4d || le === 0xa1b2c3d4 || le === 0xa1b23c4d) return 'pcap';
  if (be === 0x0a0d0d0a) return 'pcapng';
  return 'binaryfile';
}

/** True when the bytes start with the gzip magic (1f 8b). */
export function isGzipHead(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Decompresses what it can of a gzip head (a truncated stream is fine); empty on corrupt input. */
function gunzipHead(head: Uint8Array): Uint8Array {
  try {
    return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return new Uint8Array(0);
  }
}

function formatOfHead(head: Uint8Array): CaptureFormat {
  return captureFormatOf(isGzipHead(head) ? gunzipHead(head) : head);
}

/** The capture format of the file at `path` (gzip looked through). Rejects when the file cannot be read. */
export async function detectCaptureFormat(path: string): Promise<CaptureFormat> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return formatOfHead(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Same as `detectCaptureFormat`, synchronously (for the synchronous `openFeedSource`). Throws on I/O errors. */
export function detectCaptureFormatSync(path: string): CaptureFormat {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const bytesRead = readSync(fd, head, 0, HEAD_BYTES, 0);
    return formatOfHead(head.subarray(0, bytesRead));
  } finally {
    closeSync(fd);
  }
}

/** True when the file is a pcap or pcapng capture (plain or gzip). */
export async function isPcapFile(path: string): Promise<boolean> {
  return (await detectCaptureFormat(path)) !== 'binaryfile';
}
