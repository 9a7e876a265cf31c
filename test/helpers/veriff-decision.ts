import { createHmac } from 'node:crypto';

/** What a decision may differ in from the default (an approved decision for ANN LEE with no ID number echoed). */
export interface VeriffDecisionOverrides {
  status?: string;
  code?: number;
  person?: Record<string, unknown>;
}

const DEFAULT_PERSON = { firstName: 'ANN', lastName: 'LEE', idNumber: null, dateOfBirth: null, yearOfBirth: null, placeOfBirth: null, addresses: [] };

/** A Veriff decision webhook body (the envelope of providers/veriff.md), as the exact text to sign and send. */
export function veriffDecisionBody(sessionId: string, overrides: VeriffDecisionOverrides = {}): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    status: 'success',
    verification: {
      id: sessionId,
      code: overrides.code ?? 9001,
      status: overrides.status ?? 'approved',
      person: { ...DEFAULT_PERSON, ...overrides.person },
      reason: null,
      reasonCode: null,
      vendorData: null,
      endUserId: null,
      decisionTime: now,
      acceptanceTime: now,
    },
    technicalData: { ip: null },
  });
}

/** The sandbox's Veriff shared secret (src/sandbox), which signs decision webhooks in tests. */
export const SANDBOX_VERIFF_SECRET = 'sandbox-veriff-shared-secret';

/** POSTs an approved decision for a session to a gateway's Veriff webhook, signed as Veriff signs; resolves with the status. */
export async function postVeriffDecision(gatewayUrl: string, sessionId: string): Promise<number> {
  const body = veriffDecisionBody(sessionId);
  const signature = createHmac('sha256', SANDBOX_VERIFF_SECRET).update(body).digest('hex');
  const response = await fetch(`${gatewayUrl}/webhooks/veriff`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-client': 'sandbox-veriff-api-key', 'x-hmac-signature': signature },
    body,
  });
  return response.status;
}
