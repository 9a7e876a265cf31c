import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { UpstreamBudgetConfig } from '../config.js';
import { PROVIDER_LABEL, type Provider } from '../domain/providers.js';
import type { GatewayContext } from '../schema/context.js';
import { queryLimitError } from './query-limit-error.js';
import { upstreamCallBound, upstreamCallEstimate } from './upstream-estimate.js';

/**
 * Refuses, with a 400 QUERY_TOO_COSTLY before anything executes, an operation whose direct lookups alone need more
 * upstream calls at one provider than one request may make: UPSTREAM_CALLS_PER_REQUEST, or the key's whole
 * UPSTREAM_CALLS_PER_MINUTE when that is smaller (waiting would never let it through). What the estimate cannot see
 * is bounded as the calls happen (src/server/upstream-budget.ts).
 */
/** What one upstream call of each provider reads, as the estimate counts it (src/server/upstream-estimate.ts). */
const HOW_MANY_PER_CALL: Record<Provider, string> = {
  REALTIME_REGISTER: 'each call reads up to 100 handles of one customer',
  OPENPROVIDER: 'each call reads one handle, or a page of up to 1000 customers',
  DOMAIN_NAME_API: 'this provider reads one handle per call',
  VERIFF: 'each call is one check',
};

export function useUpstreamLimits(config: UpstreamBudgetConfig): Plugin<GatewayContext> {
  const check = (args: { document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null; contextValue: GatewayContext }) => {
    const perMinute = args.contextValue.principal?.authenticated ? config.callsPerMinute : 0;
    const limit = perMinute > 0 ? Math.min(config.callsPerRequest, perMinute) : config.callsPerRequest;
    // Most operations could not reach the limit whatever their arguments: no walk over them then.
    if (upstreamCallBound(args.document, args.operationName) <= limit) return null;
    const variable = limit === config.callsPerRequest ? 'UPSTREAM_CALLS_PER_REQUEST' : 'UPSTREAM_CALLS_PER_MINUTE';
    for (const [provider, calls] of upstreamCallEstimate(args.document, args.operationName, args.variableValues)) {
      if (calls <= limit) continue;
      return queryLimitError(
        'QUERY_TOO_COSTLY',
        `This query needs ${calls} calls to ${PROVIDER_LABEL[provider]}, more than the ${limit} one request may make (${variable}); ` +
          `${HOW_MANY_PER_CALL[provider]}, so ask for fewer at once.`,
      );
    }
    return null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args as never);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args as never);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
