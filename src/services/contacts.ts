import { checkVerifications } from '../domain/check-verifications.js';
import type { Contact, ContactDraft, ContactKey } from '../domain/contact.js';
import { contactKeyString } from '../domain/contact.js';
import { InputRejected, NotFound, OUTCOME_UNKNOWN, ProviderFailure, Unavailable } from '../domain/errors.js';
import type { FieldProblem } from '../domain/field-problem.js';
import { problem } from '../domain/field-problem.js';
import { isProviderHandle, isRtrHandle } from '../domain/handles.js';
import { controlCharacterProblems } from '../domain/input-text.js';
import type { Provider } from '../domain/providers.js';
import { PROVIDER_LABEL } from '../domain/providers.js';
import type { ContactVerificationDraft, VerificationClaim } from '../domain/verification.js';
import type { VerificationRequest } from '../domain/verification-request.js';
import type { RealtimeRegisterClient } from '../providers/realtime-register/client.js';
import { contactFromDraft, verificationFromDraft } from '../providers/realtime-register/map.js';
import { contactDraftProblems, handleProblems } from '../providers/realtime-register/validate.js';
import { StoreUnavailable } from '../store/index.js';
import type { ContactSource } from './contact-sources.js';
import type { ServiceDeps } from './deps.js';
import type { OutboxService } from './outbox.js';
import { recordSubmissionEffect } from './outbox-effects.js';
import { assertStoreWritable } from './store-guard.js';
import { ReadThrough } from './read-through.js';
import { RealtimeRegisterContactBatcher } from './realtime-register-contact-batcher.js';
import type { RequestScope } from './request-scope.js';
import { spendUpstream } from './upstream-budget.js';
import type { SubmissionRecord, VerificationRequestService } from './verification-requests.js';

export interface SubmitVerificationInput {
  handle: string;
  customer?: string | null;
  verifications: ContactVerificationDraft[];
  requestId?: string | null;
}

export interface SubmitVerificationResult {
  /** Null: the contact is read afresh (through `key`) only when the caller asks for it. */
  contact: Contact | null;
  /** The contact the evidence was attached to, default customer filled in. */
  key: ContactKey;
  async: boolean;
  processId: string | null;
  request: VerificationRequest | null;
  /** True when the request's new status and the VERIFICATION_SUBMITTED event wait in the outbox (the store was down). */
  eventPending: boolean;
}

export interface CreateContactResult {
  contact: Contact;
  async: boolean;
  processId: string | null;
}

/** Contacts of every provider that has them, and the Realtime Register writes. */
export interface ContactService {
  /**
   * The normalised key for a lookup: the default Realtime Register customer filled in, customer dropped for other
   * providers. Throws InputRejected for a malformed handle and ProviderFailure when the provider is disabled.
   */
  keyFor(provider: Provider, handle: string, customer?: string | null): ContactKey;
  /**
   * keyFor for a contact named by provider data the gateway holds (a notification's customer and handle on a
   * verification request, a handle in an email-verification row), not by the caller: a value failing the handle rules
   * there is the provider's bad data, so it throws ProviderFailure (PROVIDER_ERROR), never InputRejected (the caller
   * sent nothing wrong).
   */
  keyForProviderData(provider: Provider, handle: string, customer?: string | null): ContactKey;
  /**
   * DataLoader batch function: one entry per key, null where the provider has no such contact, and the provider's
   * error where its lookup failed (one failing provider does not fail the other providers' keys in the batch).
   */
  load(keys: readonly ContactKey[], scope: RequestScope): Promise<(Contact | null | Error)[]>;
  /**
   * The contact the in-process cache holds for a key from keyFor, at once: undefined when it holds none (or only that
   * there is none), a read of it is in flight, or the cache is Redis. `load` answers everything else.
   */
  held(key: ContactKey): Contact | undefined;
  /** Throws InputRejected, Conflict, ProviderFailure or Unavailable (the store is down: nothing sent). */
  create(input: ContactDraft, scope: RequestScope): Promise<CreateContactResult>;
  /** Throws InputRejected, NotFound, ProviderFailure or Unavailable (the store is down: nothing sent). */
  submitVerification(input: SubmitVerificationInput, scope: RequestScope): Promise<SubmitVerificationResult>;
}

export interface ContactServiceDeps extends ServiceDeps {
  verificationRequests: VerificationRequestService;
  /** Where the records of accepted writes wait when the store cannot take them at once. */
  outbox: OutboxService;
  /** Lookups for Openprovider and Domain Name API contacts, provided by the email-verification capability. */
  contactSources?: Partial<Record<Provider, ContactSource>>;
}

export function createContactService(deps: ContactServiceDeps): ContactService {
  const contacts = new ReadThrough<Contact>(deps.stores.cache, 'contact');

  const realtimeRegister = (): RealtimeRegisterClient => {
    const client = deps.clients.realtimeRegister;
    if (!client) throw ProviderFailure.disabled('REALTIME_REGISTER');
    return client;
  };

  const assertEnabled = (provider: Provider): void => {
    const client = { REALTIME_REGISTER: deps.clients.realtimeRegister, OPENPROVIDER: deps.clients.openprovider, DOMAIN_NAME_API: deps.clients.domainNameApi, VERIFF: deps.clients.veriff }[provider];
    if (!client) throw ProviderFailure.disabled(provider);
  };

  // Misses of concurrent requests share list calls (realtime-register-contact-batcher.ts).
  const rtrBatcher = new RealtimeRegisterContactBatcher(realtimeRegister);

  /**
   * Realtime Register: cache first, then list calls (`handle:in=`) of up to LIST_LIMIT_MAX distinct missing handles
   * (fewer once the provider showed a smaller page cap: the batcher's handlesPerCall),
   * shared with the misses of other requests made at the same moment. The request pays its budget as if it read alone.
   */
  const loadRealtimeRegister = async (customer: string, handles: string[], scope: RequestScope): Promise<(Contact | null)[]> => {
    realtimeRegister();
    const handleOf = new Map(handles.map((handle) => [rtrKey(customer, handle), handle]));
    return contacts.getMany([...handleOf.keys()], async (missing) => {
      const wanted = missing.map((key) => handleOf.get(key)!);
      await spendUpstream(scope, 'REALTIME_REGISTER', Math.ceil(wanted.length / rtrBatcher.handlesPerCall));
      const found = await rtrBatcher.load(customer, wanted, scope);
      return new Map([...found].map(([handle, contact]) => [rtrKey(customer, handle), contact]));
    });
  };

  /** Openprovider and Domain Name API: one read per handle at most, so one contact's failed read is that contact's Error. */
  const loadFromSource = async (provider: Provider, handles: string[], scope: RequestScope): Promise<(Contact | null | Error)[]> => {
    assertEnabled(provider);
    const source = deps.contactSources?.[provider];
    if (!source) throw ProviderFailure.disabled(provider);
    const keyOf = (handle: string) => contactKeyString({ provider, customer: null, handle });
    const handleOf = new Map(handles.map((handle) => [keyOf(handle), handle]));
    return contacts.getManySettled([...handleOf.keys()], async (missing) => {
      const byHandle = await source.load(missing.map((key) => handleOf.get(key)!), scope);
      return new Map([...byHandle].map(([handle, contact]) => [keyOf(handle), contact]));
    });
  };

  /** The request named by requestId and what is wrong with using it for this contact. */
  const requestFor = async (input: SubmitVerificationInput, customer: string): Promise<{ request: VerificationRequest | null; problems: FieldProblem[] }> => {
    if (!input.requestId) return { request: null, problems: [] };
    const request = await deps.verificationRequests.get(input.requestId);
    if (!request) return { request: null, problems: [problem(['requestId'], 'INVALID_VALUE', 'There is no verification request with this id.')] };
    const sameContact = request.provider === 'REALTIME_REGISTER' && request.contactHandle === input.handle && (request.customer ?? customer) === customer;
    if (!sameContact) {
      // Whose it is stays unsaid: request ids are sequential, and contacts:write alone must not list the contacts they name.
      // Nor is the handle given quoted back: it is the caller's text, which may be anything, an ID number included.
      return { request: null, problems: [problem(['requestId'], 'CONFLICT', 'This request is for another contact.')] };
    }
    return { request, problems: [] };
  };

  /**
   * After the provider accepted the evidence, ONE idempotent call does all the store work (the request's submission
   * and status, the follow-up of a 202's process, the events). It goes through the outbox: stored now or, if the store
   * just went away, kept and retried until stored, since the evidence is at the provider either way. The answer
   * carries the request as stored; while pending, the request as it was.
   */
  const recordAccepted = async (record: SubmissionRecord, request: VerificationRequest | null, scope: RequestScope) => {
    const { pending, results } = await deps.outbox.settle(`submitContactVerification ${record.handle}`, [recordSubmissionEffect(record)], scope.logger);
    return { request: pending ? request : ((results[0] as VerificationRequest | null | undefined) ?? request), pending };
  };

  /**
   * A write sent with no answer may have changed the contact: its cached copy is dropped, so the check the caller is
   * told to make ("check its state before sending it again") reads the provider, not the copy from before the write,
   * which would show no evidence and invite sending it twice.
   */
  const forgetIfOutcomeUnknown = async (error: unknown, key: string, scope: RequestScope): Promise<void> => {
    if (!(error instanceof ProviderFailure && error.code === OUTCOME_UNKNOWN)) return;
    await contacts.invalidate(key).catch((cacheError: unknown) => {
      scope.logger.warn({ error: cacheError instanceof Error ? cacheError.message : String(cacheError) }, 'could not drop the cached contact after a write of unknown outcome');
    });
  };

  const service: ContactService = {
    keyFor(provider, handle, customer) {
      if (provider === 'VERIFF') throw new InputRejected([problem(['provider'], 'NOT_ALLOWED', 'Veriff has no contacts.')]);
      if (provider === 'REALTIME_REGISTER') {
        const problems = handleProblems(handle, customer);
        if (problems.length) throw new InputRejected(problems);
        const client = realtimeRegister();
        return { provider, customer: customer ?? client.defaultCustomer, handle };
      }
      if (!isProviderHandle(handle)) {
        throw new InputRejected([problem(['handle'], 'INVALID_FORMAT', 'handle must be 1 to 64 characters of A-Z, a-z, 0-9, -, _, . and @ (not dots only).')]);
      }
      assertEnabled(provider);
      return { provider, customer: null, handle };
    },

    keyForProviderData(provider, handle, customer) {
      try {
        return service.keyFor(provider, handle, customer);
      } catch (error) {
        if (!(error instanceof InputRejected)) throw error;
        const names = error.fieldErrors.map((fieldError) => fieldError.path.join('.')).join(' and ');
        throw new ProviderFailure(provider, `${PROVIDER_LABEL[provider]} sent a contact ${names || 'reference'} the gateway cannot use, so the contact cannot be read.`, {
          kind: 'ERROR',
          retryable: false,
        });
      }
    },

    async load(keys, scope) {
      const groups = new Map<string, { provider: Provider; customer: string | null; handles: Set<string> }>();
      for (const key of keys) {
        // Keys from node ids are not normalised by keyFor: a handle the provider could never have is simply absent.
        if (key.provider === 'VERIFF' || (key.provider === 'REALTIME_REGISTER' ? !isRtrHandle(key.handle) : !isProviderHandle(key.handle))) continue;
        const customer = key.provider === 'REALTIME_REGISTER' ? (key.customer ?? realtimeRegister().defaultCustomer) : null;
        if (customer !== null && !isRtrHandle(customer)) continue;
        const groupKey = `${key.provider}:${customer ?? ''}`;
        const group = groups.get(groupKey) ?? { provider: key.provider, customer, handles: new Set<string>() };
        group.handles.add(key.handle);
        groups.set(groupKey, group);
      }
      const found = new Map<string, Contact | Error>();
      const failed = new Map<string, Error>();
      await Promise.all(
        [...groups].map(async ([groupKey, { provider, customer, handles }]) => {
          const wanted = [...handles];
          try {
            const values = customer !== null ? await loadRealtimeRegister(customer, wanted, scope) : await loadFromSource(provider, wanted, scope);
            values.forEach((contact, index) => {
              if (contact) found.set(contactKeyString({ provider, customer, handle: wanted[index]! }), contact);
            });
          } catch (error) {
            failed.set(groupKey, error instanceof Error ? error : new Error(String(error)));
          }
        }),
      );
      return keys.map((key) => {
        const customer = key.provider === 'REALTIME_REGISTER' ? (key.customer ?? deps.clients.realtimeRegister?.defaultCustomer ?? null) : null;
        return failed.get(`${key.provider}:${customer ?? ''}`) ?? found.get(contactKeyString({ ...key, customer })) ?? null;
      });
    },

    held(key) {
      return contacts.peek(contactKeyString(key)) ?? undefined;
    },

    async create(input, scope) {
      const client = realtimeRegister();
      const problems = [...contactDraftProblems(input), ...controlCharacterProblems(input)];
      if (problems.length) throw new InputRejected(problems);
      await assertStoreWritable(deps.stores);
      const customer = input.customer ?? client.defaultCustomer;
      await spendUpstream(scope, 'REALTIME_REGISTER', 1);
      try {
        const result = await client.createContact({ ...input, customer }, { customer, requestId: scope.requestId, upstream: scope.upstream });
        await contacts.invalidate(rtrKey(customer, input.handle));
        return { contact: contactFromDraft(input, customer), async: result.async, processId: result.processId };
      } catch (error) {
        await forgetIfOutcomeUnknown(error, rtrKey(customer, input.handle), scope);
        // The createContact union has no NotFoundError: a 404 here can only mean the customer does not exist.
        if (error instanceof NotFound) throw new InputRejected([problem(['customer'], 'INVALID_VALUE', 'Realtime Register has no such customer.')]);
        throw error;
      }
    },

    async submitVerification(input, scope) {
      const client = realtimeRegister();
      const customer = input.customer ?? client.defaultCustomer;
      const problems = handleProblems(input.handle, input.customer);
      const { request, problems: requestProblems } = await requestFor(input, customer).catch((error: unknown) => {
        if (error instanceof StoreUnavailable) throw new Unavailable();
        throw error;
      });
      const required: VerificationClaim[] = request?.claims ?? [];
      problems.push(...requestProblems, ...checkVerifications(input.verifications, required, ['verifications'], Date.now()).problems, ...controlCharacterProblems(input.verifications, ['verifications']));
      if (problems.length) throw new InputRejected(problems);
      await assertStoreWritable(deps.stores);

      const verifications = input.verifications.map(verificationFromDraft);
      await spendUpstream(scope, 'REALTIME_REGISTER', 1);
      const key: ContactKey = { provider: 'REALTIME_REGISTER', customer, handle: input.handle };
      const result = await client.updateContact(input.handle, { verifications }, { customer, requestId: scope.requestId, upstream: scope.upstream }).catch(async (error: unknown) => {
        await forgetIfOutcomeUnknown(error, contactKeyString(key), scope);
        throw error;
      });
      await contacts.invalidate(contactKeyString(key));
      const recorded = await recordAccepted(
        {
          customer,
          handle: input.handle,
          verifications,
          requestId: request?.id ?? null,
          async: result.async,
          processId: result.processId,
          submittedAt: new Date().toISOString(),
          submittedBy: scope.principal?.name ?? null,
        },
        request,
        scope,
      );
      return { contact: null, key, async: result.async, processId: result.processId, request: recorded.request, eventPending: recorded.pending };
    },
  };
  return service;
}

function rtrKey(customer: string, handle: string): string {
  return contactKeyString({ provider: 'REALTIME_REGISTER', customer, handle });
}
