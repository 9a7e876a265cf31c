import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { idCard, SUBMIT } from './cache-support.js';

/**
 * A subscription's context lives as long as its subscriber, but what Pothos memoizes on it (loaders, scope decisions)
 * belongs to one execution: each event reads nested data afresh, so a later event never shows a contact as an earlier
 * event read it (src/schema/per-request-caches.ts).
 */

const HANDLE = 'rtr-0007';
const WATCH = `subscription Watch($filter: VerificationEventFilter, $after: ID) {
  verificationEvents(filter: $filter, after: $after) { type ... on VerificationSubmittedEvent { contact { handle name } } }
}`;

interface SubmittedEvent {
  data?: { verificationEvents: { type: string; contact: { handle: string; name: string | null } | null } };
  errors?: unknown[];
}

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

describe('a long-lived subscription selecting nested provider data', () => {
  it('reads the contact afresh for each event instead of serving the first event the subscription loaded', async () => {
    const client = createSseClient({ url: `${gateway.url}/graphql`, singleConnection: false, retryAttempts: 0 });
    const events = client.iterate({ query: WATCH, variables: { filter: { contactHandle: HANDLE, types: ['VERIFICATION_SUBMITTED'] }, after: '0-0' } }) as AsyncIterableIterator<SubmittedEvent>;
    try {
      // The first submission's event loads the contact as the provider holds it (replayed from the log if the
      // subscription starts after it was stored, so nothing races).
      const submit = (externalId: string) => gateway.graphql(SUBMIT, { input: { handle: HANDLE, verifications: [idCard(externalId)] } });
      const original = gateway.sandbox!.realtimeRegister.contacts.contact('sandbox', HANDLE)!.name;
      const firstEvent = events.next();
      expect((await submit('kyc-fresh-1')).data).toMatchObject({ submitContactVerification: { __typename: 'SubmitContactVerificationSuccess' } });
      const first = (await firstEvent).value as SubmittedEvent;
      expect(first.errors).toBeUndefined();
      expect(first.data?.verificationEvents.contact).toEqual({ handle: HANDLE, name: original });

      // The holder's name changes at the provider; the next submission invalidates the gateway's cached contact.
      gateway.sandbox!.realtimeRegister.contacts.contact('sandbox', HANDLE)!.name = 'Renamed Holder GmbH';
      const secondEvent = events.next();
      await submit('kyc-fresh-2');
      const second = (await secondEvent).value as SubmittedEvent;
      expect(second.data?.verificationEvents.contact).toEqual({ handle: HANDLE, name: 'Renamed Holder GmbH' });
    } finally {
      await events.return?.();
      client.dispose();
    }
  });
});
