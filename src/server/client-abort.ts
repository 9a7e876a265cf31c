import { GraphQLError } from 'graphql';

/**
 * True when an error only says the client went away mid-request (it aborted its upload, or closed the socket):
 * Node's "aborted" ECONNRESET on the incoming request, a reset or broken pipe, or an AbortError. A client's doing,
 * not the gateway's: logged at info, without a stack.
 */
export function isClientAbort(error: unknown): boolean {
  const cause = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  if (!(cause instanceof Error)) return false;
  const code = (cause as NodeJS.ErrnoException).code;
  if (cause.name === 'AbortError' || code === 'ECONNABORTED' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  return code === 'ECONNRESET' && cause.message === 'aborted';
}

/** The fields a log line keeps of a client abort: what happened, no stack. */
export function clientAbortFields(error: unknown): { code: string | undefined; reason: string } {
  const cause = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  return { code: (cause as NodeJS.ErrnoException).code, reason: cause instanceof Error ? cause.message : String(cause) };
}
