import { Conflict, InputRejected, NotFound, ProviderFailure, Unavailable } from '../domain/errors.js';
import type { FieldProblem } from '../domain/field-problem.js';
import { builder } from './builder.js';
import { ProviderEnum } from './enums.js';

/** Mutation errors as data: each domain error class is an object type of the contract's result unions. */
export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'Every error a mutation can return as data implements this.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

export const FieldErrorRef = builder.objectRef<FieldProblem>('FieldError').implement({
  description: 'One problem with the input, pointing into it.',
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Path into the input, e.g. ["verifications", "0", "claims"].' }),
    message: t.exposeString('message'),
    code: t.exposeString('code', { description: 'Stable machine-readable code, e.g. CLAIM_NOT_ALLOWED, REQUIRED, INVALID_FORMAT.' }),
  }),
});

builder.objectType(InputRejected, {
  name: 'InputError',
  description: 'The input was rejected before anything was sent upstream.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ fieldErrors: t.field({ type: [FieldErrorRef], resolve: (error) => error.fieldErrors }) }),
});

builder.objectType(NotFound, {
  name: 'NotFoundError',
  description: 'The provider has no such object.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ provider: t.expose('provider', { type: ProviderEnum }) }),
});

builder.objectType(Conflict, {
  name: 'ConflictError',
  description: 'The object already exists at the provider.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ provider: t.expose('provider', { type: ProviderEnum }) }),
});

builder.objectType(Unavailable, {
  name: 'UnavailableError',
  description: "The gateway's own store (Redis) could not be reached, so nothing was sent upstream. Safe to retry.",
  interfaces: [ErrorInterface],
  fields: (t) => ({ retryAfterSeconds: t.exposeInt('retryAfterSeconds', { nullable: true }) }),
});

builder.objectType(ProviderFailure, {
  name: 'ProviderError',
  description: 'The provider refused or failed the call.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum }),
    code: t.exposeString('code', { nullable: true, description:
        "The provider's own error code or type (e.g. ObjectDoesNotExist, 196, 1102), or the gateway's own when it refused before sending anything (RATE_LIMITED, QUERY_TOO_COSTLY; httpStatus is then null), or OUTCOME_UNKNOWN when a write was sent and no answer came: it may have been applied, so it is not retryable." }),
    httpStatus: t.exposeInt('httpStatus', { nullable: true }),
    retryable: t.exposeBoolean('retryable', { description: 'True when the same call may succeed later without changes.' }),
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { nullable: true }),
  }),
});
