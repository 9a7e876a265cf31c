import { describe, expect, it } from 'vitest';
import type { QuarantinedDelivery } from '../../src/domain/quarantined-delivery.js';
import { MemoryClaims } from '../../src/store/claims.js';
import { MemoryQuarantineStore } from '../../src/store/quarantine-store.js';
import { MemoryVerificationRequestStore } from '../../src/store/verification-request-store.js';

const entry = (n: number): QuarantinedDelivery => ({
  id: `rtr-poll:${n}`,
  provider: 'REALTIME_REGISTER',
  source: 'rtr-poll',
  reason: 'UNKNOWN_SHAPE',
  receivedAt: '2026-01-01T00:00:00.000Z',
  bytes: 1,
  digest: String(n),
  body: String(n),
  truncated: false,
  notificationId: null,
});

describe('memory lifecycle stores', () => {
  it('keep a quarantined delivery once, newest first, evicting the oldest past capacity', async () => {
    const quarantine = new MemoryQuarantineStore(2);
    expect(await quarantine.add(entry(1))).toBe(true);
    expect(await quarantine.add(entry(1))).toBe(false);
    await quarantine.add(entry(2));
    await quarantine.add(entry(3));
    expect((await quarantine.list(10)).map((kept) => kept.body)).toEqual(['3', '2']);
  });

  it('hand a claim to the first claimant until it expires or is released', async () => {
    let now = 0;
    const claims = new MemoryClaims(() => now);
    expect(await claims.claim('k', 1_000)).toBe(true);
    expect(await claims.claim('k', 1_000)).toBe(false);
    now = 1_001;
    expect(await claims.claim('k', 1_000)).toBe(true);
    await claims.release('k');
    expect(await claims.claim('k', 1_000)).toBe(true);
  });

  it('update a request in place and hand out copies', async () => {
    const store = new MemoryVerificationRequestStore();
    const request = { id: 'r1', provider: 'REALTIME_REGISTER' as const, customer: null, contactHandle: 'h', claims: [], status: 'OPEN' as const, message: '', receivedAt: '2026-01-01T00:00:00.000Z', deDelegationDomain: null, deDelegationDeadline: null, deletionDomain: null, deletionDeadline: null, notificationId: '1' };
    await store.put(request);
    const updated = await store.update('r1', (current) => ({ ...current, status: 'SUBMITTED' }));
    updated!.status = 'OPEN';
    expect((await store.get('r1'))?.status).toBe('SUBMITTED');
    expect(await store.update('none', (current) => current)).toBeNull();
  });
});
