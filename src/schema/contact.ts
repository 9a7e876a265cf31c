import type { Contact, ContactKey } from '../domain/contact.js';
import { createContextCache } from '@pothos/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { contactKeyString, parseContactKey } from '../domain/contact.js';
import { Conflict, InputRejected, NotFound, ProviderFailure, Unavailable } from '../domain/errors.js';
import type { Provider } from '../domain/providers.js';
import type { SubmitVerificationResult } from '../services/contacts.js';
import { builder, ownResultScopes } from './builder.js';
import type { GatewayContext } from './context.js';
import { ProviderEnum, VerificationRequestStatusEnum } from './enums.js';
import { ContactVerificationInput, ContactVerificationRef } from './verification-matrix.js';
import { VerificationRequestRef } from './verification-request.js';
import { withRefusalsAsResults } from './mutation-refusals.js';
import { brandable } from './node-results.js';

/**
 * Contacts load through a per-request DataLoader keyed by (provider, customer, handle): any field that resolves
 * to a contact key is batched with every other in the same request.
 */
export const ContactRef = builder.loadableNode(builder.objectRef<Contact>('Contact'), {
  description: 'A domain contact (holder, admin, ...) as one provider stores it.',
  id: { resolve: (contact) => contactKeyString(contact) },
  // One result per id, in order: a contact, null (not found), or the Error of a provider whose lookup failed, which
  // fails only its own keys. No `sort`: with it one Error would fail the whole batch (STACK.md pitfall 7).
  // Keys from node ids were never checked: each goes through the same handle rules as the `contact` arguments, so a
  // forged one (`..`, a path separator) is BAD_USER_INPUT and reaches no provider.
  load: async (ids: string[], context) => {
    const keys = ids.map((id): ContactKey | Error | undefined => {
      const key = parseContactKey(id);
      if (!key) return undefined;
      try {
        return context.services.contacts.keyFor(key.provider, key.handle, key.customer);
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    });
    const wanted = keys.filter((key): key is ContactKey => key !== undefined && !(key instanceof Error));
    const found = wanted.length ? await context.services.contacts.load(wanted, context) : [];
    let next = 0;
    return keys.map((key) => (key === undefined ? null : key instanceof Error ? key : brandable(found[next++] ?? null))) as (Contact | Error)[];
  },
  // contacts:read; a contacts:write key also sees the contact its own createContact just built from its input.
  authScopes: ownResultScopes<Contact>('contacts:read', 'contacts:write'),
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum }),
    customer: t.exposeString('customer', { nullable: true, description: 'Realtime Register customer the handle belongs to; null for other providers.' }),
    handle: t.exposeString('handle'),
    name: t.exposeString('name', { nullable: true }),
    organization: t.exposeString('organization', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    voice: t.exposeString('voice', { nullable: true }),
    addressLines: t.exposeStringList('addressLines'),
    postalCode: t.exposeString('postalCode', { nullable: true }),
    city: t.exposeString('city', { nullable: true }),
    state: t.exposeString('state', { nullable: true }),
    country: t.exposeString('country', { nullable: true, description: 'ISO 3166-1 alpha-2.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true }),
    verifications: t.field({
      type: [ContactVerificationRef],
      description: 'Verification evidence stored for this contact at the provider.',
      resolve: (contact) => contact.verifications,
    }),
    emailVerificationStatus: t.string({
      nullable: true,
      description:
        "Openprovider only: the customer's `email_verification_status` exactly as Openprovider reports it (e.g. \"ACT\"); " +
        'null for other providers or when Openprovider sends none. The per-domain rows are in emailVerifications.',
      resolve: (contact) => contact.emailVerificationStatus ?? null,
    }),
  }),
});

/** The loader key of a contact, normalised by the contact service (default customer, handle checks). */
export function contactLoadKey(context: GatewayContext, provider: Provider, handle: string, customer?: string | null): string {
  return contactKeyString(context.services.contacts.keyFor(provider, handle, customer));
}

/** The same for a contact named by provider data the gateway holds, not by the caller (keyForProviderData). */
export function providerDataContactLoadKey(context: GatewayContext, provider: Provider, handle: string, customer?: string | null): string {
  return contactKeyString(context.services.contacts.keyForProviderData(provider, handle, customer));
}

builder.queryField('contact', (t) =>
  t.field({
    type: ContactRef,
    nullable: true,
    description: 'Realtime Register, Openprovider and Domain Name API contacts. Null when the provider has no such handle.',
    authScopes: { scope: 'contacts:read' },
    args: {
      provider: t.arg({ type: ProviderEnum, required: true }),
      handle: t.arg.string({ required: true }),
      customer: t.arg.string({ required: false }),
    },
    // A contact the in-process cache holds is the answer at once (Pothos' loader passes an object through); the loader
    // (batching, the upstream budget) reads the rest. Either way the same object, copied as the loader copies it.
    resolve: (_root, args, context) => {
      const key = context.services.contacts.keyFor(args.provider, args.handle, args.customer);
      const held = context.services.contacts.held(key);
      return held ? brandable(held) : contactKeyString(key);
    },
  }),
);

builder.queryField('contacts', (t) =>
  t.field({
    type: [ContactRef],
    nullable: { list: false, items: true },
    description: 'Batched lookup; the list has one entry per handle, in order, null where not found.',
    authScopes: { scope: 'contacts:read' },
    // The list is non-null: without the scope every slot carries the FORBIDDEN error (siblings still resolve).
    unauthorizedResolver: (_root, args, _context, _info, error) => args.handles.map(() => error) as never,
    args: {
      provider: t.arg({ type: ProviderEnum, required: true }),
      handles: t.arg.stringList({ required: true }),
      customer: t.arg.string({ required: false }),
    },
    // A handle the gateway refuses (the handle rules, a provider without contacts or not configured) is an error in
    // its own slot, like a lookup that failed: thrown, it failed the whole non-null list and the response's data.
    resolve: (_root, args, context) =>
      args.handles.map((handle, index) => {
        try {
          return contactLoadKey(context, args.provider, handle, args.customer);
        } catch (error) {
          return atHandleIndex(error, index);
        }
      }) as string[],
  }),
);

/** The refusal of one handle of `contacts`, its field errors pointing at that handle: ["handles", "<index>"]. */
function atHandleIndex(error: unknown, index: number): Error {
  if (!(error instanceof InputRejected)) return error instanceof Error ? error : new Error(String(error));
  const fieldErrors = error.fieldErrors.map((fieldError) => (fieldError.path[0] === 'handle' ? { ...fieldError, path: ['handles', String(index)] } : fieldError));
  return new InputRejected(fieldErrors, error.message);
}

// ---------------------------------------------------------------- mutations

const SubmitContactVerificationInput = builder.inputType('SubmitContactVerificationInput', {
  fields: (t) => ({
    handle: t.string({ required: true }),
    customer: t.string({ required: false, description: 'Defaults to the configured Realtime Register customer.' }),
    verifications: t.field({ type: [ContactVerificationInput], required: true }),
    requestId: t.id({
      required: false,
      description:
        "When given, the claims must cover this request's claims and the request becomes SUBMITTED on success (PROCESSING while the provider finishes an asynchronous update, then SUBMITTED or REJECTED). Without it the evidence is stored at the provider but answers no request.",
    }),
  }),
});

const SubmitContactVerificationSuccess = builder.objectRef<SubmitVerificationResult>('SubmitContactVerificationSuccess').implement({
  description: 'The provider accepted the evidence.',
  fields: (t) => ({
    // Read afresh through the loader (the write invalidated the cache), and only when asked for: a read, so it needs
    // contacts:read, checked before the read is made.
    contact: t.field({
      type: ContactRef,
      nullable: true,
      authScopes: { scope: 'contacts:read' },
      resolve: (result) => result.contact ?? contactKeyString(result.key),
    }),
    async: t.exposeBoolean('async', { description: 'True when the provider will finish the update asynchronously (HTTP 202).' }),
    processId: t.exposeString('processId', { nullable: true }),
    request: t.field({ type: VerificationRequestRef, nullable: true, resolve: (result) => result.request }),
    eventPending: t.exposeBoolean('eventPending', {
      description:
        'True when the provider accepted the evidence but the gateway\'s store could not take what it records (the ' +
        'VerificationSubmittedEvent, the request\'s new status) at that moment: they wait in the gateway\'s outbox and are ' +
        'stored as soon as the store is back, exactly once. False when they are stored.',
    }),
  }),
});

builder.mutationField('submitContactVerification', (t) =>
  t.field({
    type: SubmitContactVerificationSuccess,
    description: 'Realtime Register: attach verification evidence to an existing contact.',
    authScopes: { scope: 'contacts:write' },
    errors: {
      types: [InputRejected, NotFound, ProviderFailure, Unavailable],
      directResult: true,
      union: { name: 'SubmitContactVerificationResult' },
    },
    args: { input: t.arg({ type: SubmitContactVerificationInput, required: true }) },
    resolve: (_root, { input }, context, info) =>
      withRefusalsAsResults(() => context.services.contacts.submitVerification({ ...input, requestId: verificationRequestId(input.requestId) }, context), context, info),
  }),
);

/** requestId as clients hold it (the VerificationRequest's global ID); a raw request id passes unchanged. */
function verificationRequestId(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  try {
    const { typename, id } = decodeGlobalID(String(value));
    return typename === 'VerificationRequest' ? id : String(value);
  } catch {
    return String(value);
  }
}

const CreateContactInput = builder.inputType('CreateContactInput', {
  fields: (t) => ({
    handle: t.string({ required: true }),
    customer: t.string({ required: false }),
    brand: t.string({ required: false }),
    name: t.string({ required: true }),
    organization: t.string({ required: false }),
    addressLines: t.stringList({ required: true }),
    postalCode: t.string({ required: true }),
    city: t.string({ required: true }),
    state: t.string({ required: false }),
    country: t.string({ required: true, description: 'ISO 3166-1 alpha-2.' }),
    email: t.string({ required: true }),
    voice: t.string({ required: true, description: '+CC.NUMBER, e.g. +31.201234567' }),
    fax: t.string({ required: false }),
    verifications: t.field({ type: [ContactVerificationInput], required: false }),
  }),
});

const CreateContactSuccess = builder
  .objectRef<{ contact: Contact; async: boolean; processId: string | null }>('CreateContactSuccess')
  .implement({
    description: 'The contact was created.',
    fields: (t) => ({
      contact: t.field({ type: ContactRef, resolve: (result) => result.contact }),
      async: t.exposeBoolean('async'),
      processId: t.exposeString('processId', { nullable: true }),
    }),
  });

builder.mutationField('createContact', (t) =>
  t.field({
    type: CreateContactSuccess,
    description: 'Realtime Register: create a contact, optionally with verification evidence.',
    authScopes: { scope: 'contacts:write' },
    errors: {
      types: [InputRejected, Conflict, ProviderFailure, Unavailable],
      directResult: true,
      union: { name: 'CreateContactResult' },
    },
    args: { input: t.arg({ type: CreateContactInput, required: true }) },
    resolve: async (_root, { input }, context, info) => {
      const result = await withRefusalsAsResults(() => context.services.contacts.create(input, context), context, info);
      context.ownResults.add(result.contact);
      return result;
    },
  }),
);

// ---------------------------------------------------------------- contact <-> verification request

/**
 * One read of the request store per execution, whatever number of contacts ask (RequestStoreSnapshot says why). Kept
 * with Pothos's per-request caches, so a subscription forgets it after each event and the next event reads afresh.
 */
const requestStoreSnapshot = createContextCache((context: GatewayContext) => context.services.verificationRequests.snapshot());

builder.objectField(ContactRef, 'verificationRequests', (t) =>
  t.field({
    type: [VerificationRequestRef],
    nullable: true,
    description: 'Requests to verify this contact, soonest deadline first. Null (with an error) when the store is unavailable.',
    // A read of the request store: contacts:read, also on a contact a contacts:write key just created.
    authScopes: { scope: 'contacts:read' },
    args: { status: t.arg({ type: [VerificationRequestStatusEnum], required: false }) },
    resolve: (contact, args, context) =>
      context.services.verificationRequests.forContact(contact.handle, contact.customer, args.status ?? null, requestStoreSnapshot(context)),
  }),
);

builder.objectField(VerificationRequestRef, 'contact', (t) =>
  t.field({
    type: ContactRef,
    nullable: true,
    authScopes: { scope: 'contacts:read' },
    resolve: (request, _args, context) => providerDataContactLoadKey(context, request.provider, request.contactHandle, request.customer),
  }),
);
