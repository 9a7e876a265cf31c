import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../observability/logger.js';

/**
 * A client breaking the WebSocket framing (a frame over maxPayload, invalid UTF-8, a bad close code) is the client's
 * fault: ws has already answered it with the right close code (1009, 1007, 1002). ws then emits 'error' on the
 * socket, which graphql-ws reports with console.error as an "Internal error ... check your implementation" and a
 * stack. This listener, added before graphql-ws's, keeps those errors (ws marks them with a WS_ERR_* code) from
 * reaching it and logs them at info instead; any other socket error still goes its usual way.
 */
export function quietClientFrameErrors(wsServer: WebSocketServer, logger: Logger): void {
  wsServer.on('connection', (socket: WebSocket) => {
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      const error = args[0] as { code?: unknown; message?: unknown } | undefined;
      if (event === 'error' && typeof error?.code === 'string' && error.code.startsWith('WS_ERR_')) {
        logger.info({ code: error.code, reason: String(error.message) }, 'a WebSocket client broke the framing rules; its socket is closed');
        return true;
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
  });
}
