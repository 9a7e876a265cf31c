import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { sendJson } from './send-json.js';

/**
 * Graceful HTTP shutdown without resets. A kept-alive connection the server closes while the client is sending a
 * request on it ends in ECONNRESET, and the client cannot know whether the request ran. So on drain:
 * - the listener stops accepting (new connections are refused: nothing was sent, safe to retry elsewhere), without
 *   closing idle kept-alive sockets at once (node's http `server.close()` does that since v19);
 * - requests in flight finish, their responses carrying `Connection: close` where headers are not sent yet;
 * - a request arriving on a kept-alive socket is answered 503 with `Connection: close` and `Retry-After`;
 * - idle kept-alive sockets are left for the client to drop: clients stop reusing an idle socket before the server's
 *   keep-alive timeout (undici: the advertised `Keep-Alive: timeout` minus 1 s), and node closes it at that timeout.
 * What is still open after the grace is closed.
 */
export interface HttpDrain {
  readonly draining: boolean;
  /** Call first for every request: tracks it until its response closes. */
  track(res: ServerResponse): void;
  /** Answers a request that arrived during the drain: 503, `Connection: close`, after reading its body (bounded). */
  refuse(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Starts the drain: stops accepting, marks in-flight responses `Connection: close`. */
  begin(): void;
  /**
   * Waits for the requests in flight (at most requestsMs), then for the connections to close (at most idleMs more:
   * the server's keep-alive timeout and a margin), then closes what is left.
   */
  settle(limits: { requestsMs: number; idleMs: number }): Promise<void>;
  /** Open connections (tests, logs). */
  connections(): number;
}

/** Bytes of a refused request's body read before answering; closing with unread bytes would send a reset instead. */
const REFUSED_BODY_LIMIT = 1024 * 1024;

export function createHttpDrain(server: Server): HttpDrain {
  const sockets = new Set<Socket>();
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const closeAfterResponse = (res: ServerResponse): void => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };

  return {
    get draining() {
      return draining;
    },
    track(res) {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      if (draining) closeAfterResponse(res);
    },
    async refuse(req, res) {
      let read = 0;
      try {
        for await (const chunk of req) {
          read += (chunk as Buffer).length;
          if (read > REFUSED_BODY_LIMIT) break;
        }
      } catch {
        // the client went away; the answer below goes nowhere
      }
      if (res.writableEnded) return;
      sendJson(res, 503, { error: 'The gateway is shutting down; send the request again (another instance will take it).' }, { connection: 'close', 'retry-after': '1' });
    },
    begin() {
      if (draining) return;
      draining = true;
      // The net-level close: stop accepting without http.Server's immediate close of idle kept-alive sockets.
      if (server.listening) NetServer.prototype.close.call(server);
      for (const res of inFlight) closeAfterResponse(res);
    },
    async settle({ requestsMs, idleMs }) {
      await waitUntil(() => inFlight.size === 0, requestsMs);
      await waitUntil(() => sockets.size === 0, idleMs);
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      // The listener is already closed; http's own close() still stops its connection-checking timer.
      server.close();
    },
    connections: () => sockets.size,
  };
}

async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
