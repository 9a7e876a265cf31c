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
 * Connections the gateway keeps to Realtime Register (the HTTP layer's default is 32). RTR publishes no concurrency
 * limit, only `TooManyRequests` (429, honoured with backoff). Contact reads are one call per 100 handles, but each
 * request's misses are a call of their own, so at 20 ms upstream a pool of 32 capped one instance near 1,500 reads a
 * second with callers queueing for a connection (bench/README.md, the peer part); 64 lifts that cap above what one
 * instance's CPU serves while staying a modest number of sockets to one provider.
 */
export const CONNECTIONS = 64;

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

/**
 * How the webhook `Signature` header encodes HMAC-SHA256(shared key, raw body). Sources disagree
 * (providers/realtime-register.md, "Webhook signature", revision 2): the docs' prose says "Base64-encoded" HMAC; the
 * docs' own worked example (key `EXAMPLE_KEY`, body `{"payload": "examplePayload"}`) gives the hex digest
 * `99928fae…bd49` and a "Base64" value that decodes to that hex TEXT with a leading space, not to the 32 digest
 * bytes. No public verifier exists, so every reading is accepted (each compared in constant time in webhook.ts):
 * - `base64-digest`: Base64 of the 32 raw digest bytes (the prose), padded or not, in either Base64 alphabet;
 * - `base64-hex`: Base64 of the lowercase hex text, surrounding whitespace allowed (the worked example);
 * - `hex`: the bare hex text.
 */
export const WEBHOOK_SIGNATURE_READINGS = ['base64-digest', 'base64-hex', 'hex'] as const;
export type WebhookSignatureReading = (typeof WEBHOOK_SIGNATURE_READINGS)[number];

/** Longest header taken seriously (Base64 of 64 hex characters plus whitespace is under 100). */
const SIGNATURE_HEADER_MAX = 512;
/**
 * Base64 in either alphabet (RFC 4648 section 4, or the URL-safe one of section 5), with its padding or without (section
 * 3.2 lets a specification leave it out). "Base64-encoded" names no variant, and every one of them is the same 32
 * bytes once decoded, so taking them all accepts nothing a forger could produce without the key.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

/**
 * The 32-byte digests a `Signature` header may stand for, one per reading that decodes to a digest. Which readings
 * apply depends only on the header (never on the secret), so the caller's comparisons stay constant time.
 */
export function signatureDigestCandidates(header: string): Buffer[] {
  const value = header.trim();
  if (value === '' || value.length > SIGNATURE_HEADER_MAX) return [];
  const candidates: Buffer[] = [];
  if (HEX_DIGEST.test(value)) candidates.push(Buffer.from(value, 'hex'));
  // Padding, when present, makes the length a multiple of 4; without it, a length of 1 more than one is never Base64.
  const unpadded = value.replace(/=+$/, '');
  const wellFormed = value === unpadded ? unpadded.length % 4 !== 1 : value.length % 4 === 0;
  if (wellFormed && BASE64.test(value)) {
    // Node's decoder reads both alphabets, padded or not.
    const decoded = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    if (decoded.length === 32) candidates.push(decoded);
    const text = decoded.toString('latin1').trim();
    if (HEX_DIGEST.test(text)) candidates.push(Buffer.from(text, 'hex'));
  }
  return candidates;
}

/** A header value in one reading, for the simulator's mirror of this list and for tests. `base64-hex` follows the
 * docs' example exactly: a space before the hex text. */
export function encodeSignature(digest: Buffer, reading: WebhookSignatureReading): string {
  if (reading === 'base64-digest') return digest.toString('base64');
  if (reading === 'hex') return digest.toString('hex');
  return Buffer.from(` ${digest.toString('hex')}`, 'latin1').toString('base64');
}

/**
 * Which notifications name a contact in `processIdentifier`: those whose `processType` is a contact process. The
 * realtimeregister-ts SDK types `processType` as a free string; the values seen in its models are entity names
 * (`contact`, `domain`, ...), so a type that is, or starts with, "contact" (any case) counts. A domain process
 * carries the domain name there (e.g. `example.de`), which also fits the handle rule and must never be taken for one.
 */
export function isContactProcess(processType: string | null | undefined): boolean {
  return typeof processType === 'string' && processType.trim().toLowerCase().startsWith(DENIC_NOTIFICATION.processType);
}

/**
 * The validation categories sent to `POST .../contacts/{handle}/validate` to re-send the holder's email validation
 * (the DENIC EMAIL claim). The endpoint and its body `{"categories": [...]}` are documented (realtimeregister-ts
 * ContactApi.validate, realtimeregister/skills contacts.md); the category names come from
 * `GET /v2/validation/categories` and are not published, so the name is assumed. Correct it here once an account's
 * category list is known.
 */
export const EMAIL_VALIDATION_CATEGORIES = ['General'] as const;

// Also assumed, kept next to its only reader: an instant without an offset (the documents say ISO 8601, their
// examples end in `Z`) is UTC, never the gateway machine's zone (dates.ts, rtrInstant).
