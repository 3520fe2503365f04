import { EdgeError } from './errors';
import { DEFAULT_MAX_INBOUND_BYTES, inboundByteLength, inboundWithinLimit, validateMaxInboundBytes } from './inbound-size';

describe('inbound size', () => {
  it('measures every shape ws delivers', () => {
    expect(inboundByteLength(Buffer.from('hello'))).toBe(5);
    expect(inboundByteLength(new ArrayBuffer(7))).toBe(7);
    expect(inboundByteLength([Buffer.alloc(3), Buffer.alloc(4)])).toBe(7);
    expect(inboundByteLength([])).toBe(0);
    expect(inboundByteLength(new Uint8Array(new ArrayBuffer(100), 10, 20))).toBe(20);
  });

  it('the limit is inclusive', () => {
    expect(inboundWithinLimit(Buffer.alloc(DEFAULT_MAX_INBOUND_BYTES), DEFAULT_MAX_INBOUND_BYTES)).toBe(true);
    expect(inboundWithinLimit([Buffer.alloc(DEFAULT_MAX_INBOUND_BYTES), Buffer.alloc(1)], DEFAULT_MAX_INBOUND_BYTES)).toBe(false);
  });

  it('validates the configured limit', () => {
    expect(validateMaxInboundBytes(4096)).toBe(4096);
    expect(() => validateMaxInboundBytes(10, 'MAX_INBOUND_BYTES')).toThrow(EdgeError);
    expect(() => validateMaxInboundBytes(1.5)).toThrow('invalid limit option: maxInboundBytes must be a whole number of bytes 64-16777216, got 1.5');
  });
});
