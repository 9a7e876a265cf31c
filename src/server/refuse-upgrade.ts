import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers a WebSocket upgrade the gateway cannot take yet with 503 and Retry-After, as plain HTTP before any
 * handshake: graphql-ws clients then retry. Without it, an upgrade during start-up reached graphql-ws before the
 * services existed, and every operation failed as an unexpected error (with a stack in the log).
 */
export function refuseUpgrade(_req: IncomingMessage, socket: Duplex, retryAfterSeconds: string, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    'HTTP/1.1 503 Service Unavailable\r\n' +
      `Retry-After: ${retryAfterSeconds}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
