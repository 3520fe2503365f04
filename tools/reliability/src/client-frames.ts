import fc from 'fast-check';
import { encodeClientJson, encodeClientMessage, type ClientMessage } from '@tickwire/protocol';

/**
 * Hostile client frames for the edge, as fast-check arbitraries: random bytes and text, valid messages
 * mutated byte by byte, JSON objects of the right shape with wrong types and out-of-range numbers written as
 * raw tokens (`1e400`, `18446744073709551616`), deep nesting, and protobuf with lying tags and lengths.
 * Every frame stays under the edge's default MAX_MESSAGE_BYTES (16 KiB): the size limit has its own test.
 */

/** Symbols a fuzzed request may name: the healthy clients' (so fuzzed subscribes really join), plausible and invalid ones. */
export function symbolArbitrary(liveSymbols: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...liveSymbols),
    fc.stringMatching(/^[A-Z][A-Z0-9.]{0,7}$/),
    fc.constantFrom('', ' ', 'A B', 'A{B}', 'AA}', '*', '>', 'md.tick.*', '\u0000', 'ÄPPL', '😀', 'X'.repeat(65), 'a\nb', '../../etc'),
    fc.string({ maxLength: 12 }),
  );
}

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

/** A well-formed ClientMessage of any type (empty lists included: the codecs refuse those). */
export function clientMessageArbitrary(liveSymbols: readonly string[]): fc.Arbitrary<ClientMessage> {
  const symbol = symbolArbitrary(liveSymbols);
  const symbols = fc.array(symbol, { maxLength: 12 });
  const body = fc.oneof(
    fc.record({ $case: fc.constant('auth' as const), value: fc.record({ token: fc.oneof(fc.string({ maxLength: 60 }), fc.constant('eyJhbGciOiJIUzI1NiJ9.e30.x')) }) }),
    fc.record({ $case: fc.constant('subscribe' as const), value: fc.record({ items: fc.array(fc.record({ symbol, mode: fc.integer({ min: 0, max: 5 }) }), { maxLength: 12 }) }) }),
    fc.record({ $case: fc.constant('unsubscribe' as const), value: fc.record({ symbols }) }),
    fc.record({ $case: fc.constant('resync' as const), value: fc.record({ symbols }) }),
    fc.record({ $case: fc.constant('ping' as const), value: fc.record({ ts: u64 }) }),
    fc.record({ $case: fc.constant('pong' as const), value: fc.record({ ts: u64 }) }),
  );
  return fc.record({ id: fc.nat({ max: 0xffff_ffff }), body }) as fc.Arbitrary<ClientMessage>;
}

/** Byte-level damage: flips, deletions, insertions, truncation, duplication. */
export function mutate(bytes: Uint8Array, ops: readonly MutationOp[]): Uint8Array {
  let out = Array.from(bytes);
  for (const op of ops) {
    const at = out.length === 0 ? 0 : op.at % (out.length + 1);
    switch (op.kind) {
      case 'flip':
        if (at < out.length) out[at] = out[at]! ^ (1 << (op.value & 7));
        break;
      case 'set':
        if (at < out.length) out[at] = op.value & 0xff;
        break;
      case 'delete':
        out.splice(at, 1 + (op.value % 8));
        break;
      case 'insert':
        out.splice(at, 0, ...op.bytes);
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'duplicate':
        out = out.concat(out.slice(at));
        break;
    }
  }
  return Uint8Array.from(out);
}

export interface MutationOp {
  readonly kind: 'flip' | 'set' | 'delete' | 'insert' | 'truncate' | 'duplicate';
  readonly at: number;
  readonly value: number;
  readonly bytes: readonly number[];
}

/** One to four byte-level mutations (for `mutate`). */
export const mutationOps = fc.array(
  fc.record({
    kind: fc.constantFrom('flip', 'set', 'delete', 'insert', 'truncate', 'duplicate'),
    at: fc.nat({ max: 10_000 }),
    value: fc.nat({ max: 255 }),
    bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 8 }),
  }),
  { minLength: 1, maxLength: 4 },
);

// --- JSON -----------------------------------------------------------------------------------------------

/** Number tokens written raw into JSON text: out of range, fractional, exotic and invalid forms. */
const numberToken = fc.oneof(
  fc.constantFrom(
    '0', '1', '7', '4294967295', '4294967296', '-1', '-0', '1.5', '0.1', '1e2', '1e400', '-1e400', '1e-400',
    '9007199254740991', '9007199254740993', '18446744073709551615', '18446744073709551616', '123456789012345678901234567890',
    '"7"', '"18446744073709551615"', '"18446744073709551616"', '"0x10"', '" 5"', '"-1"', '"1e3"', '""', '"007"',
    'NaN', 'Infinity', '-Infinity', '00', '01', '+1', '.5', '1.', '0x10', 'true', 'false', 'null', '[]', '{}', '[1]',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
);

const modeToken = fc.oneof(fc.constantFrom('"ltp"', '"quote"', '"full"', '"unspecified"', '"LTP"', '"bogus"', '""'), numberToken);

function symbolToken(liveSymbols: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(symbolArbitrary(liveSymbols).map((s) => JSON.stringify(s)), numberToken, fc.constantFrom('null', '[]', '{}', '["A"]', '{"symbol":"A"}'));
}

function listToken(item: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.array(item, { maxLength: 12 }).map((items) => `[${items.join(',')}]`) },
    { weight: 1, arbitrary: fc.oneof(item, numberToken, fc.constantFrom('"AAPL"', 'null', '{}', '[[["A"]]]', '[' + '"A",'.repeat(600) + '"A"]')) },
  );
}

function itemToken(liveSymbols: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(symbolToken(liveSymbols), fc.option(modeToken)).map(([symbol, mode]) => (mode === null ? `{"symbol":${symbol}}` : `{"symbol":${symbol},"mode":${mode}}`)),
    symbolToken(liveSymbols),
    fc.constantFrom('{}', '{"mode":"full"}', '{"symbol":"A","symbol":"B"}', '{"__proto__":{"symbol":"A"}}'),
  );
}

const typeToken = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('"auth"', '"subscribe"', '"unsubscribe"', '"resync"', '"ping"', '"pong"') },
  { weight: 1, arbitrary: fc.constantFrom('"SUBSCRIBE"', '"ping "', '"__proto__"', '"constructor"', '"toString"', '"hasOwnProperty"', '""', 'null', '1', '["ping"]', '{"$case":"ping"}') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)) },
);

/** A JSON object shaped like a client message, each field valid or not, keys in any order, some repeated or unknown. */
function messageShapedJson(liveSymbols: readonly string[]): fc.Arbitrary<string> {
  const field = fc.oneof(
    typeToken.map((v) => `"type":${v}`),
    numberToken.map((v) => `"id":${v}`),
    listToken(symbolToken(liveSymbols)).map((v) => `"symbols":${v}`),
    listToken(itemToken(liveSymbols)).map((v) => `"items":${v}`),
    modeToken.map((v) => `"mode":${v}`),
    numberToken.map((v) => `"ts":${v}`),
    fc.oneof(fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s)), numberToken).map((v) => `"token":${v}`),
    fc.constantFrom('"__proto__":{"type":"ping"}', '"constructor":{"prototype":{"polluted":1}}', '"extra":[1,2,3]', '"id":1,"id":2'),
  );
  return fc.tuple(typeToken, fc.array(field, { maxLength: 6 }), fc.boolean()).map(([type, fields, typeFirst]) => `{${(typeFirst ? [`"type":${type}`, ...fields] : [...fields, `"type":${type}`]).join(',')}}`);
}

/** Nesting thousands of levels deep, in the places a decoder looks (at most ~15 KB: under the size limit). */
const deepJson = fc.tuple(fc.integer({ min: 50, max: 7_000 }), fc.constantFrom('symbols', 'items', 'id', 'ts', 'token', 'type', 'root', 'object')).map(([depth, where]) => {
  if (where === 'object') {
    const levels = Math.min(depth, 2_500);
    return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  }
  const nested = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  if (where === 'root') return nested;
  return where === 'type' ? `{"type":${nested}}` : `{"type":"subscribe","${where}":${nested}}`;
});

/** A generated frame and how it was made (for the failure message). */
export interface FuzzFrame {
  readonly recipe: string;
  readonly bytes: Uint8Array;
}

/** `count` seeded JSON text frames (UTF-8 bytes; ws only lets valid UTF-8 through, so these are all valid UTF-8). */
export function jsonFrames(liveSymbols: readonly string[], seed: number, count: number): FuzzFrame[] {
  const utf8 = (recipe: string) => (text: string) => ({ recipe, bytes: new Uint8Array(Buffer.from(text, 'utf8')) });
  const arbitrary = fc.oneof(
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }).map(utf8('random text')) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map(utf8('random code points')) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 4 }).map(utf8('random JSON')) },
    { weight: 5, arbitrary: messageShapedJson(liveSymbols).map(utf8('message-shaped JSON')) },
    { weight: 1, arbitrary: deepJson.map(utf8('deep nesting')) },
    { weight: 3, arbitrary: clientMessageArbitrary(liveSymbols).map((m) => ({ recipe: 'valid message', bytes: new Uint8Array(Buffer.from(encodeClientJson(m), 'utf8')) })) },
    {
      weight: 4,
      // Mutations of valid messages, then made valid UTF-8 again (the edge never sees invalid UTF-8: ws closes with 1007 first).
      arbitrary: fc.tuple(clientMessageArbitrary(liveSymbols), mutationOps).map(([m, ops]) => utf8('mutated valid message')(Buffer.from(mutate(Buffer.from(encodeClientJson(m), 'utf8'), ops)).toString('utf8'))),
    },
  );
  return fc.sample(arbitrary, { seed, numRuns: count });
}

// --- protobuf -------------------------------------------------------------------------------------------

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

/** One protobuf field with any field number and wire type, its value well-formed or lying (overlong varints, lengths past the end). */
const protobufField = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.bigInt({ min: 0n, max: (1n << 70n) - 1n })).map(([field, value]) => [...varint(BigInt(field << 3)), ...varint(value)]),
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.uint8Array({ maxLength: 40 })).map(([field, bytes]) => [...varint(BigInt((field << 3) | 2)), ...varint(BigInt(bytes.length)), ...bytes]),
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.bigInt({ min: 0n, max: (1n << 35n) - 1n }), fc.uint8Array({ maxLength: 8 })).map(([field, length, bytes]) => [...varint(BigInt((field << 3) | 2)), ...varint(length), ...bytes]),
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 9 })).map(([field, wireType, bytes]) => [...varint(BigInt((field << 3) | wireType)), ...bytes]),
  fc.constant([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // an 11-byte varint id
);

/** Up to six protobuf fields of any number and wire type: what a decoder of any message must survive. */
export const protobufFields: fc.Arbitrary<Uint8Array> = fc.array(protobufField, { maxLength: 6 }).map((fields) => Uint8Array.from(fields.flat()));

/** Start-group tags nested deeper than any decoder should recurse. */
const deepGroups = fc.tuple(fc.integer({ min: 100, max: 16_000 }), fc.integer({ min: 1, max: 12 })).map(([depth, field]) => new Uint8Array(depth).fill((field << 3) | 3));

/** `count` seeded binary frames for the protobuf subprotocol. */
export function protoFrames(liveSymbols: readonly string[], seed: number, count: number): FuzzFrame[] {
  const arbitrary = fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ recipe: 'random bytes', bytes })) },
    { weight: 3, arbitrary: protobufFields.map((bytes) => ({ recipe: 'random fields', bytes })) },
    { weight: 1, arbitrary: deepGroups.map((bytes) => ({ recipe: 'nested groups', bytes })) },
    { weight: 3, arbitrary: clientMessageArbitrary(liveSymbols).map((m) => ({ recipe: 'valid message', bytes: encodeClientMessage(m) })) },
    { weight: 4, arbitrary: fc.tuple(clientMessageArbitrary(liveSymbols), mutationOps).map(([m, ops]) => ({ recipe: 'mutated valid message', bytes: mutate(encodeClientMessage(m), ops) })) },
  );
  return fc.sample(arbitrary, { seed, numRuns: count });
}
