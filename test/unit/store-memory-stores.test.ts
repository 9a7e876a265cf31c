import { describe, expect, it } from 'vitest';
import type { RegistryCheck } from '../../src/domain/registry-check.js';
import type { VerificationRequest } from '../../src/domain/verification-request.js';
import { MemoryLocks } from '../../src/store/locks.js';
import { MemoryRegistryCheckStore, REGISTRY_CHECK_TTL_MS } from '../../src/store/registry-check-store.js';
import { MemoryVerificationRequestStore } from '../../src/store/verification-request-store.js';

function request(id: string): VerificationRequest {
  return {
    id,
    provider: 'REALTIME_REGISTER',
    customer: 'acme',
    contactHandle: 'h1',
    claims: [],
    status: 'OPEN',
    message: 'verify',
    receivedAt: '2025-01-01T00:00:00.000Z',
    deDelegationDomain: null,
    deDelegationDeadline: null,
    deletionDomain: null,
    deletionDeadline: null,
    notificationId: 'n1',
  };
}

function check(id: string): RegistryCheck {
  return {
    id,
    provider: 'VERIFF',
    sessionId: id,
    status: 'PENDING',
    code: null,
    reason: null,
    reasonCode: null,
    idNumberLast4: '1234',
    person: null,
    endUserId: null,
    vendorData: null,
    submittedAt: '2025-01-01T00:00:00.000Z',
    decidedAt: null,
    failedValidation: null,
  };
}

describe('MemoryVerificationRequestStore', () => {
  it('should put, replace, get and list copies', async () => {
    const store = new MemoryVerificationRequestStore();
    const r1 = request('r1');
    await store.put(r1);
    await store.put(request('r2'));
    await store.put({ ...request('r2'), status: 'SUBMITTED' });
    r1.status = 'SUBMITTED';
    expect((await store.get('r1'))?.status).toBe('OPEN');
    expect(await store.get('nope')).toBeNull();
    expect((await store.list()).map((r) => [r.id, r.status])).toEqual([
      ['r1', 'OPEN'],
      ['r2', 'SUBMITTED'],
    ]);
  });
});

describe('MemoryRegistryCheckStore', () => {
  it('should forget a check after 90 days', async () => {
    let now = 0;
    const store = new MemoryRegistryCheckStore(() => now);
    await store.put(check('s1'));
    expect((await store.get('s1'))?.idNumberLast4).toBe('1234');
    now = REGISTRY_CHECK_TTL_MS;
    expect(await store.get('s1')).toBeNull();
  });
});

describe('MemoryLocks', () => {
  it('should give a lock to one holder until released or expired', async () => {
    let now = 0;
    const locks = new MemoryLocks(() => now);
    const lease = await locks.acquire('poll', 1000);
    expect(lease).not.toBeNull();
    expect(await locks.acquire('poll', 1000)).toBeNull();
    expect(await locks.acquire('other', 1000)).not.toBeNull();
    now = 900;
    expect(await lease!.renew()).toBe(true);
    now = 1800;
    expect(await locks.acquire('poll', 1000)).toBeNull();
    await lease!.release();
    const next = await locks.acquire('poll', 1000);
    expect(next).not.toBeNull();
    now = 5000;
    expect(await next!.renew()).toBe(false);
    const third = await locks.acquire('poll', 1000);
    await next!.release();
    expect(third).not.toBeNull();
    expect(await locks.acquire('poll', 1000)).toBeNull();
  });
});
