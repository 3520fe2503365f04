import type { ItchError } from '../errors';
import {
  buildSoupBinTcpClientHeartbeat,
  buildSoupBinTcpDebug,
  buildSoupBinTcpEndOfSession,
  buildSoupBinTcpLoginAccepted,
  buildSoupBinTcpLoginRejected,
  buildSoupBinTcpLoginRequest,
  buildSoupBinTcpLogoutRequest,
  buildSoupBinTcpSequencedData,
  buildSoupBinTcpServerHeartbeat,
  buildSoupBinTcpUnsequencedData,
  readSoupBinTcpLoginAccepted,
  readSoupBinTcpLoginRequest,
  readSoupBinTcpNumeric,
  SoupBinTcpRejectReason,
  soupBinTcpTypeTable,
} from './packet';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);

describe('SoupBinTCP packet builders', () => {
  it('encodes Login Accepted as in the spec: length 31, A, session padded, sequence right-justified', () => {
    const p = buildSoupBinTcpLoginAccepted('SESS1', 1234);
    expect(p.length).toBe(33);
    expect([p[0], p[1]]).toEqual([0, 31]);
    expect(text(p.subarray(2))).toBe('ASESS1     ' + ' '.repeat(16) + '1234');
    const out = { session: '', sequence: 0 };
    expect(readSoupBinTcpLoginAccepted(p, 3, out)).toBeNull();
    expect(out).toEqual({ session: 'SESS1', sequence: 1234 });
  });

  it('encodes Login Request fields at their offsets and reads them back', () => {
    const p = buildSoupBinTcpLoginRequest({ username: 'bob', password: 'secret', session: '', sequence: 0 });
    expect([p[0], p[1]]).toEqual([0, 47]);
    expect(text(p.subarray(2))).toBe('Lbob   secret    ' + ' '.repeat(10) + ' '.repeat(19) + '0');
    const out = { username: '', password: '', session: '', sequence: -1 };
    expect(readSoupBinTcpLoginRequest(p, 3, out)).toBeNull();
    expect(out).toEqual({ username: 'bob', password: 'secret', session: '', sequence: 0 });
  });

  it('encodes the empty packets and the rejection reasons', () => {
    expect([...buildSoupBinTcpServerHeartbeat()]).toEqual([0, 1, 0x48]);
    expect([...buildSoupBinTcpEndOfSession()]).toEqual([0, 1, 0x5a]);
    expect([...buildSoupBinTcpClientHeartbeat()]).toEqual([0, 1, 0x52]);
    expect([...buildSoupBinTcpLogoutRequest()]).toEqual([0, 1, 0x4f]);
    expect([...buildSoupBinTcpLoginRejected(SoupBinTcpRejectReason.NOT_AUTHORIZED)]).toEqual([0, 2, 0x4a, 0x41]);
    expect([...buildSoupBinTcpLoginRejected(SoupBinTcpRejectReason.SESSION_NOT_AVAILABLE)]).toEqual([0, 2, 0x4a, 0x53]);
    expect([...buildSoupBinTcpDebug('hi')]).toEqual([0, 3, 0x2b, 0x68, 0x69]);
  });

  it('encodes sequenced and unsequenced data from a sub-range of the input', () => {
    const src = ascii('xxHELLOyy');
    expect(text(buildSoupBinTcpSequencedData(src, 2, 5))).toBe('\u0000\u0006SHELLO');
    expect(text(buildSoupBinTcpUnsequencedData(src, 2, 5))).toBe('\u0000\u0006UHELLO');
    const big = new Uint8Array(65534);
    expect(buildSoupBinTcpSequencedData(big).length).toBe(65537);
  });

  it('throws ItchError with a code on values that do not fit', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ItchError).code;
      }
      return null;
    };
    expect(code(() => buildSoupBinTcpLoginRequest({ username: 'toolong', password: '', session: '', sequence: 1 }))).toBe('SOUPBINTCP_ERR_FIELD_INVALID');
    expect(code(() => buildSoupBinTcpLoginRequest({ username: 'a', password: 'p', session: 'é', sequence: 1 }))).toBe('SOUPBINTCP_ERR_FIELD_INVALID');
    expect(code(() => buildSoupBinTcpLoginRequest({ username: 'a', password: 'p', session: '', sequence: -1 }))).toBe('SOUPBINTCP_ERR_FIELD_INVALID');
    expect(code(() => buildSoupBinTcpLoginAccepted('S', 1.5))).toBe('SOUPBINTCP_ERR_FIELD_INVALID');
    expect(code(() => buildSoupBinTcpSequencedData(new Uint8Array(65535)))).toBe('SOUPBINTCP_ERR_PAYLOAD_TOO_LARGE');
    expect(code(() => buildSoupBinTcpSequencedData(new Uint8Array(4), 2, 5))).toBe('SOUPBINTCP_ERR_FIELD_INVALID');
    expect(code(() => buildSoupBinTcpLoginRejected(0x42 as SoupBinTcpRejectReason))).toBe('SOUPBINTCP_ERR_FIELD_INVALID');
  });
});

describe('readSoupBinTcpNumeric', () => {
  it.each([
    ['   42', 42],
    ['00042', 42],
    ['42   ', 42],
    ['     ', 0],
    ['0    ', 0],
    [' 4 2 ', -1],
    ['  -1 ', -1],
    ['  x1 ', -1],
  ])('%j -> %d', (s, v) => {
    expect(readSoupBinTcpNumeric(ascii(s), 0, 5)).toBe(v);
  });

  it('rejects values that are not safe integers', () => {
    expect(readSoupBinTcpNumeric(ascii('99999999999999999999'), 0, 20)).toBe(-1);
    expect(readSoupBinTcpNumeric(ascii('    9007199254740991'), 0, 20)).toBe(9007199254740991);
  });

  it('reports a non-numeric Login Accepted sequence instead of throwing', () => {
    const p = buildSoupBinTcpLoginAccepted('S', 1);
    p[20] = 0x41;
    expect(readSoupBinTcpLoginAccepted(p, 3, { session: '', sequence: 0 })).toBe('SOUPBINTCP_ERR_BAD_NUMERIC');
  });
});

describe('soupBinTcpTypeTable', () => {
  it('allows per direction and marks unknown types', () => {
    const c = soupBinTcpTypeTable('server-to-client');
    expect(c[0x53]).toBe(1);
    expect(c[0x4c]).toBe(0);
    expect(c[0x00]).toBe(-1);
    const s = soupBinTcpTypeTable('client-to-server');
    expect(s[0x4c]).toBe(1);
    expect(s[0x53]).toBe(0);
    expect(soupBinTcpTypeTable('both')[0x53]).toBe(1);
  });
});
