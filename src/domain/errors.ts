import type { FieldProblem } from './field-problem.js';
import type { Provider } from './providers.js';
import { PROVIDER_LABEL } from './providers.js';

/** The input was rejected before anything was sent upstream. */
export class InputRejected extends Error {
  constructor(
    readonly fieldErrors: FieldProblem[],
    message = fieldErrors.length === 1 ? fieldErrors[0]!.message : `The input has ${fieldErrors.length} problems.`,
  ) {
    super(message);
    this.name = 'InputRejected';
  }
}

export class NotFound extends Error {
  constructor(readonly provider: Provider, message: string) {
    super(message);
    this.name = 'NotFound';
  }
}

export class Conflict extends Error {
  constructor(readonly provider: Provider, message: string) {
    super(message);
    this.name = 'Conflict';
  }
}

/**
 * The gateway's own store (Redis) cannot take the write a mutation would cause, so nothing was sent upstream: safe to
 * retry. Services check the store before calling the provider and throw this; mutations return it as data.
 */
export class Unavailable extends Error {
  constructor(
    message = 'The gateway cannot reach its store right now, so nothing was sent; try again shortly.',
    readonly retryAfterSeconds: number | null = 5,
  ) {
    super(message);
    this.name = 'Unavailable';
  }
}

/** ProviderFailure.code of a write that was sent and got no answer: the gateway cannot tell whether it was applied. */
export const OUTCOME_UNKNOWN = 'OUTCOME_UNKNOWN';

/** Why a provider call failed; decides the GraphQL error code for queries. */
export type ProviderFailureKind = 'DISABLED' | 'UNAVAILABLE' | 'RATE_LIMITED' | 'AUTH' | 'ERROR';

export interface ProviderFailureDetails {
  kind: ProviderFailureKind;
  /** The provider's own error code or type, e.g. ObjectDoesNotExist, 196, 1102. */
  code?: string | null;
  httpStatus?: number | null;
  retryable: boolean;
  retryAfterSeconds?: number | null;
}

/**
 * True when a failed read concerns only the object it asked for (the provider refused that request, or sent an answer
 * about it the gateway cannot read: kind ERROR), so the other objects of the same batch are still worth reading. A
 * provider that is away, refuses the gateway's credentials or IP, or rate-limits it fails the whole batch instead.
 */
export function failsOnlyItsObject(error: unknown): error is ProviderFailure {
  return error instanceof ProviderFailure && error.kind === 'ERROR';
}

/** Among the settled reads of a batch, the failure that is not about one object alone (the batch failed as a whole). */
export function batchFailureAmong(values: readonly unknown[]): Error | undefined {
  return values.find((value): value is Error => value instanceof Error && !failsOnlyItsObject(value));
}

/** The provider refused or failed the call. The message never carries credentials or personal data. */
export class ProviderFailure extends Error {
  readonly kind: ProviderFailureKind;
  readonly code: string | null;
  readonly httpStatus: number | null;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | null;

  constructor(readonly provider: Provider, message: string, details: ProviderFailureDetails) {
    super(message);
    this.name = 'ProviderFailure';
    this.kind = details.kind;
    this.code = details.code ?? null;
    this.httpStatus = details.httpStatus ?? null;
    this.retryable = details.retryable;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
  }

  static disabled(provider: Provider): ProviderFailure {
    return new ProviderFailure(provider, `${PROVIDER_LABEL[provider]} is not configured on this gateway.`, {
      kind: 'DISABLED',
      retryable: false,
    });
  }
}
