import { createReadStream, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../security';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.json': 'application/json',
  '.wav': 'audio/wav', '.mp3': 'audio/mpeg',
};

/** Longer paths than any file of the built renderer are refused before touching the disk. */
const MAX_PATH_CHARS = 1024;

/**
 * The path a request names, or null when it cannot name a file: a malformed percent escape
 * (`/%ff`), an unparsable request target, a NUL byte. Never throws: these arrive from anyone.
 */
export function requestPath(rawUrl: string | undefined): string | null {
  let pathname: string;
  try {
    pathname = new URL(rawUrl ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
  if (pathname.length > MAX_PATH_CHARS) return null;
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  return path.includes('\0') ? null : path;
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...extra });
  res.end(text);
}

/**
 * Serves the built renderer; every response carries the same CSP as the desktop window. Any request
 * it cannot make sense of gets a 4xx answer; nothing a client sends may end the process.
 */
export function serveStatic(root: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const path = requestPath(req.url);
    if (path === null) {
      plain(res, 400, 'bad request');
      return;
    }
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) {
      plain(res, 403, 'forbidden');
      return;
    }
    const stat = statOrNull(file);
    if (!stat || !stat.isFile()) file = join(root, 'index.html');
    const headers: Record<string, string> = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=31536000, immutable',
    };
    if (req.method === 'HEAD') {
      res.writeHead(200, headers).end();
      return;
    }
    const stream = createReadStream(file);
    // A file that vanished or cannot be read after the check must not become an unhandled error.
    stream.once('error', () => {
      if (!res.headersSent) plain(res, 404, 'not found');
      else res.destroy();
    });
    stream.once('open', () => {
      res.writeHead(200, headers);
      stream.pipe(res);
    });
    res.once('close', () => stream.destroy());
  };
}
