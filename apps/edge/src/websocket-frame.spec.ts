import type { Writable } from 'node:stream';
import WebSocket from 'ws';
import { websocketFrame } from './websocket-frame';

/** ws' frame parser, exported at run time but not in its type definitions. */
const Receiver = (WebSocket as unknown as { Receiver: new (options: object) => Writable }).Receiver;

/** Parses `bytes` with ws' own frame parser (what every `ws` client runs): an independent check of our header. */
function parsedByWs(bytes: Uint8Array): { data: Buffer; isBinary: boolean }[] {
  const messages: { data: Buffer; isBinary: boolean }[] = [];
  // A client-side receiver: server frames must be unmasked.
  const receiver = new Receiver({ isServer: false, maxPayload: 0, skipUTF8Validation: false });
  receiver.on('message', (data: Buffer, isBinary: boolean) => void messages.push({ data, isBinary }));
  receiver.on('error', (error: Error) => {
    throw error;
  });
  receiver.write(Buffer.from(bytes));
  return messages;
}

describe('websocketFrame', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])('frames a binary payload of %i bytes that ws parses back unchanged', (length) => {
    const payload = Uint8Array.from({ length }, (_, i) => (i * 31) & 0xff);
    const frame = websocketFrame(payload, true);
    expect(frame.length).toBe(payload.length + (length < 126 ? 2 : length < 65_536 ? 4 : 10));
    const [message, ...rest] = parsedByWs(frame);
    expect(rest).toEqual([]);
    expect(message!.isBinary).toBe(true);
    expect(Buffer.compare(message!.data, Buffer.from(payload))).toBe(0);
  });

  it('frames UTF-8 JSON as one final text frame', () => {
    const text = '{"type":"update","symbol":"ÄPFEL"}';
    const frame = websocketFrame(Buffer.from(text), false);
    expect(frame[0]).toBe(0x81);
    expect(parsedByWs(frame)).toEqual([{ data: Buffer.from(text), isBinary: false }]);
  });

  it('frames a view into a larger buffer from its own offset', () => {
    const backing = Buffer.from('xxxxhelloyyyy');
    const frame = websocketFrame(backing.subarray(4, 9), false);
    expect(parsedByWs(frame).map((m) => m.data.toString())).toEqual(['hello']);
  });

  it('writes back-to-back frames that parse as separate messages', () => {
    const both = Buffer.concat([websocketFrame(Buffer.from('a'), false), websocketFrame(Uint8Array.of(1, 2), true)]);
    expect(parsedByWs(both).map((m) => [m.data.toString('hex'), m.isBinary])).toEqual([
      ['61', false],
      ['0102', true],
    ]);
  });
});
