import type { IncomingMessage } from 'node:http';

export class BodyTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`The body is larger than ${limitBytes} bytes.`);
  }
}

/**
 * Reads a request body as raw bytes (signatures are over these exact bytes), refusing more than limitBytes: at once when
 * Content-Length says so, else as soon as the bytes received pass the limit (chunked bodies declare nothing). Plain
 * stream events rather than an async iterator or a pipeline: this runs on every GraphQL POST.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) return Promise.reject(new BodyTooLarge(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: Error | null) => {
      stopFollowing();
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const stopFollowing = followBody(
      req,
      (chunk) => {
        size += chunk.length;
        // What follows is left to node:http, which discards the rest of a body nobody reads.
        if (size > limitBytes) finish(new BodyTooLarge(limitBytes));
        else chunks.push(chunk);
      },
      finish,
    );
  });
}

/**
 * Attaches what a body read listens to (its chunks; its end, error or early close, each reported once to `done`) and
 * returns the function that detaches them all.
 */
function followBody(req: IncomingMessage, onData: (chunk: Buffer) => void, done: (error: Error | null) => void): () => void {
  const onEnd = () => done(null);
  const onError = (error: Error) => done(error);
  // A client that goes away mid-body: node:http emits `error` (ECONNRESET "aborted") only to a listener that is
  // attached; `close` before the end means the same.
  const onClose = () => done(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
  return () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('close', onClose);
  };
}

/**
 * Reads a body of at most `maxBytes` to its end, keeping only its first `keepBytes`: once the body passes them,
 * `overflow()` is called once and handed every chunk (the kept ones first, so it sees the whole body in order), or
 * returns null to refuse the rest (BodyTooLarge at keepBytes). Resolves with the kept bytes and the total size;
 * rejects with BodyTooLarge past maxBytes.
 */
export function readBodyKeepingHead(
  req: IncomingMessage,
  keepBytes: number,
  maxBytes: number,
  overflow: () => { update(chunk: Buffer): void } | null,
): Promise<{ head: Buffer; bytes: number }> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.reject(new BodyTooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    let sink: { update(chunk: Buffer): void } | null = null;
    const finish = (error: Error | null) => {
      stopFollowing();
      if (error) reject(error);
      else resolve({ head: Buffer.concat(chunks, kept), bytes: size });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish(new BodyTooLarge(maxBytes));
      if (sink === null && size > keepBytes) {
        sink = overflow();
        if (sink === null) return finish(new BodyTooLarge(keepBytes));
        for (const earlier of chunks) sink.update(earlier);
      }
      if (sink) sink.update(chunk);
      if (kept < keepBytes) {
        const part = chunk.subarray(0, keepBytes - kept);
        chunks.push(part);
        kept += part.length;
      }
    };
    const stopFollowing = followBody(req, onData, finish);
  });
}

/** The same for a Fetch body (a request handed to yoga in process, without node:http). */
export async function readStreamBody(body: ReadableStream<Uint8Array>, limitBytes: number): Promise<Buffer> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
