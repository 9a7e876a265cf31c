/** One entry of a GraphQL response's `errors`; `extensions.code` is one of the gateway's stable codes. */
export interface GatewayGraphQLError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; provider?: string; [key: string]: unknown };
}

/**
 * A response that carried errors (a request error, or a field error with partial data); `data` is whatever partial
 * data came with them, `status` the HTTP status (0 for a subscription result).
 */
export class GatewayRequestError<TResult = unknown> extends Error {
  constructor(
    readonly errors: readonly GatewayGraphQLError[],
    readonly data: TResult | null,
    readonly status: number,
  ) {
    super(errors.map((error) => (error.extensions?.code ? `${error.extensions.code}: ${error.message}` : error.message)).join('; '));
    this.name = 'GatewayRequestError';
  }

  /** The first error's code, e.g. PERSISTED_QUERY_NOT_FOUND, FORBIDDEN, RATE_LIMITED. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}
