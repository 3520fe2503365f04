import { readU32, readU48, readU64, readU16 } from './big-endian';
import { CHECK_OK, checkMessage } from './check';
import type { StockDirectory } from './directory';
import { LAYOUT_BY_CODE } from './layout';
import type { ItchMessage } from './types';
import { decodeAlpha } from './view';

/**
 * Allocating decoder for tools and tests: one plain object per message (see `types.ts` for the
 * conventions). Returns `undefined` when `checkMessage` rejects the bytes (call it for the reason); never
 * throws. With a `directory`, a Stock field whose raw bytes match the directory entry for the message's
 * Stock Locate reuses the directory's symbol string instead of building a new one (same value either way).
 * Hot paths use `ItchMessageView` instead.
 */
export function decodeMessage(bytes: Uint8Array, offset: number, length: number, directory?: StockDirectory): ItchMessage | undefined {
  if (checkMessage(bytes, offset, length) !== CHECK_OK) return undefined;
  const layout = LAYOUT_BY_CODE[bytes[offset]]!;
  const stockLocate = readU16(bytes, offset + 1);
  const out: Record<string, string | number> = {
    type: layout.type,
    stockLocate,
    trackingNumber: readU16(bytes, offset + 3),
    timestampNs: readU48(bytes, offset + 5),
  };
  for (const field of layout.fields) {
    const p = offset + field.offset;
    switch (field.kind) {
      case 'char':
        out[field.name] = String.fromCharCode(bytes[p]);
        break;
      case 'alpha':
        out[field.name] = decodeAlpha(bytes, p, field.size);
        break;
      case 'stock':
        out[field.name] = (directory && directory.symbolIfRawMatches(stockLocate, bytes, p)) ?? decodeAlpha(bytes, p, 8);
        break;
      case 'u32':
      case 'price4':
        out[field.name] = readU32(bytes, p);
        break;
      case 'u64':
      case 'price8':
        out[field.name] = readU64(bytes, p);
        break;
    }
  }
  return out as unknown as ItchMessage;
}
