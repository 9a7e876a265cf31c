import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './send-json.js';

/** Where the dashboard's files live: plain HTML, CSS and browser JS, served as they are (no build step). */
const DASHBOARD_FOLDER = new URL('../dashboard/', import.meta.url);

/** URL prefix of the dashboard's assets; the page itself is served at `/`. */
export const DASHBOARD_ASSET_PREFIX = '/dashboard/';

/** Where browsers look for an icon on their own (GraphiQL's page names none): the dashboard's SVG icon answers. */
export const FAVICON_PATH = '/favicon.ico';

/** Files served outside the asset prefix, by path. */
const ROOT_FILES: Record<string, string> = { '/': 'index.html', [FAVICON_PATH]: 'favicon.svg' };

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
};

/**
 * One file name, nothing else: no slash, no backslash, no `..`, no percent-escape, no dot file. This is the whole
 * defence against directory traversal, so it is deliberately narrow.
 */
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(html|js|css|svg|png)$/;

/**
 * The page talks to /graphql only (same origin), so the policy allows nothing else: no inline script or style, no
 * third-party origin, no framing.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * GET `/` → the dashboard page; GET `/dashboard/<file>` → one of its assets; GET `/favicon.ico` → its icon (SVG, which
 * browsers take whatever the name says, by its content type). Anything else under the prefix is a 404,
 * and methods other than GET and HEAD are a 405.
 */
export async function serveDashboard(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { error: 'Use GET.' }, { allow: 'GET, HEAD' });
    return;
  }
  if (path === '/dashboard' || path === '/dashboard/') {
    res.writeHead(308, { location: '/' });
    res.end();
    return;
  }
  const name = Object.hasOwn(ROOT_FILES, path) ? ROOT_FILES[path]! : path.startsWith(DASHBOARD_ASSET_PREFIX) ? path.slice(DASHBOARD_ASSET_PREFIX.length) : null;
  if (name === null) return notFound(res);
  const match = ASSET_NAME.exec(name);
  if (!match) return notFound(res);
  let body: Buffer;
  try {
    body = await readFile(new URL(name, DASHBOARD_FOLDER));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return notFound(res);
    throw error;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[match[1] as string] ?? 'application/octet-stream',
    'content-length': body.length,
    // Small files that change with the code: revalidate every time rather than serve a stale page after a deploy.
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(match[1] === 'html' ? { 'content-security-policy': CONTENT_SECURITY_POLICY } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function notFound(res: ServerResponse): void {
  sendJson(res, 404, { error: 'Not found.' });
}
