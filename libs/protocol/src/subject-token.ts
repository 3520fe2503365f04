import { ProtocolError } from './errors';

/**
 * Symbols -> NATS subject tokens.
 *
 * A NATS token may not contain `.` (the separator), `*` or `>` (wildcards) or whitespace, and real symbols
 * do (`BRK.B`). The escape keeps `[A-Za-z0-9_-]` and writes every other UTF-8 byte as `~XX` (uppercase hex),
 * so `BRK.B` becomes `BRK~2EB`. It is a bijection between non-empty symbols and canonical tokens: the
 * unescape rejects anything the escape would not have produced (lowercase hex, an escaped safe byte, a raw
 * `~`, invalid UTF-8), so one symbol never has two subjects.
 */

/** Escape marker. Not a safe character itself, so a raw `~` in a symbol is escaped too (`~7E`). */
const ESCAPE = 0x7e;

/** `SAFE[byte] === 1` for the bytes that stay as they are: `[A-Za-z0-9_-]`. */
const SAFE = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9_-]/.test(ch)) SAFE[c] = 1;
}

/** `~XX` for every byte, computed once. */
const ESCAPED_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => `~${b.toString(16).toUpperCase().padStart(2, '0')}`);

/** Value of an uppercase hex digit by char code, -1 for anything else (lowercase is not canonical). */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) HEX_VALUE['0123456789ABCDEF'.charCodeAt(d)] = d;

// `fatal`: malformed UTF-8 is an error, not U+FFFD. `ignoreBOM`: a leading U+FEFF is part of the symbol.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isSafe(code: number): boolean {
  return code < 128 && SAFE[code] === 1;
}

/**
 * The NATS subject token for `symbol`. Returns `symbol` itself (no allocation) when it needs no escaping.
 * Throws `PROTOCOL_ERR_INVALID_SYMBOL` for an empty symbol or one with a lone UTF-16 surrogate (it has no
 * UTF-8 form, and mapping it to U+FFFD would give two symbols the same token).
 */
export function escapeSymbol(symbol: string): string {
  if (symbol.length === 0) throw new ProtocolError('PROTOCOL_ERR_INVALID_SYMBOL', 'symbol is empty');
  let i = 0;
  while (i < symbol.length && isSafe(symbol.charCodeAt(i))) i++;
  if (i === symbol.length) return symbol;

  let out = symbol.slice(0, i);
  for (; i < symbol.length; i++) {
    let cp = symbol.charCodeAt(i);
    if (isSafe(cp)) {
      out += symbol[i];
      continue;
    }
    if (cp < 0x80) {
      out += ESCAPED_BYTE[cp];
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < symbol.length ? symbol.charCodeAt(i + 1) : 0;
      if (cp > 0xdbff || next < 0xdc00 || next > 0xdfff) {
        throw new ProtocolError('PROTOCOL_ERR_INVALID_SYMBOL', `lone surrogate at index ${i} in ${JSON.stringify(symbol)}`);
      }
      cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
      i++;
    }
    if (cp < 0x800) {
      out += ESCAPED_BYTE[0xc0 | (cp >> 6)]!;
    } else if (cp < 0x10000) {
      out += ESCAPED_BYTE[0xe0 | (cp >> 12)]! + ESCAPED_BYTE[0x80 | ((cp >> 6) & 0x3f)]!;
    } else {
      out += ESCAPED_BYTE[0xf0 | (cp >> 18)]! + ESCAPED_BYTE[0x80 | ((cp >> 12) & 0x3f)]! + ESCAPED_BYTE[0x80 | ((cp >> 6) & 0x3f)]!;
    }
    out += ESCAPED_BYTE[0x80 | (cp & 0x3f)]!;
  }
  return out;
}

/**
 * The symbol for a subject token, or `undefined` when `token` is not a canonical token (empty, a character
 * outside `[A-Za-z0-9_~-]`, `~` not followed by two uppercase hex digits, an escaped safe byte, or bytes
 * that are not UTF-8). Never throws: subjects come off the wire.
 */
export function tryUnescapeSymbolToken(token: string): string | undefined {
  if (token.length === 0) return undefined;
  let i = 0;
  while (i < token.length && isSafe(token.charCodeAt(i))) i++;
  if (i === token.length) return token;

  const bytes = new Uint8Array(token.length);
  let n = 0;
  for (let j = 0; j < token.length; j++) {
    const c = token.charCodeAt(j);
    if (isSafe(c)) {
      bytes[n++] = c;
      continue;
    }
    if (c !== ESCAPE || j + 2 >= token.length) return undefined;
    const hi = HEX_VALUE[token.charCodeAt(j + 1)] ?? -1;
    const lo = HEX_VALUE[token.charCodeAt(j + 2)] ?? -1;
    if (hi < 0 || lo < 0) return undefined;
    const byte = (hi << 4) | lo;
    if (isSafe(byte)) return undefined;
    bytes[n++] = byte;
    j += 2;
  }
  try {
    return utf8Decoder.decode(bytes.subarray(0, n));
  } catch {
    return undefined;
  }
}

/** The symbol for a subject token. Throws `PROTOCOL_ERR_MALFORMED_TOKEN` when `token` is not canonical (see `tryUnescapeSymbolToken`). */
export function unescapeSymbolToken(token: string): string {
  const symbol = tryUnescapeSymbolToken(token);
  if (symbol === undefined) throw new ProtocolError('PROTOCOL_ERR_MALFORMED_TOKEN', JSON.stringify(token));
  return symbol;
}
