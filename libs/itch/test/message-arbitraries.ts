// fast-check generators for ITCH 5.0 messages, derived from the layout table (test helper, not shipped).
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { MESSAGE_LAYOUTS } from '../src/message/layout';
import type { FieldLayout, MessageLayout } from '../src/message/layout';
import type { ItchMessage } from '../src/message/types';

export const printableChar: Arbitrary<string> = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

/** Alpha values as the decoder returns them: printable ASCII, at most `width` chars, no trailing spaces. */
export function alphaValue(width: number): Arbitrary<string> {
  return fc.array(printableChar, { maxLength: width }).map((chars) => chars.join('').replace(/ +$/, ''));
}

export const u32: Arbitrary<number> = fc.integer({ min: 0, max: 0xffffffff });
export const u64: Arbitrary<number> = fc.maxSafeNat();

function fieldArbitrary(field: FieldLayout): Arbitrary<string | number> {
  switch (field.kind) {
    case 'char':
      return printableChar;
    case 'alpha':
    case 'stock':
      return alphaValue(field.size);
    case 'u32':
    case 'price4':
      return u32;
    case 'u64':
    case 'price8':
      return u64;
  }
}

export function messageArbitrary(layout: MessageLayout): Arbitrary<ItchMessage> {
  const model: Record<string, Arbitrary<string | number>> = {
    type: fc.constant(layout.type),
    stockLocate: fc.integer({ min: 0, max: 0xffff }),
    trackingNumber: fc.integer({ min: 0, max: 0xffff }),
    timestampNs: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  };
  for (const field of layout.fields) model[field.name] = fieldArbitrary(field);
  return fc.record(model) as unknown as Arbitrary<ItchMessage>;
}

export const anyMessage: Arbitrary<ItchMessage> = fc.oneof(...MESSAGE_LAYOUTS.map(messageArbitrary));

export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
