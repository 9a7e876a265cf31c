import type { ServerResponse } from 'node:http';
import { resultJson, type SerializableResult } from './result-json.js';

/**
 * How often an idle stream gets a comment line, as yoga's SSE processor does (12 s): proxies and browsers keep a
 * connection that carries bytes.
 */
export const PING_INTERVAL_MS = 12_000;

/** A subscription source that says when its next() would not wait (src/services/event-stream.ts). */
export interface Readiness {
  whenReady(ready: () => void): void;
}

/** A subscription source that says where a client should resume (src/services/event-stream.ts). */
export interface ResumePoint {
  resumeAfter(): string | null;
}

/** Streams being written here; one timer pings them all (yoga starts a timer per stream). */
const pinged = new Set<ServerResponse>();
let pinger: NodeJS.Timeout | null = null;

/**
 * Writes a subscription's results to the node response as GraphQL over SSE, the bytes yoga's SSE processor writes
 * (graphql-yoga src/plugins/result-processor/sse.ts): `:` first, `event: next` with each result, `event: complete` at
 * the end, a `:` ping every 12 s while idle. Returns once the head is written; the stream goes on by itself.
 *
 * An idle subscriber holds little here: this writer (a few fields, two callbacks), the response, and, when the source
 * can tell when it has an event (`readiness`), no pending next() at all: the results are pulled only once the source
 * has one, so the promise chain through every layer between (GraphQL execution, plugins, yoga) exists only while an
 * event is on its way. Without `readiness` it waits in next() as any consumer would.
 *
 * - Backpressure: the next result is pulled only once the socket has taken the last one, so a client that stops
 *   reading leaves events in the subscription's own bounded buffer (SUBSCRIBER_FELL_BEHIND), not in the socket's.
 * - A client that goes away ends the subscription at once (return() on the iterator), with no event needed.
 * - A source that rejects (a bug: sources yield their errors) is reported to `onFailure` and drops the connection.
 * - When the source can say where to resume (`resumePoint`), each result it moved that point for carries it as the
 *   SSE `id:` field: a browser's EventSource that loses the stream reconnects to the same URL with it as
 *   Last-Event-ID, and the subscription resumes after it (graphql-sse's own parser ignores the field).
 */
export function writeResultStream(
  res: ServerResponse,
  head: { status: number; headers: Record<string, string> },
  results: AsyncIterable<SerializableResult>,
  source: { readiness: Readiness | null; resumePoint: ResumePoint | null },
  onFailure: (error: unknown) => void,
): void {
  new ResultStreamWriter(res, results[Symbol.asyncIterator](), source.readiness, source.resumePoint, onFailure).start(head);
}

class ResultStreamWriter {
  private closed = false;
  private finished = false;
  /** The callbacks handed to the source and to 'drain', made once per stream rather than per event. */
  private readonly pull = () => this.pullWhenReady();
  private readonly readNow = () => this.read();
  /**
   * The last `id:` written, so a result that did not move the resume point (an interruption) repeats none. It starts
   * at where the source starts (the caller's `after` or Last-Event-ID): a stream that ends before handing out any
   * event (EVENTS_TRIMMED, a refusal) writes no id, so the caller's own text, whose digits may be an ID number, is
   * never sent back, and an EventSource keeps the Last-Event-ID it had.
   */
  private lastId: string | null;

  constructor(
    private readonly res: ServerResponse,
    private readonly iterator: AsyncIterator<SerializableResult>,
    private readonly readiness: Readiness | null,
    private readonly resumePoint: ResumePoint | null,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.lastId = resumePoint?.resumeAfter() ?? null;
  }

  start(head: { status: number; headers: Record<string, string> }): void {
    const { res } = this;
    // The client may have gone while yoga set the subscription up: end it now, as 'close' will not come again.
    if (res.destroyed) return this.onClose();
    res.once('close', () => this.onClose());
    // As @whatwg-node/server does for every streamed response: no idle timeout on a stream, events leave at once.
    res.socket?.setTimeout(0);
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true);
    res.writeHead(head.status, head.headers);
    // Always first, as yoga does: some browsers do not deliver the headers until the body has a byte.
    res.write(':\n\n');
    startPinging(res);
    this.pullWhenReady();
  }

  private pullWhenReady(): void {
    if (this.closed || this.finished) return;
    if (this.readiness) this.readiness.whenReady(this.readNow);
    else this.read();
  }

  private read(): void {
    if (this.closed || this.finished) return;
    // A throw while writing (a result that cannot be serialized) is a failure like a rejected next().
    this.iterator
      .next()
      .then((step) => this.write(step))
      .catch((error: unknown) => this.fail(error));
  }

  private write(step: IteratorResult<SerializableResult>): void {
    if (this.closed) return;
    const { res } = this;
    const next = step.value === null || step.value === undefined ? '' : `${this.idField()}event: next\ndata: ${resultJson(step.value)}\n\n`;
    if (step.done) {
      this.finished = true;
      stopPinging(res);
      res.end(`${next}event: complete\ndata:\n\n`);
      return;
    }
    if (!next || res.write(next)) this.pullWhenReady();
    else res.once('drain', this.pull);
  }

  /** `id: <event id>` when the result just pulled moved the source's resume point (results are pulled one at a time). */
  private idField(): string {
    const id = this.resumePoint?.resumeAfter() ?? null;
    if (id === null || id === this.lastId) return '';
    this.lastId = id;
    return `id: ${id}\n`;
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    this.onFailure(error);
    this.res.destroy();
  }

  private onClose(): void {
    this.closed = true;
    stopPinging(this.res);
    this.res.off('drain', this.pull);
    if (!this.finished) this.iterator.return?.().catch(this.onFailure);
  }
}

function startPinging(res: ServerResponse): void {
  pinged.add(res);
  pinger ??= setInterval(() => {
    for (const stream of pinged) {
      // A stream the client is not reading gets no more bytes, as in yoga (a ping only when nothing is queued).
      if (!stream.writableEnded && !stream.writableNeedDrain) stream.write(':\n\n');
    }
  }, PING_INTERVAL_MS).unref();
}

function stopPinging(res: ServerResponse): void {
  pinged.delete(res);
  if (pinged.size === 0 && pinger) {
    clearInterval(pinger);
    pinger = null;
  }
}
