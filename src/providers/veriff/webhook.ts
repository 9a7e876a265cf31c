import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { VeriffDecision } from './map.js';
import { parseVeriffEnvelope, VeriffPayloadError } from './map.js';
import { verifyVeriffSignature } from './signature.js';
import { utf8Text } from '../utf8-text.js';

/** What a decision webhook delivery turned out to be. */
export type VeriffWebhookReading =
  /** Missing or wrong `x-hmac-signature`: answer 401. */
  | { kind: 'unauthorized' }
  /** Signed, but not JSON or not a decision (e.g. an event webhook): acknowledged and ignored (a retry would not fix it). */
  | { kind: 'invalid'; reason: string }
  | { kind: 'decision'; sessionId: string; decision: VeriffDecision };

/**
 * Checks and reads Veriff's decision webhook: the signature is verified over the raw bytes as received (never over
 * re-serialized JSON), in constant time, under the current or the previous shared secret; only then is the body
 * parsed. `reason` names what is wrong, never a value from the body.
 */
export function readVeriffDecisionWebhook(
  body: Buffer,
  headers: IncomingHttpHeaders,
  sharedSecrets: readonly (string | null | undefined)[],
): VeriffWebhookReading {
  if (!verifyVeriffSignature(body, headers['x-hmac-signature'], sharedSecrets)) return { kind: 'unauthorized' };
  let value: unknown;
  try {
    // Decoded as fetch reads JSON (a leading byte order mark dropped): JSON.parse fails on the mark, and a signed
    // decision read as "not JSON" is acknowledged and lost.
    value = JSON.parse(utf8Text(body));
  } catch {
    return { kind: 'invalid', reason: 'the body is not JSON' };
  }
  try {
    const { sessionId, decision } = parseVeriffEnvelope(value);
    if (!sessionId) return { kind: 'invalid', reason: 'the body has no verification id' };
    if (!decision) return { kind: 'invalid', reason: 'the body is not a decision (no known status or code)' };
    return { kind: 'decision', sessionId, decision };
  } catch (error) {
    if (error instanceof VeriffPayloadError) return { kind: 'invalid', reason: error.message };
    throw error;
  }
}

/**
 * Veriff sends its webhooks with `x-auth-client` = the integration's API key (providers/veriff.md). The signature
 * already proves the sender; a header naming another integration is still refused (a delivery meant for another
 * integration that shares the secret). Absent is accepted: the document names the header but the signature is the
 * check. Compared as SHA-256 digests, so the key's length and content do not show in the timing.
 */
export function namesOurIntegration(headers: IncomingHttpHeaders, apiKey: string): boolean {
  const header = headers['x-auth-client'];
  const given = Array.isArray(header) ? header[0] : header;
  if (given === undefined) return true;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given.trim()), digest(apiKey));
}
