import type { ServerResponse } from 'node:http';

/**
 * `Cache-Control: no-store` on every JSON answer outside /graphql: the quarantine listing holds raw provider bodies
 * (names, emails, phones), and nothing else answered this way (webhook receipts, readiness, errors) is worth keeping.
 * Callers' headers come after, so a route may still say otherwise.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}
