import { GraphQLError } from 'graphql';
import { Conflict, InputRejected, NotFound, ProviderFailure } from '../domain/errors.js';
import type { ProviderFailureKind } from '../domain/errors.js';
import { UnknownProviderValue } from '../domain/status-mapping.js';
import { UpstreamBudgetExceeded } from '../domain/upstream-budget.js';
import type { Logger } from '../observability/logger.js';
import { EventsTrimmed } from '../services/events-trimmed.js';
import { StoreUnavailable } from '../store/store-errors.js';

/**
 * The only codes a client ever sees in extensions.code (DESIGN.md, "Errors"), plus
 * SERVICE_UNAVAILABLE (the gateway's own store, Redis, is unreachable: retry shortly) and QUERY_TOO_COSTLY (a request
 * would cause more upstream calls than UPSTREAM_CALLS_PER_REQUEST allows) and EVENTS_TRIMMED (an event `after` older
 * than what the event log keeps: events after it are gone).
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PROVIDER_DISABLED'
  | 'PROVIDER_UNAVAILABLE'
  | 'PROVIDER_ERROR'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COSTLY'
  | 'SERVICE_UNAVAILABLE'
  | 'EVENTS_TRIMMED'
  | 'INTERNAL_SERVER_ERROR';

const FAILURE_CODES: Record<ProviderFailureKind, ErrorCode> = {
  DISABLED: 'PROVIDER_DISABLED',
  UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  RATE_LIMITED: 'RATE_LIMITED',
  AUTH: 'PROVIDER_ERROR',
  ERROR: 'PROVIDER_ERROR',
};

/**
 * A request error (no path: a variable that does not coerce, one missing) is the caller's input fault, so
 * BAD_USER_INPUT like every other; graphql-js gives it no code. Other errors pass as they are.
 */
function requestErrorCoded(error: GraphQLError): GraphQLError {
  if (error.path !== undefined || error.extensions?.code !== undefined) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, originalError: error.originalError, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } });
}

/**
 * Turns whatever a resolver threw into the error a client may see: domain errors get their code and provider,
 * GraphQL errors that already carry a code pass, and everything else becomes "Unexpected error" with the request
 * id, its detail going only to the log.
 */
export function toClientError(error: GraphQLError, requestId: string, logger: Logger): GraphQLError {
  const original = error.originalError;
  const at = { nodes: error.nodes, path: error.path, source: error.source, positions: error.positions };
  // No original error, or a GraphQL one (variable coercion, a deliberate GraphQLError): already safe to show.
  if (!original) return requestErrorCoded(error);
  if (original instanceof GraphQLError) {
    if (original.extensions?.code) return new GraphQLError(original.message, { ...at, extensions: original.extensions });
    // Pothos rejects malformed input it parses itself (a global id that is not base64 "Type:id") this way.
    if (original.name === 'PothosValidationError') return new GraphQLError(withoutGlobalId(original.message), { ...at, extensions: { code: 'BAD_USER_INPUT' } });
    return requestErrorCoded(error);
  }
  if (original instanceof InputRejected) {
    return new GraphQLError(original.message, { ...at, extensions: { code: 'BAD_USER_INPUT', fieldErrors: original.fieldErrors } });
  }
  if (original instanceof NotFound || original instanceof Conflict) {
    const code = original instanceof NotFound ? 'NOT_FOUND' : 'BAD_USER_INPUT';
    return new GraphQLError(original.message, { ...at, extensions: { code, provider: original.provider } });
  }
  if (original instanceof ProviderFailure) {
    return new GraphQLError(original.message, {
      ...at,
      extensions: {
        code: FAILURE_CODES[original.kind],
        provider: original.provider,
        retryable: original.retryable,
        ...(original.retryAfterSeconds !== null ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
        ...(original.code !== null ? { providerCode: original.code } : {}),
      },
    });
  }
  if (original instanceof UpstreamBudgetExceeded) {
    // The caller asked for more upstream calls than its budget allows; nothing was sent. A client fault: no stack logged.
    return new GraphQLError(original.message, {
      ...at,
      extensions: {
        code: original.limit === 'PER_MINUTE' ? 'RATE_LIMITED' : 'QUERY_TOO_COSTLY',
        provider: original.provider,
        ...(original.retryAfterSeconds !== null ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
      },
    });
  }
  if (original instanceof EventsTrimmed) {
    // The query's partial-data error and the subscription's last item alike. No resumeAfter: see EventsTrimmed.
    return new GraphQLError(original.message, { ...at, extensions: { code: 'EVENTS_TRIMMED' satisfies ErrorCode, oldestKeptId: original.oldestKeptId } });
  }
  if (original instanceof StoreUnavailable) {
    // Redis is away (the gateway's own store, not a provider): expected during an outage, so no stack in the log.
    logger.warn({ requestId, path: error.path, error: original.message }, 'store unavailable for a resolver');
    return new GraphQLError('The gateway cannot reach its store right now; try again shortly.', {
      ...at,
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
    });
  }
  if (original instanceof UnknownProviderValue) logger.warn({ err: original, requestId }, 'provider sent a value the gateway cannot map');
  else logger.error({ err: original, requestId, path: error.path }, 'unexpected error in a resolver');
  return new GraphQLError('Unexpected error', { ...at, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } });
}

/**
 * Pothos's id messages quote the id as given ("Invalid global ID: 49912319999", "ID: ... is not of type: Contact"): the
 * caller's own input, which may be anything, an ID number included. The message keeps what was wrong, not the value.
 */
export function withoutGlobalId(message: string): string {
  if (message.startsWith('Invalid global ID')) return 'Invalid global ID: not an id this API issued.';
  const typeAt = message.lastIndexOf(' is not of type: ');
  if (message.startsWith('ID: ') && typeAt > 0) return `The id is not of type: ${message.slice(typeAt + ' is not of type: '.length)}`;
  return message;
}
