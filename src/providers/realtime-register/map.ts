import type { Contact, ContactDraft } from '../../domain/contact.js';
import { toUtcIso } from '../../domain/dates.js';
import type { ContactVerification, ContactVerificationDraft, VerificationClaim, VerificationMethod, VerificationProof } from '../../domain/verification.js';
import { VERIFICATION_CLAIMS, VERIFICATION_METHODS, VERIFICATION_PROOFS } from '../../domain/verification.js';
import { rtrInstant } from './dates.js';
import type { RtrContact, RtrContactCreateBody, RtrContactUpdateBody, RtrVerification } from './wire.js';

/** What an update may change; fields left out stay as they are at the provider. */
export type ContactChanges = Partial<Omit<ContactDraft, 'handle' | 'customer' | 'verifications'>> & {
  verifications?: ContactVerification[];
};

/** Told about every stored value outside the published vocabulary (e.g. a proof RTR added later). */
export type UnknownValueReporter = (field: 'method' | 'proof' | 'claim' | 'verificationDate', value: string) => void;

/**
 * A provider contact in the gateway's shape; `customer` is the one asked for when the body does not name it. Stored
 * verifications with a value outside the published vocabulary never fail the read: an unknown claim is left out of
 * its item, an item with an unknown method or proof (or no usable claim or date) is left out, each reported.
 */
export function contactFromWire(wire: RtrContact, customer: string, onUnknown: UnknownValueReporter = () => {}): Contact {
  return {
    provider: 'REALTIME_REGISTER',
    customer: textOf(wire.customer) || customer,
    handle: wire.handle,
    name: textOf(wire.name),
    organization: textOf(wire.organization) || null,
    email: textOf(wire.email),
    voice: textOf(wire.voice),
    addressLines: addressLinesOf(wire.addressLine),
    postalCode: textOf(wire.postalCode),
    city: textOf(wire.city),
    state: textOf(wire.state) || null,
    country: textOf(wire.country),
    createdAt: rtrInstant(wire.createdDate),
    updatedAt: rtrInstant(wire.updatedDate),
    verifications: (Array.isArray(wire.verifications) ? wire.verifications : []).flatMap((item) => {
      const known = knownVerification(item, onUnknown);
      return known ? [known] : [];
    }),
  };
}

/**
 * True when an answer's entity can be read as a contact: an object with a handle. Anything else is not what the API
 * documents; the caller reports the answer unreadable rather than leave the contact out (which would read as "no such
 * contact").
 */
export function isWireContact(value: unknown): value is RtrContact {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { handle?: unknown }).handle === 'string';
}

/**
 * A text field as the gateway shows it: a string as sent, a number as its digits (a postal code or house number
 * written as a JSON number), anything else (an object, a list, null) as absent. The API documents strings; a value of
 * another type must not make the whole contact unreadable.
 */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}

/** `addressLine` is 1-3 strings; a single string is one line, and empty or non-text entries are left out. */
function addressLinesOf(value: unknown): string[] {
  const lines = Array.isArray(value) ? value : [value];
  return lines.flatMap((line) => {
    const text = textOf(line);
    return text ? [text] : [];
  });
}

/** A stored verification in the domain vocabulary, or null (reported) when it cannot be one. */
export function knownVerification(item: RtrVerification, onUnknown: UnknownValueReporter): ContactVerification | null {
  if (typeof item !== 'object' || item === null) return null;
  const verifiedAt = rtrInstant(item.verificationDate);
  const method = oneOf(VERIFICATION_METHODS, item.method);
  const proof = oneOf(VERIFICATION_PROOFS, item.proof);
  const rawClaims = Array.isArray(item.claims) ? item.claims : [];
  const claims = rawClaims.flatMap((claim) => {
    const value = oneOf(VERIFICATION_CLAIMS, claim);
    if (!value) onUnknown('claim', String(claim));
    return value ? [value] : [];
  });
  if (!verifiedAt) onUnknown('verificationDate', String(item.verificationDate));
  if (!method) onUnknown('method', String(item.method));
  if (!proof) onUnknown('proof', String(item.proof));
  if (!verifiedAt || !method || !proof || claims.length === 0) return null;
  return { verifiedAt, externalId: String(item.externalId ?? ''), method, proof, claims };
}

/**
 * A vocabulary value as the gateway spells it. The document writes them in capitals; one handed back in another case
 * (or with spaces around it) is still that value, and leaving the item out would lose stored evidence.
 */
function oneOf<T extends string>(values: readonly T[], value: unknown): T | null {
  const spelt = typeof value === 'string' ? value.trim().toUpperCase() : null;
  return spelt !== null && (values as readonly string[]).includes(spelt) ? (spelt as T) : null;
}

export function verificationToWire(item: ContactVerification): RtrVerification {
  return {
    verificationDate: wireDate(item.verifiedAt),
    externalId: item.externalId,
    method: item.method,
    proof: item.proof,
    claims: [...item.claims],
  };
}

/** A caller's draft that already passed checkVerifications: the enums are known, the date is normalised to UTC. */
export function verificationFromDraft(draft: ContactVerificationDraft): ContactVerification {
  return {
    verifiedAt: toUtcIso(draft.verifiedAt) ?? draft.verifiedAt,
    externalId: draft.externalId,
    method: draft.method as VerificationMethod,
    proof: draft.proof as VerificationProof,
    claims: draft.claims as VerificationClaim[],
  };
}

/** A new contact: empty optional fields are left out rather than sent as null. */
export function contactCreateBody(draft: ContactDraft): RtrContactCreateBody {
  const { handle, customer: _customer, verifications, ...fields } = draft;
  const body = contactUpdateBody({ ...fields, verifications: verifications?.map(verificationFromDraft) });
  return { handle, ...(Object.fromEntries(Object.entries(body).filter(([, field]) => field !== null)) as RtrContactUpdateBody) };
}

/** Only the fields given; null clears an optional field, undefined leaves it alone. */
export function contactUpdateBody(changes: ContactChanges): RtrContactUpdateBody {
  return compact({
    brand: changes.brand,
    name: changes.name,
    organization: changes.organization,
    addressLine: changes.addressLines,
    postalCode: changes.postalCode,
    city: changes.city,
    state: changes.state,
    country: changes.country,
    email: changes.email,
    voice: changes.voice,
    fax: changes.fax,
    verifications: changes.verifications?.map(verificationToWire),
  });
}

/** The contact as the caller sent it, for answers where the provider finishes the write later (HTTP 202). */
export function contactFromDraft(draft: ContactDraft, customer: string): Contact {
  return {
    provider: 'REALTIME_REGISTER',
    customer,
    handle: draft.handle,
    name: draft.name,
    organization: draft.organization ?? null,
    email: draft.email,
    voice: draft.voice,
    addressLines: [...draft.addressLines],
    postalCode: draft.postalCode,
    city: draft.city,
    state: draft.state ?? null,
    country: draft.country,
    createdAt: null,
    updatedAt: null,
    verifications: (draft.verifications ?? []).map(verificationFromDraft),
  };
}

/** Wire field names that differ from the gateway's input names. */
const INPUT_NAMES: Record<string, string> = { addressLine: 'addressLines', verificationDate: 'verifiedAt' };

/**
 * A provider violation's field (`verifications[0].claims`, `addressLine[1]`, `voice`) as a path into the gateway's
 * input (`["verifications","0","claims"]`, `["addressLines","1"]`, `["voice"]`).
 */
export function violationPath(field: string | undefined): string[] {
  if (!field) return [];
  return field
    .split(/[.[\]]+/)
    .filter((part) => part !== '')
    .map((part) => INPUT_NAMES[part] ?? part);
}

/** ISO 8601 UTC without zero milliseconds, as the provider's examples write it: 2026-04-16T00:00:00Z. */
export function wireDate(value: string): string {
  const iso = toUtcIso(value) ?? value;
  return iso.replace(/\.000Z$/, 'Z');
}

function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
