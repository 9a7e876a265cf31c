/**
 * Everything about Realtime Register that the public docs do not say and the gateway had to assume, in one place
 * so it is easy to correct once confirmed (providers/realtime-register.md marks these *assumption*). The sandbox
 * simulator (src/sandbox/realtime-register*.ts) speaks the same assumptions; it may not import this file
 * (sandbox/ imports only domain/), so a change here needs the same change there.
 */

/**
 * Largest `limit` a list call accepts. Unpublished; 100 is the conservative guess, and it is the batch size of the
 * contact loader (`handle:in=` with up to 100 handles, ~4 KB of URL at most).
 */
export const LIST_LIMIT_MAX = 100;

/**
 * Where a 202 names its process: the `x-process-id` header is documented (the SDKs read it); a `processId` in the
 * body is read too when present.
 */
export const PROCESS_ID_HEADER = 'x-process-id';

/**
 * GET returns stored verifications in the item shape they were sent in (`verificationDate, externalId, method,
 * proof, claims`, plus the provider's createdDate). The docs only say the response "can include" them. An update
 * carrying `verifications` adds them to the stored ones (an item with the same externalId replaces the old one).
 */
export const VERIFICATIONS_ON_GET = true;

/** `ProviderUnavailable` (maintenance) comes with HTTP 503 and `startDate`/`endDate`. The status is assumed. */
export const PROVIDER_UNAVAILABLE_STATUS = 503;

/**
 * A DENIC verification request notification. Field names for its data are unpublished:
 * - the contact handle is in `processIdentifier` (a standard notification field; processType `contact`) and, in
 *   the payload shape, also in `payload.handle`;
 * - claims in `payload.claims` (array of NAME, ADDRESS, ORGANIZATION, EMAIL, VOICE);
 * - deadlines in `payload.deDelegationDate` / `payload.deDelegationDomain` and `payload.deletionDate` /
 *   `payload.deletionDomain`;
 * - without those payload fields, the data is parsed from `message` (DENIC_MESSAGE_FORMAT).
 */
export const DENIC_NOTIFICATION = {
  eventType: 'CONTACT_VERIFICATION_REQUIRED',
  notificationType: 'ContactVerificationNotification',
  processType: 'contact',
  messagePrefix: '[CONTACT VERIFICATION REQUIRED]',
  payload: {
    handle: 'handle',
    claims: 'claims',
    deDelegationDate: 'deDelegationDate',
    deDelegationDomain: 'deDelegationDomain',
    deletionDate: 'deletionDate',
    deletionDomain: 'deletionDomain',
  },
} as const;

/**
 * The message text, as the simulator writes it. The docs quote only the first sentence; the rest is invented
 * (each later sentence optional, dates ISO 8601 UTC):
 *
 * `[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]. First domain to be de-delegated:
 * example.de on 2026-12-01T00:00:00Z. First domain to be deleted: example.de on 2027-01-01T00:00:00Z`
 */
export const DENIC_MESSAGE_FORMAT =
  /^\[CONTACT VERIFICATION REQUIRED\] for the following claims: \[(?<claims>[A-Z, ]*)\](?:\. First domain to be de-delegated: (?<deDelegationDomain>\S+) on (?<deDelegationDate>\S+?))?(?:\. First domain to be deleted: (?<deletionDomain>\S+) on (?<deletionDate>\S+?))?\.?$/;
