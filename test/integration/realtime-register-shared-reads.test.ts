import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, ContactKey } from '../../src/domain/contact.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { rtrHandle, rtrReads } from './cache-support.js';

/**
 * Cache misses of concurrent requests for different Realtime Register contacts share `handle:in=` list calls
 * (src/services/realtime-register-contact-batcher.ts): counted at the simulator.
 */

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

const keys = (from: number, count: number): ContactKey[] =>
  Array.from({ length: count }, (_, index) => ({ provider: 'REALTIME_REGISTER', customer: 'sandbox', handle: rtrHandle(from + index) }));
const scope = (requestId: string) => ({ requestId, logger: silentLogger() });
const handles = (loaded: (Contact | null | Error)[]) => loaded.map((contact) => (contact && !(contact instanceof Error) ? contact.handle : contact));

describe('Realtime Register contacts missed by concurrent requests', () => {
  it('are read in one list call when two requests miss different contacts at the same moment', async () => {
    const before = rtrReads(gateway.sandbox!);
    const [first, second] = await Promise.all([
      gateway.services.contacts.load(keys(301, 3), scope('request-a')),
      gateway.services.contacts.load(keys(311, 2), scope('request-b')),
    ]);
    expect(rtrReads(gateway.sandbox!) - before).toBe(1);
    expect(handles(first)).toEqual([rtrHandle(301), rtrHandle(302), rtrHandle(303)]);
    expect(handles(second)).toEqual([rtrHandle(311), rtrHandle(312)]);
  });

  it('still split into calls of at most 100 handles, each caller answered with its own contacts and nulls', async () => {
    const before = rtrReads(gateway.sandbox!);
    const unknown: ContactKey = { provider: 'REALTIME_REGISTER', customer: 'sandbox', handle: 'rtr-no-such-contact' };
    const [first, second] = await Promise.all([
      gateway.services.contacts.load([...keys(101, 90), unknown], scope('request-c')),
      gateway.services.contacts.load(keys(201, 60), scope('request-d')),
    ]);
    expect(rtrReads(gateway.sandbox!) - before).toBe(2);
    expect(handles(first)).toEqual([...keys(101, 90).map((key) => key.handle), null]);
    expect(handles(second)).toEqual(keys(201, 60).map((key) => key.handle));
  });

});
