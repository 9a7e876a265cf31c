import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendNodeResponse } from '@whatwg-node/server';
import { TOKEN_HEADER_KEY, TOKEN_QUERY_KEY } from 'graphql-sse';
import type { Logger } from '../observability/logger.js';
import { writeResultStream, type Readiness, type ResumePoint } from './sse-writer.js';
import { takeHandedOffStream, writeStreamOutsideYoga } from './use-sse-handoff.js';
import type { GatewayYoga, ServerContext } from './yoga.js';

export interface SseRouteOptions {
  yoga: GatewayYoga;
  /** GRAPHQL_MAX_BODY_BYTES: a POST declaring more is left to yoga, which answers 413. */
  maxBodyBytes: number;
  logger: Logger;
}

/**
 * GraphQL over SSE in distinct-connections mode (one POST, or an EventSource GET, with `Accept: text/event-stream`
 * per subscription) with a small footprint per open subscription. Yoga's own way holds, for each subscriber and as
 * long as it stays connected, the request body's size-limit stream pipeline attached to the node request, the Fetch
 * Request/Response pair, a ReadableStream with its encoder and pump, and a ping timer: about 35 KB per subscriber on
 * bare yoga before the gateway adds anything (bench/README.md, fan-out). Here the body is read before yoga sees the
 * request (it is small and bounded: Content-Length at most GRAPHQL_MAX_BODY_BYTES), the request goes through yoga's
 * whole pipeline unchanged (yoga.handleRequest: the same plugins, limits, errors and answers as every other request),
 * and a subscription's results are written to the socket by src/server/sse-writer.ts instead of through a stream.
 *
 * Not taken here (left to yoga as before): graphql-sse's single-connection mode (a stream token), a body without a
 * Content-Length or over the limit, and any Accept that also allows another media type.
 */
export function isSseRouteRequest(req: IncomingMessage, endpoint: string, maxBodyBytes: number): boolean {
  if (req.method !== 'POST' && req.method !== 'GET') return false;
  if (!acceptsOnlyEventStream(req.headers.accept) || req.headers[TOKEN_HEADER_KEY] !== undefined) return false;
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  if ((query < 0 ? url : url.slice(0, query)) !== endpoint) return false;
  if (query >= 0 && new URLSearchParams(url.slice(query + 1)).has(TOKEN_QUERY_KEY)) return false;
  if (req.method === 'GET') return true;
  const declared = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && declared !== undefined && /^\d{1,12}$/.test(declared) && Number(declared) <= maxBodyBytes;
}

/** Serves a request isSseRouteRequest accepted. */
export async function serveSseRoute(req: IncomingMessage, res: ServerResponse, options: SseRouteOptions): Promise<void> {
  const body = req.method === 'POST' ? await readDeclaredBody(req) : null;
  if (body && !req.complete) return void res.destroy(); // the client went away while sending
  const { Request } = options.yoga.fetchAPI;
  const request = new Request(fullUrl(req), { method: req.method, headers: req.headers as Record<string, string> });
  writeStreamOutsideYoga(request, body && new Uint8Array(body));
  // The server context yoga.handle gives every request (plugins read the node request: source address, headers), as
  // one plain object: given a single context, handleRequest would make the context an Object.create() of it, and a
  // per-request prototype costs every subscription its own hidden classes (about 1.5 KB).
  const handle = options.yoga.handleRequest as (request: Request, ...contexts: object[]) => Promise<Response>;
  const response = await handle(request, { req, res } satisfies ServerContext & { res: ServerResponse }, { waitUntil: options.yoga.waitUntil });
  const stream = takeHandedOffStream(request);
  // As yoga.handle sends every answer (single writeHead is its default).
  if (!stream) return sendNodeResponse(response, res, req, true);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  // The writer goes on by itself: nothing here (or in the caller) waits for the subscription's end.
  const source = { readiness: readinessOf(stream.source), resumePoint: resumePointOf(stream.source) };
  writeResultStream(res, { status: response.status, headers }, stream.results, source, (error) =>
    options.logger.error({ err: error }, 'a subscription stream failed'),
  );
}

function readinessOf(source: unknown): Readiness | null {
  return typeof (source as Partial<Readiness> | null)?.whenReady === 'function' ? (source as Readiness) : null;
}

function resumePointOf(source: unknown): ResumePoint | null {
  return typeof (source as Partial<ResumePoint> | null)?.resumeAfter === 'function' ? (source as ResumePoint) : null;
}

/**
 * The body, whose Content-Length isSseRouteRequest has bounded (node's parser stops a body at its Content-Length).
 * Listeners are removed once it is read, so the request holds nothing of this while the stream is open.
 */
function readDeclaredBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const onEnd = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onEnd);
      req.off('close', onEnd);
      resolve(Buffer.concat(chunks));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    // A client that goes away mid-body: the caller sees an incomplete request and stops there.
    req.on('error', onEnd);
    req.on('close', onEnd);
  });
}

/** Media types in Accept (parameters and weights aside) are all text/event-stream. */
function acceptsOnlyEventStream(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').every((type) => type.split(';')[0]!.trim().toLowerCase() === 'text/event-stream');
}

/** The URL @whatwg-node/server builds for a node request (its normalizeNodeRequest). */
function fullUrl(req: IncomingMessage): string {
  const host = req.headers.host ?? (req.socket.localAddress ? `${req.socket.localAddress}:${req.socket.localPort}` : 'localhost');
  const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return `${protocol}://${host}${req.url ?? '/graphql'}`;
}
