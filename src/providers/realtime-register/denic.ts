import { toUtcIso } from '../../domain/dates.js';
import { isRtrHandle } from '../../domain/handles.js';
import { VERIFICATION_CLAIMS, type VerificationClaim } from '../../domain/verification.js';
import type { VerificationRequest } from '../../domain/verification-request.js';
import { DENIC_NOTIFICATION } from './assumptions.js';

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
  processIdentifier?: string | null;
}

/** The text Realtime Register puts at the start of a DENIC (NIS2) holder-verification notification. */
export const DENIC_MARKER = DENIC_NOTIFICATION.messagePrefix;

/** The gateway id of the request (and the event log dedupe key) for a notification: stable across redeliveries. */
export function realtimeRegisterNotificationKey(customer: string, notificationId: string | number): string {
  return `rtr:${customer}:${notificationId}`;
}

/** True when the notification is a DENIC verification request (by its message marker or its type names). */
export function isDenicNotification(notification: NotificationFields): boolean {
  if (notification.message?.toUpperCase().includes(DENIC_MARKER)) return true;
  if (notification.eventType === DENIC_NOTIFICATION.eventType) return true;
  return [notification.eventType, notification.notificationType].some((name) => !!name && /contact.?verification.?required/i.test(name));
}

/**
 * A DENIC notification as a VerificationRequest (status OPEN), or null when it is not one or names no contact handle.
 *
 * Field names are an ASSUMPTION kept in assumptions.ts (DENIC_NOTIFICATION): the handle is in `processIdentifier` or
 * `payload.handle`, the claims in `payload.claims`, the deadlines in `payload.deDelegationDate`,
 * `payload.deDelegationDomain`, `payload.deletionDate`, `payload.deletionDomain`. Whatever the payload lacks is read
 * from the message text (DENIC_MESSAGE_FORMAT there, read tolerantly here): "... for the following claims: [NAME,
 * ADDRESS]. First domain to be de-delegated: example.de on <ISO date>. First domain to be deleted: example.de on
 * <ISO date>".
 */
export function parseDenicNotification(notification: NotificationFields, defaults: { customer: string }): VerificationRequest | null {
  if (!isDenicNotification(notification)) return null;
  const payload = isRecord(notification.payload) ? notification.payload : {};
  const message = notification.message ?? '';
  const fromText = parseDenicMessage(message);

  const field = DENIC_NOTIFICATION.payload;
  const handle = [notification.processIdentifier, text(payload[field.handle]), fromText.handle].find((value) => !!value && isRtrHandle(value));
  if (!handle) return null;
  const payloadClaims = claimsOf(payload[field.claims]);
  const customer = notification.customer || defaults.customer;
  const deDelegationDomain = domainOf(payload[field.deDelegationDomain]) ?? fromText.deDelegationDomain;
  const deletionDomain = domainOf(payload[field.deletionDomain]) ?? fromText.deletionDomain;
  return {
    id: realtimeRegisterNotificationKey(customer, notification.id),
    provider: 'REALTIME_REGISTER',
    customer,
    contactHandle: handle,
    claims: payloadClaims.length ? payloadClaims : fromText.claims,
    status: 'OPEN',
    message,
    // The provider's fire date, not our arrival time: every redelivery then yields the same request.
    receivedAt: toUtcIso(notification.fireDate) ?? new Date().toISOString(),
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

const DOMAIN = String.raw`([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)`;
const DATE = String.raw`(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?)`;
const WHEN = String.raw`\W+(?:(?:on|by|at|before|until|deadline)\W*)?`;

/** "<verb>: example.de on <date>", "<verb> of example.de by <date>", or "example.de will be <verb> on <date>". */
function deadlinePatterns(verb: string): RegExp[] {
  return [
    new RegExp(String.raw`${verb}\w*\s*(?:domain)?\s*(?::|of)?\s*${DOMAIN}${WHEN}${DATE}`, 'i'),
    new RegExp(String.raw`${DOMAIN}\s+(?:will\s+be\s+|is\s+)?${verb}\w*${WHEN}${DATE}`, 'i'),
  ];
}

const DE_DELEGATION = deadlinePatterns('de-?delegat');
/** Word-initial, so it never matches inside "de-delegated" (those words are blanked before this runs anyway). */
const DELETION = deadlinePatterns(String.raw`\bdelet`);
/** "claims: [NAME, ADDRESS]" (brackets optional). */
const CLAIMS = /claims?\s*:?\s*(?:\[([^\]]*)\]|((?:[A-Za-z]+\s*(?:,|and)\s*)*[A-Za-z]+))/i;
const HANDLE_TEXT = String.raw`["'\`]?([A-Za-z0-9\-_@]+(?:\.[A-Za-z0-9\-_@]+)*)`;
/** "contact handle h-123", "handle: h-123", "contact: h-123", "contact 'h-123'" (never "contact verification"). */
const HANDLE = [
  new RegExp(String.raw`\b(?:contact\s+)?handle\s*:?\s*${HANDLE_TEXT}`, 'i'),
  new RegExp(String.raw`\bcontact\s*:\s*${HANDLE_TEXT}`, 'i'),
  new RegExp(String.raw`\bcontact\s+["'\`]([A-Za-z0-9\-_@]+(?:\.[A-Za-z0-9\-_@]+)*)["'\`]`, 'i'),
];

/** Reads what it can from a DENIC message; tolerant of wording, order and case. */
export function parseDenicMessage(message: string): DenicMessageParts {
  const body = message.replace(/\[CONTACT VERIFICATION REQUIRED\]/gi, ' ');
  const claimsMatch = CLAIMS.exec(body);
  const claims = claimsMatch ? claimsOf((claimsMatch[1] ?? claimsMatch[2] ?? '').split(/\s*(?:,|\band\b|\s)\s*/i)) : [];
  const handle = firstMatch(HANDLE, body)?.[1] ?? null;
  const deDelegation = firstMatch(DE_DELEGATION, body);
  const deletion = firstMatch(DELETION, body.replace(/de-?delegat\w*/gi, ' '));
  return {
    handle: handle && isRtrHandle(handle) ? handle : null,
    claims,
    deDelegationDomain: deDelegation?.[1]?.toLowerCase() ?? null,
    deDelegationDeadline: instantOf(deDelegation?.[2]),
    deletionDomain: deletion?.[1]?.toLowerCase() ?? null,
    deletionDeadline: instantOf(deletion?.[2]),
  };
}

function firstMatch(patterns: RegExp[], value: string): RegExpExecArray | null {
  for (const pattern of patterns) {
    const match = pattern.exec(value);
    if (match) return match;
  }
  return null;
}

/** An instant in UTC ISO form; a date alone means the start of that day in UTC, a time without offset is UTC. */
function instantOf(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const value = raw.trim();
  const normalised = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.replace(' ', 'T');
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(normalised) || normalised.length === 10 ? normalised : `${normalised}Z`;
  return toUtcIso(withZone) ?? null;
}

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
