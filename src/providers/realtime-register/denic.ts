import { isRtrHandle } from '../../domain/handles.js';
import { VERIFICATION_CLAIMS, type VerificationClaim } from '../../domain/verification.js';
import type { VerificationRequest } from '../../domain/verification-request.js';
import { DENIC_NOTIFICATION, isContactProcess } from './assumptions.js';
import { rtrInstant } from './dates.js';
import { maskedHead } from '../../domain/digit-runs.js';

/**
 * The fields of a Realtime Register notification this module reads (a structural subset of the wire object, so
 * the client's full notification type fits). Wire facts: providers/realtime-register.md, "Notifications".
 */
export interface NotificationFields {
  id: number | string;
  fireDate?: string | null;
  message?: string | null;
  customer?: string | null;
  eventType?: string | null;
  notificationType?: string | null;
  payload?: unknown;
  /** What the notification's process is about: a contact process names a handle in processIdentifier. */
  processType?: string | null;
  processIdentifier?: string | null;
}

/** The text Realtime Register puts at the start of a DENIC (NIS2) holder-verification notification. */
export const DENIC_MARKER = DENIC_NOTIFICATION.messagePrefix;

/**
 * The gateway id of the request (and the event log dedupe key) for a notification: RTR's notification id and nothing
 * else, because that is what identifies it at RTR (providers/realtime-register.md: "dedupe by `id`"). The customer is
 * left out: a webhook delivery and a poll of the same notification may not both name it, or name it alike, and a key
 * that differed between them stored the notification twice.
 */
export function realtimeRegisterNotificationKey(notificationId: string | number): string {
  return `rtr:${notificationId}`;
}

/**
 * The ids a notification's request had while the key included the customer (`rtr:<customer>:<id>`), for each customer
 * it may have been stored under, so a redelivery after the change finds the request stored before it.
 */
export function formerRealtimeRegisterNotificationKeys(customers: Array<string | null | undefined>, notificationId: string | number): string[] {
  const named = customers.filter((customer): customer is string => !!customer);
  return [...new Set(named)].map((customer) => `rtr:${customer}:${notificationId}`);
}

/** True when the notification is a DENIC verification request (by its message marker or its type names). */
export function isDenicNotification(notification: NotificationFields): boolean {
  if (notification.message?.slice(0, DENIC_MESSAGE_LIMIT).toUpperCase().includes(DENIC_MARKER)) return true;
  if (notification.eventType === DENIC_NOTIFICATION.eventType) return true;
  return [notification.eventType, notification.notificationType].some((name) => !!name && /contact.?verification.?required/i.test(name));
}

/** The request keeps the provider's text up to this length (the dashboard shows it; RTR keeps the original). */
export const STORED_MESSAGE_LIMIT = 4_000;

/**
 * The contact a notification is about: `processIdentifier` only when the process is a contact process (a domain
 * process carries a domain name there, e.g. `example.de`, which also fits the handle rule); else `payload.handle`;
 * else a handle named in the message text. Null when none is a valid handle.
 */
export function notificationContactHandle(notification: NotificationFields): string | null {
  const payload = isRecord(notification.payload) ? notification.payload : {};
  const fromProcess = isContactProcess(notification.processType) ? notification.processIdentifier : null;
  const candidates = [fromProcess, text(payload[DENIC_NOTIFICATION.payload.handle])];
  const found = candidates.find((value): value is string => !!value && isRtrHandle(value));
  return found ?? parseDenicMessage(notification.message ?? '').handle;
}

/**
 * A DENIC notification as a VerificationRequest (status OPEN), or null when it is not one or names no contact handle.
 *
 * Field names are an ASSUMPTION kept in assumptions.ts (DENIC_NOTIFICATION): the handle as notificationContactHandle
 * finds it, the claims in `payload.claims`, the deadlines in `payload.deDelegationDate`, `payload.deDelegationDomain`,
 * `payload.deletionDate`, `payload.deletionDomain`. Whatever the payload lacks is read from the message text
 * (DENIC_MESSAGE_FORMAT there, read tolerantly here): "... for the following claims: [NAME, ADDRESS]. First domain
 * to be de-delegated: example.de on <ISO date>. First domain to be deleted: example.de on <ISO date>".
 */
export function parseDenicNotification(notification: NotificationFields, defaults: { customer: string }): VerificationRequest | null {
  if (!isDenicNotification(notification)) return null;
  const payload = isRecord(notification.payload) ? notification.payload : {};
  const message = notification.message ?? '';
  const fromText = parseDenicMessage(message);

  const field = DENIC_NOTIFICATION.payload;
  const handle = notificationContactHandle(notification);
  if (!handle) return null;
  const payloadClaims = claimsOf(payload[field.claims]);
  const customer = notification.customer || defaults.customer;
  const deDelegationDomain = domainOf(payload[field.deDelegationDomain]) ?? fromText.deDelegationDomain;
  const deletionDomain = domainOf(payload[field.deletionDomain]) ?? fromText.deletionDomain;
  return {
    id: realtimeRegisterNotificationKey(notification.id),
    provider: 'REALTIME_REGISTER',
    customer,
    contactHandle: handle,
    claims: payloadClaims.length ? payloadClaims : fromText.claims,
    status: 'OPEN',
    // Read above as sent (a handle or domain in it is needed); kept without its long digit runs, which could be an
    // ID number quoted in the provider's free text.
    message: maskedHead(message, STORED_MESSAGE_LIMIT),
    // The provider's fire date, not our arrival time: every redelivery then yields the same request.
    receivedAt: rtrInstant(notification.fireDate) ?? new Date().toISOString(),
    deDelegationDomain,
    deDelegationDeadline: instantOf(payload[field.deDelegationDate]) ?? fromText.deDelegationDeadline,
    deletionDomain,
    deletionDeadline: instantOf(payload[field.deletionDate]) ?? fromText.deletionDeadline,
    notificationId: String(notification.id),
    submittedAt: null,
  };
}

/** What the message text says; every part null or empty when absent. */
export interface DenicMessageParts {
  handle: string | null;
  claims: VerificationClaim[];
  deDelegationDomain: string | null;
  deDelegationDeadline: string | null;
  deletionDomain: string | null;
  deletionDeadline: string | null;
}

/**
 * DENIC messages are one or two sentences; only this many characters are read, so a hostile or broken message costs
 * at most this much work (an 80 KB signed message once took 22 s through nested-quantifier regexes).
 */
export const DENIC_MESSAGE_LIMIT = 2_000;
/** How far (in words) a deadline's domain and date may sit from its verb. */
const DEADLINE_WINDOW = 8;

/**
 * The words of a message (marker removed), cut at DENIC_MESSAGE_LIMIT characters. Everything below scans these words
 * once with fixed-size windows and token-sized regexes without nested quantifiers: linear in the (bounded) input.
 */
export function denicMessageWords(message: string): string[] {
  const text = message.slice(0, DENIC_MESSAGE_LIMIT).replace(/\[CONTACT VERIFICATION REQUIRED\]/gi, ' ');
  return text.split(/\s+/).filter((word) => word !== '');
}

/** Reads what it can from a DENIC message; tolerant of wording, order and case. */
export function parseDenicMessage(message: string): DenicMessageParts {
  const words = denicMessageWords(message);
  const deDelegation = deadlineNear(words, (word) => word.startsWith('de-delegat') || word.startsWith('dedelegat'));
  const deletion = deadlineNear(words, (word) => word.startsWith('delet'));
  return {
    handle: handleIn(words),
    claims: claimsIn(words),
    deDelegationDomain: deDelegation.domain,
    deDelegationDeadline: deDelegation.deadline,
    deletionDomain: deletion.domain,
    deletionDeadline: deletion.deadline,
  };
}

/** A word without the punctuation around it: `[NAME,` -> `NAME`, `example.de.` -> `example.de`, `'h-1'` -> `h-1`. */
function bare(word: string): string {
  let from = 0;
  let to = word.length;
  while (from < to && '[("\'`'.includes(word[from]!)) from++;
  while (to > from && '.,;:)]"\'`'.includes(word[to - 1]!)) to--;
  return word.slice(from, to);
}

const LABEL = /^[a-z0-9-]{1,63}$/;
const TOP_LABEL = /^[a-z][a-z0-9-]{1,62}$/;

/** `example.de`, `sub.example.co.uk`: dot-separated labels of letters, digits and inner hyphens, a TLD last. */
function domainInWord(word: string): string | null {
  const name = bare(word).toLowerCase();
  if (name.length > 253) return null;
  const labels = name.split('.');
  if (labels.length < 2) return null;
  const fine = labels.every((label) => LABEL.test(label) && !label.startsWith('-') && !label.endsWith('-'));
  return fine && TOP_LABEL.test(labels[labels.length - 1]!) ? name : null;
}

const DATE_START = /^\d{4}-\d{2}-\d{2}/;
const TIME_START = /^\d{2}:\d{2}/;

/**
 * The first instant in the (already windowed) words: `2026-07-01`, `2026-07-01T12:00:00+02:00`, or a date and a time
 * as two words. An invalid date stops the search (null), as the message then names no usable deadline.
 */
function instantIn(words: string[]): { at: number; instant: string | null } | null {
  for (let index = 0; index < words.length; index++) {
    const word = bare(words[index]!);
    if (!DATE_START.test(word)) continue;
    const time = word.length === 10 && words[index + 1] !== undefined ? bare(words[index + 1]!) : '';
    return { at: index, instant: instantOf(TIME_START.test(time) ? `${word}T${time}` : word) };
  }
  return null;
}

const ANY_DEADLINE_VERB = (word: string) => word.startsWith('de-delegat') || word.startsWith('dedelegat') || word.startsWith('delet');

/**
 * "<verb>: example.de on <date>", "<verb> of example.de by <date>", or "example.de will be <verb> on <date>": the
 * domain within a few words after the verb (else just before it), the date within a few words after, never reaching
 * past the next deadline verb. Each word is looked at a bounded number of times.
 */
function deadlineNear(words: string[], isVerb: (word: string) => boolean): { domain: string | null; deadline: string | null } {
  for (let index = 0; index < words.length; index++) {
    if (!isVerb(bare(words[index]!).toLowerCase())) continue;
    const after: string[] = [];
    for (let next = index + 1; next < words.length && after.length < DEADLINE_WINDOW; next++) {
      if (ANY_DEADLINE_VERB(bare(words[next]!).toLowerCase())) break;
      after.push(words[next]!);
    }
    const date = instantIn(after);
    if (!date) continue;
    const forward = after.slice(0, date.at).map(domainInWord).find((domain) => domain !== null);
    const backward = words.slice(Math.max(0, index - 4), index).map(domainInWord).filter((domain) => domain !== null).pop();
    const domain = forward ?? backward ?? null;
    if (domain) return { domain, deadline: date.instant };
  }
  return { domain: null, deadline: null };
}

/** "claims: [NAME, ADDRESS]" (brackets optional: "claims name, address and email"). */
function claimsIn(words: string[]): VerificationClaim[] {
  const at = words.findIndex((word) => bare(word).toLowerCase().startsWith('claim'));
  if (at < 0) return [];
  const found: string[] = [];
  const bracketed = words[at + 1]?.startsWith('[') ?? false;
  for (let index = at + 1; index < words.length && index <= at + 12; index++) {
    const word = words[index]!;
    const parts = bare(word).split(',').filter((part) => part !== '');
    const claims = parts.filter((part) => (VERIFICATION_CLAIMS as readonly string[]).includes(part.toUpperCase()));
    // Unbracketed lists end at the first word that is neither a claim nor "and".
    if (!bracketed && claims.length < parts.filter((part) => part.toLowerCase() !== 'and').length) break;
    found.push(...claims);
    if (bracketed ? word.includes(']') : /[.;]$/.test(word)) break;
  }
  return claimsOf(found);
}

/** "contact handle h-123", "handle: h-123", "contact: h-123", "contact 'h-123'" (never "contact verification"). */
function handleIn(words: string[]): string | null {
  for (let index = 0; index + 1 < words.length; index++) {
    const word = words[index]!.toLowerCase();
    const next = words[index + 1]!;
    const named = bare(word) === 'handle' || word === 'contact:' || (bare(word) === 'contact' && /^["'`]/.test(next));
    if (!named) continue;
    const candidate = bare(next);
    if (isRtrHandle(candidate)) return candidate;
  }
  return null;
}

/** An instant in UTC ISO form (a date alone: the start of that day in UTC; no offset: UTC). */
const instantOf = rtrInstant;

function claimsOf(value: unknown): VerificationClaim[] {
  if (!Array.isArray(value)) return [];
  const claims = new Set<VerificationClaim>();
  for (const item of value) {
    const name = typeof item === 'string' ? item.trim().toUpperCase() : '';
    if ((VERIFICATION_CLAIMS as readonly string[]).includes(name)) claims.add(name as VerificationClaim);
  }
  return [...claims];
}

function domainOf(value: unknown): string | null {
  const domain = text(value)?.trim().toLowerCase();
  return domain ? domain : null;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
