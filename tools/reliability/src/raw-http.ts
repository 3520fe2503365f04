import { connect } from 'node:net';

/** What came back for one raw HTTP request. */
export interface RawHttpAnswer {
  /** 0 when the server closed without a status line. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body, de-chunked. */
  readonly body: Buffer;
}

/** `{ error, code }` of an error body, or undefined when the body is not that JSON. */
export function errorOf(answer: RawHttpAnswer): { error: string; code: string } | undefined {
  try {
    const value = JSON.parse(answer.body.toString('utf8')) as { error?: unknown; code?: unknown };
    return typeof value.error === 'string' && typeof value.code === 'string' ? { error: value.error, code: value.code } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An HTTP/1.1 request as bytes, `Connection: close`: the method, path and header values are written as
 * given (bytes over 0x7f, NUL, spaces included: that is the point), latin1 for strings.
 */
export function httpRequestBytes(method: string | Buffer, path: string | Buffer, headers: Readonly<Record<string, string>> = {}, body?: Buffer): Buffer {
  const head = [...Object.entries({ host: '127.0.0.1', ...headers, connection: 'close', ...(body === undefined ? {} : { 'content-length': String(body.length) }) })].map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return Buffer.concat([Buffer.from(method as string, 'latin1'), Buffer.from(' '), Buffer.from(path as string, 'latin1'), Buffer.from(` HTTP/1.1\r\n${head}\r\n`, 'latin1'), body ?? Buffer.alloc(0)]);
}

/**
 * Writes `request` on a new connection (from `localAddress`) and reads until the server closes it. Rejects
 * after `limitMs` naming the request: a server that neither answers nor closes is hanging.
 */
export function rawHttp(port: number, request: Buffer, options: { limitMs?: number; localAddress?: string } = {}): Promise<RawHttpAnswer> {
  const limitMs = options.limitMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${limitMs} ms to ${JSON.stringify(request.subarray(0, 200).toString('latin1'))}`));
    }, limitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(parseAnswer(Buffer.concat(chunks)));
    });
    socket.write(request);
  });
}

/** Parses a complete HTTP/1.1 answer (the status line, headers, and a body by length, chunked or to the end). */
export function parseAnswer(bytes: Buffer): RawHttpAnswer {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: bytes };
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
  const rest = bytes.subarray(end + 4);
  return { status, headers, body: headers['transfer-encoding'] === 'chunked' ? dechunk(rest) : rest };
}

/** The data of a chunked body, as far as it goes (a stream cut mid-chunk yields what arrived). */
export function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(bytes.subarray(lineEnd + 2, Math.min(lineEnd + 2 + size, bytes.length)));
    at = lineEnd + 2 + size + 2;
    if (at > bytes.length) break;
  }
  return Buffer.concat(parts);
}
