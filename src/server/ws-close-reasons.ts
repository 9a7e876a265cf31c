import type { WebSocket, WebSocketServer } from 'ws';

/** The most a close frame's reason may hold (RFC 6455: 125 bytes of payload, 2 of them the code). */
const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Close reasons the gateway can stand behind, whoever closes the socket. graphql-ws closes a socket that reuses a
 * running operation's id with 4409 and `Subscriber for <id> already exists`, quoting the client's id, which is any text
 * up to a whole frame: an ID number sent as an id came back, and an id too long for a close frame made ws throw, which
 * graphql-ws reported as an internal error (console.error with a stack, then 4500 with ws's message). So the 4409
 * reason names no id, a 4500 reason says no more than that (graphql-ws otherwise passes an error's message outside
 * production), and any other reason that does not fit a close frame is cut to fit. Added before graphql-ws's listener.
 */
export function ownCloseReasons(wsServer: WebSocketServer): void {
  wsServer.on('connection', (socket: WebSocket) => {
    const close = socket.close.bind(socket);
    socket.close = ((code?: number, reason?: string | Buffer) => close(code, closeReason(code, reason))) as typeof socket.close;
  });
}

function closeReason(code: number | undefined, reason: string | Buffer | undefined): string | Buffer | undefined {
  if (code === 4409) return 'An operation with this id is already running';
  if (code === 4500) return 'Internal server error';
  if (reason === undefined || Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  return cutToBytes(String(reason), MAX_CLOSE_REASON_BYTES);
}

/** The longest start of `text` whose UTF-8 fits in `bytes`, cut between characters, never inside one. */
function cutToBytes(text: string, bytes: number): string {
  let used = 0;
  let end = 0;
  for (const character of text) {
    used += Buffer.byteLength(character);
    if (used > bytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}
