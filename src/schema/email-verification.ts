import type { EmailVerification } from '../domain/email-verification.js';
import { emailVerificationKey } from '../domain/email-verification.js';
import { InputRejected, NotFound, ProviderFailure, Unavailable } from '../domain/errors.js';
import { problem } from '../domain/field-problem.js';
import { builder } from './builder.js';
import { withPartialFailures } from './partial-failures.js';
import { ContactRef, providerDataContactLoadKey } from './contact.js';
import { connectionTypes } from './connection.js';
import { EmailVerificationFailureEnum, EmailVerificationStatusEnum, ProviderEnum } from './enums.js';
import { withRefusalsAsResults } from './mutation-refusals.js';
import { loadNode } from './node-results.js';

export const EmailVerificationRef = builder.node(builder.objectRef<EmailVerification>('EmailVerification'), {
  description: 'The state of verifying that a contact\'s email address is reachable (ICANN registrant email verification).',
  id: { resolve: (row) => emailVerificationKey(row) },
  loadOne: (id, context) => loadNode(() => context.services.emailVerifications.get(id, context)),
  // email:read on every path: a resend's fresh row can show the address behind a handle, which email:write may not read.
  authScopes: { scope: 'email:read' },
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum }),
    email: t.exposeString('email'),
    handle: t.exposeString('handle', { nullable: true }),
    domain: t.exposeString('domain', { nullable: true }),
    status: t.expose('status', { type: EmailVerificationStatusEnum }),
    failureReason: t.expose('failureReason', { type: EmailVerificationFailureEnum, nullable: true }),
    providerStatus: t.exposeString('providerStatus', { description: 'The status exactly as the provider reported it.' }),
    suspended: t.exposeBoolean('suspended', { nullable: true, description: 'Whether related domains are suspended because of this verification.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When a pending verification lapses (Openprovider: domains get suspended; Domain Name API: the 60-day key expires). ' +
        'Both providers send wall times without an offset, read in the zone a gateway setting names: Openprovider\'s in ' +
        'OPENPROVIDER_TIME_ZONE (default Europe/Amsterdam; a number is read as Unix seconds), Domain Name API\'s in ' +
        'DOMAIN_NAME_API_TIME_ZONE (default Europe/Istanbul); both are converted to UTC here.',
    }),
    lastNotifiedAt: t.expose('lastNotifiedAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When the provider last sent the verification email (Domain Name API only). Sent without an offset and read in ' +
        'the zone the gateway setting DOMAIN_NAME_API_TIME_ZONE names (default Europe/Istanbul), converted to UTC here.',
    }),
    contact: t.field({
      type: ContactRef,
      nullable: true,
      description: 'The contact behind the handle, where the row names one.',
      authScopes: { scope: 'contacts:read' },
      resolve: (row, _args, context) => (row.handle ? providerDataContactLoadKey(context, row.provider, row.handle) : null),
    }),
  }),
});

const EmailVerificationFilterInput = builder.inputType('EmailVerificationFilter', {
  description: 'Every field maps to the upstream filter where the provider has one; the rest is filtered in the gateway.',
  fields: (t) => ({
    providers: t.field({ type: [ProviderEnum], required: false }),
    email: t.string({ required: false }),
    handle: t.string({ required: false }),
    domain: t.string({ required: false }),
    status: t.field({ type: [EmailVerificationStatusEnum], required: false }),
    suspended: t.boolean({ required: false }),
  }),
});

const EmailVerificationConnection = connectionTypes('EmailVerification', EmailVerificationRef, { totalCount: true });

builder.queryField('emailVerifications', (t) =>
  t.field({
    type: EmailVerificationConnection,
    nullable: true,
    description:
      'Email verification rows across providers. Providers that can list (Openprovider) contribute rows for any filter; ' +
      'providers that can only look up one address or handle (Domain Name API) contribute rows when the filter names an email or handle.',
    authScopes: { scope: 'email:read' },
    args: {
      filter: t.arg({ type: EmailVerificationFilterInput, required: false }),
      first: t.arg.int({ required: false, description: 'Page size, 0 to 1000 (default 50); 0 answers no edges, only the page info (and the count).' }),
      after: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, context, info) =>
      withPartialFailures(await context.services.emailVerifications.list(args.filter ?? null, args, context), context, info),
  }),
);

builder.objectField(ContactRef, 'emailVerifications', (t) =>
  t.field({
    type: [EmailVerificationRef],
    nullable: true,
    description:
      'Email-address verification rows for this contact (one per domain where the provider keeps them per domain). ' +
      'Null (with an error naming the provider) when that provider fails; the rest of the contact still resolves.',
    authScopes: { scope: 'email:read' },
    resolve: (contact, _args, context) => context.services.emailVerifications.forContact(contact, context),
  }),
);

const ResendEmailVerificationInput = builder.inputType('ResendEmailVerificationInput', {
  description:
    'Give the email or the contact handle (Domain Name API calls it External ID); both only with the email:read scope\n' +
    '(the gateway then checks that the handle has that address).\n' +
    "Realtime Register: the handle (and customer); resends the holder's email validation reminder.",
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, required: true }),
    email: t.string({ required: false }),
    handle: t.string({ required: false }),
    customer: t.string({ required: false, description: 'Realtime Register customer; the configured one when omitted.' }),
    language: t.string({ required: false, description: 'Language of the notice where the provider supports it (Openprovider), e.g. en.' }),
  }),
});

const ResendEmailVerificationSuccess = builder
  .objectRef<{ emailVerification: EmailVerification | null }>('ResendEmailVerificationSuccess')
  .implement({
    description: 'The provider sent the verification email again.',
    fields: (t) => ({
      emailVerification: t.field({ type: EmailVerificationRef, nullable: true, resolve: (result) => result.emailVerification }),
    }),
  });

builder.mutationField('resendEmailVerification', (t) =>
  t.field({
    type: ResendEmailVerificationSuccess,
    description:
      "Domain Name API (resend notice), Openprovider (restart verification) or Realtime Register (the holder's validation reminder; its emailVerification is null). One email per recipient a minute: another within it is a ProviderError RATE_LIMITED and sends nothing.",
    authScopes: { scope: 'email:write' },
    errors: {
      types: [InputRejected, NotFound, ProviderFailure, Unavailable],
      directResult: true,
      union: { name: 'ResendEmailVerificationResult' },
    },
    args: { input: t.arg({ type: ResendEmailVerificationInput, required: true }) },
    resolve: async (_root, { input }, context, info) => {
      // With both, the gateway compares the handle's address with the one given and says when they differ: an answer
      // about an address that only email:read may see. Without it, each guess would confirm or deny one address.
      if (input.email?.trim() && input.handle?.trim() && !context.principal.scopes.has('email:read')) {
        throw new InputRejected([problem(['email'], 'COMBINATION_NOT_ALLOWED', "Give the handle or the email address, not both: checking that they belong together reads the handle's address, which needs the email:read scope.")]);
      }
      return { emailVerification: await withRefusalsAsResults(() => context.services.emailVerifications.resend(input, context), context, info) };
    },
  }),
);
