import { checkVerifications } from '../../domain/check-verifications.js';
import type { ContactDraft } from '../../domain/contact.js';
import { isCountryCode } from '../../domain/countries.js';
import type { FieldProblem } from '../../domain/field-problem.js';
import { problem } from '../../domain/field-problem.js';
import { isEmailAddress, isRtrHandle, isVoiceNumber } from '../../domain/handles.js';
import { overlongTextProblems } from '../../domain/input-text.js';

/** Realtime Register keeps one to three address lines (providers/realtime-register.md, "Contact fields"). */
export const ADDRESS_LINES_MAX = 3;

/**
 * The longest text a contact field may hold. Realtime Register publishes no bound; it speaks EPP to the registries,
 * whose contact fields (name, org, street, city, sp) are at most 255 characters (RFC 5733, postalLineType). Nothing
 * longer could be registered anyway, and no caller sends the provider a 50,000-character name through the gateway.
 */
export const CONTACT_TEXT_MAX = 255;

/** Handle and customer as path segments: 3–40 characters of [a-zA-Z0-9-_@.]. */
export function handleProblems(handle: string, customer: string | null | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isRtrHandle(handle)) problems.push(problem(['handle'], 'INVALID_FORMAT', 'handle must be 3 to 40 characters of a-z, A-Z, 0-9, -, _, @ and . (not dots only).'));
  if (customer !== null && customer !== undefined && !isRtrHandle(customer)) {
    problems.push(problem(['customer'], 'INVALID_FORMAT', 'customer must be 3 to 40 characters of a-z, A-Z, 0-9, -, _, @ and . (not dots only).'));
  }
  return problems;
}

/**
 * Everything Realtime Register would refuse in a new contact, found before anything is sent: the handle, required
 * fields, voice/fax as +CC.NUMBER, ISO 3166-1 alpha-2 country, the email, every text at most CONTACT_TEXT_MAX
 * characters, and the verifications against the DENIC matrix (including the LOG_RECORD one-claim rule).
 */
export function contactDraftProblems(draft: ContactDraft): FieldProblem[] {
  const problems = handleProblems(draft.handle, draft.customer);
  const required = (field: 'name' | 'postalCode' | 'city' | 'country' | 'email' | 'voice') => {
    const ok = typeof draft[field] === 'string' && draft[field].trim() !== '';
    if (!ok) problems.push(problem([field], 'REQUIRED', `${field} is required.`));
    return ok;
  };
  required('name');
  required('postalCode');
  required('city');
  if (draft.addressLines.length === 0) problems.push(problem(['addressLines'], 'REQUIRED', 'At least one address line is required.'));
  if (draft.addressLines.length > ADDRESS_LINES_MAX) {
    problems.push(problem(['addressLines'], 'INVALID_VALUE', `At most ${ADDRESS_LINES_MAX} address lines are allowed.`));
  }
  draft.addressLines.forEach((line, index) => {
    if (line.trim() === '') problems.push(problem(['addressLines', index], 'REQUIRED', 'Address lines must not be empty.'));
  });
  if (required('country') && !isCountryCode(draft.country)) {
    problems.push(problem(['country'], 'INVALID_VALUE', 'country must be an ISO 3166-1 alpha-2 code in capitals, e.g. DE or NL.'));
  }
  if (required('email') && !isEmailAddress(draft.email)) problems.push(problem(['email'], 'INVALID_FORMAT', 'email is not a valid address.'));
  if (required('voice') && !isVoiceNumber(draft.voice)) {
    problems.push(problem(['voice'], 'INVALID_FORMAT', 'voice must be +CC.NUMBER, e.g. +31.201234567.'));
  }
  if (draft.fax && !isVoiceNumber(draft.fax)) problems.push(problem(['fax'], 'INVALID_FORMAT', 'fax must be +CC.NUMBER, e.g. +31.201234567.'));
  if (draft.verifications?.length) problems.push(...checkVerifications(draft.verifications, [], ['verifications'], Date.now()).problems);
  problems.push(...overlongTextProblems({ ...draft, verifications: undefined }, CONTACT_TEXT_MAX));
  return problems;
}
