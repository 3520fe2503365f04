import { constants, type Stats } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './http-answers';

/** The page `GET /` serves. */
export const INDEX_FILE = 'index.html';

/**
 * First path segments the static site never answers for: the edge's API (`/v1/...`) and the names the ops
 * server uses (`/healthz`, `/readyz`, `/metrics`), so a file of that name in the directory can never stand in
 * for them on the client port. The API's own routes win anyway (fastify prefers a static route over a
 * wildcard); this makes an unknown `/v1/...` path a plain 404 instead of a file lookup.
 */
export const RESERVED_SEGMENTS: ReadonlySet<string> = new Set(['v1', 'healthz', 'readyz', 'metrics']);

/** Content types by extension; anything else is `application/octet-stream`. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
});

/**
 * Where a request path leads inside the site: the relative file path (segments joined with `/`), or why it
 * is refused. Pure: no file system access. `rawPath` is the path as sent (query removed), still
 * percent-encoded, so `%2e%2e` and `%2f` are seen for what they are after decoding.
 */
export type SitePath = { readonly ok: true; readonly file: string } | { readonly ok: false; readonly status: 400 | 404 };

export function resolveSitePath(rawPath: string): SitePath {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400 };
  if (!decoded.startsWith('/')) return { ok: false, status: 404 };
  if (decoded === '/') return { ok: true, file: INDEX_FILE };
  const segments = decoded.slice(1).split('/');
  for (const segment of segments) {
    // Empty segments (`//etc`, a trailing `/`), `.` and `..`, and dotfiles (`.env`, `.git`) are never served.
    if (segment === '' || segment.startsWith('.')) return { ok: false, status: 404 };
  }
  if (RESERVED_SEGMENTS.has(segments[0]!)) return { ok: false, status: 404 };
  return { ok: true, file: segments.join('/') };
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * A directory of static files (the dashboard's build) served on the edge's client port: `GET /` is
 * `index.html`, `GET /<path>` a regular file under the directory, HEAD alike. The directory is resolved
 * (symlinks included) once at boot; every file is resolved again at request time and refused unless its
 * real path is inside it, so neither `..` (raw or encoded) nor a symlink leads out. Files are sent with
 * `Cache-Control: no-cache` and an ETag: the bundle's names carry no content hash, so a browser
 * revalidates (a cheap 304) rather than running yesterday's script against today's page.
 */
export class StaticSite {
  private constructor(readonly root: string) {}

  /** Resolves `dir` and checks it is a directory; throws (naming it) otherwise. */
  static async open(dir: string): Promise<StaticSite> {
    let root: string;
    try {
      root = await realpath(dir);
    } catch (err) {
      throw new Error(`static site directory ${JSON.stringify(dir)} does not exist`, { cause: err });
    }
    if (!(await stat(root)).isDirectory()) throw new Error(`static site directory ${JSON.stringify(dir)} is not a directory`);
    return new StaticSite(root);
  }

  /** Adds `GET`/`HEAD` `/*` to `app`. Routes registered on `app` with a static path keep precedence. */
  register(app: FastifyInstance): void {
    app.route({ method: ['GET', 'HEAD'], url: '/*', handler: (request, reply) => this.serve(request, reply) });
  }

  private async serve(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const raw = request.raw.url ?? '/';
    const query = raw.indexOf('?');
    const path = resolveSitePath(query === -1 ? raw : raw.slice(0, query));
    if (!path.ok) return path.status === 404 ? notFound(reply) : sendError(reply, 400, 'BAD_REQUEST', 'bad request path');
    const found = await this.lookup(path.file);
    if (found === undefined) return notFound(reply);
    const etag = `W/"${found.stats.size.toString(16)}-${Math.floor(found.stats.mtimeMs).toString(16)}"`;
    reply
      .header('content-type', contentTypeOf(found.real))
      .header('cache-control', 'no-cache')
      .header('etag', etag)
      .header('last-modified', found.stats.mtime.toUTCString())
      .header('x-content-type-options', 'nosniff')
      // The page URL may carry ?token=: never hand it to another site in a Referer.
      .header('referrer-policy', 'no-referrer');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    reply.header('content-length', found.stats.size);
    if (request.method === 'HEAD') return reply.send();
    const handle = await open(found.real, constants.O_RDONLY);
    return reply.send(handle.createReadStream());
  }

  /** The real path and stats of a regular file inside the root, or undefined. */
  private async lookup(file: string): Promise<{ real: string; stats: Stats } | undefined> {
    let real: string;
    try {
      real = await realpath(join(this.root, file));
    } catch {
      return undefined;
    }
    if (!real.startsWith(this.root + sep)) return undefined;
    const stats = await stat(real).catch(() => undefined);
    return stats?.isFile() ? { real, stats } : undefined;
  }
}

/** Fastify's own 404, the same answer the path gets with no static site. */
function notFound(reply: FastifyReply): FastifyReply {
  reply.callNotFound();
  return reply;
}
