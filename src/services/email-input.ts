import type { EmailVerificationFilter } from '../domain/email-verification.js';
import type { FieldProblem } from '../domain/field-problem.js';
import { problem } from '../domain/field-problem.js';
import { providerHandleProblems } from '../domain/handle-problems.js';
import { isEmailAddress, isRtrHandle } from '../domain/handles.js';
import { controlCharacterProblems } from '../domain/input-text.js';
import type { Provider } from '../domain/providers.js';
import type { PageArgs } from './page.js';

/** Providers with email verification. */
export const EMAIL_PROVIDERS: readonly Provider[] = ['OPENPROVIDER', 'DOMAIN_NAME_API'];

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** `en`, `nl`, `en_US`, `pt-BR`. */
const LANGUAGE = /^[a-z]{2}(?:[-_][A-Za-z]{2})?$/;

/**
 * Page size: default 50, 0 to 1000. Relay's cursor connections spec refuses only a negative first: first: 0 asks for
 * the count (and hasNextPage) alone.
 */
export function pageSizeProblems(page: PageArgs): FieldProblem[] {
  const first = page.first;
  if (first === null || first === undefined) return [];
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    // The value is not quoted back: an Int holds ten digits, as some ID numbers have, and the caller knows what it sent.
    return [problem(['first'], 'INVALID_VALUE', `first must be from 0 to ${MAX_PAGE_SIZE}.`)];
  }
  return [];
}

/** Trimmed filter with empty strings and empty lists dropped (an empty list means "any"). */
export function normaliseFilter(filter: EmailVerificationFilter | null): EmailVerificationFilter {
  const text = (value: string | null | undefined) => {
    const trimmed = value?.trim();
    return trimmed ? trimmed : null;
  };
  return {
    providers: filter?.providers?.length ? filter.providers : null,
    email: text(filter?.email)?.toLowerCase() ?? null,
    handle: text(filter?.handle),
    domain: text(filter?.domain)?.toLowerCase() ?? null,
    status: filter?.status?.length ? filter.status : null,
    suspended: filter?.suspended ?? null,
  };
}

export function filterProblems(filter: EmailVerificationFilter): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (filter.email && !isEmailAddress(filter.email)) problems.push(problem(['filter', 'email'], 'INVALID_FORMAT', 'email is not an email address.'));
  problems.push(...providerHandleProblems(filter.handle, ['filter', 'handle']));
  if (filter.domain && !/^[a-z0-9.-]{1,253}$/i.test(filter.domain)) problems.push(problem(['filter', 'domain'], 'INVALID_FORMAT', 'domain is not a domain name.'));
  return problems;
}

export interface ResendFields {
  provider: Provider;
  email?: string | null;
  handle?: string | null;
  customer?: string | null;
  language?: string | null;
}

/** Providers whose email verification can be resent: the two with rows, and Realtime Register's contact validation. */
const RESEND_PROVIDERS: readonly Provider[] = [...EMAIL_PROVIDERS, 'REALTIME_REGISTER'];

/**
 * Realtime Register resends by contact (`POST .../contacts/{handle}/validate`): the handle is required and, like the
 * customer, must pass the path-segment rule (3-40 of [a-zA-Z0-9-_@.]) before anything is sent.
 */
function realtimeRegisterResendProblems(input: ResendFields): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const handle = input.handle?.trim();
  if (!handle) problems.push(problem(['handle'], 'REQUIRED', 'Give the contact handle: Realtime Register resends by contact.'));
  else if (!isRtrHandle(handle)) problems.push(problem(['handle'], 'INVALID_FORMAT', 'handle must be 3 to 40 characters of a-z, A-Z, 0-9, -, _, @ and .'));
  const customer = input.customer?.trim();
  if (customer && !isRtrHandle(customer)) problems.push(problem(['customer'], 'INVALID_FORMAT', 'customer must be 3 to 40 characters of a-z, A-Z, 0-9, -, _, @ and .'));
  if (input.email?.trim()) problems.push(problem(['email'], 'NOT_ALLOWED', 'Realtime Register resends by handle; leave email out.'));
  return problems;
}

/**
 * Everything wrong with a resend input, found before anything is sent. A field the provider has no use for (an
 * Openprovider customer, a Realtime Register language) is ignored, but not unchecked: control characters are refused
 * in every field, as in every other input, so no NUL rides along with a request that is then sent.
 */
export function resendProblems(input: ResendFields): FieldProblem[] {
  const problems = fieldProblems(input);
  const named = new Set(problems.map((found) => found.path.join('.')));
  // Trimmed, as each value is used: whitespace around a value is dropped before sending, as it always was.
  const trimmed = { email: input.email?.trim(), handle: input.handle?.trim(), customer: input.customer?.trim(), language: input.language?.trim() };
  for (const found of controlCharacterProblems(trimmed)) if (!named.has(found.path.join('.'))) problems.push(found);
  return problems;
}

function fieldProblems(input: ResendFields): FieldProblem[] {
  if (input.provider === 'REALTIME_REGISTER') return realtimeRegisterResendProblems(input);
  const problems: FieldProblem[] = [];
  if (!RESEND_PROVIDERS.includes(input.provider)) {
    problems.push(problem(['provider'], 'NOT_ALLOWED', 'Email verification can be resent at OPENPROVIDER, DOMAIN_NAME_API or REALTIME_REGISTER only.'));
  }
  const email = input.email?.trim();
  const handle = input.handle?.trim();
  if (!email && !handle) problems.push(problem(['email'], 'REQUIRED', 'Give the email address or the contact handle.'));
  if (email && !isEmailAddress(email)) problems.push(problem(['email'], 'INVALID_FORMAT', 'email is not an email address.'));
  problems.push(...providerHandleProblems(handle, ['handle']));
  const language = input.language?.trim();
  if (language && !LANGUAGE.test(language)) problems.push(problem(['language'], 'INVALID_FORMAT', 'language must be a language code such as en or nl.'));
  return problems;
}
