import { describe, expect, it } from 'vitest';
import { UpstreamBudgetExceeded } from '../../src/domain/upstream-budget.js';
import { RESEND_COOLDOWN_MS, withResendCooldown } from '../../src/services/resend-cooldown.js';
import { MemoryClaims } from '../../src/store/claims.js';

describe('the resend cooldown', () => {
  it('refuses a second email to one recipient within the minute, saying the time that is left, and sends again after it', async () => {
    let now = Date.parse('2026-05-01T10:00:00Z');
    const stores = { claims: new MemoryClaims(() => now), digest: (text: string) => `d:${text.length}:${text.charCodeAt(0)}` };
    let sent = 0;
    const send = async () => ++sent;

    await withResendCooldown(stores, 'OPENPROVIDER', 'a@example.com', send);
    now += 45_000;
    const refused = await withResendCooldown(stores, 'OPENPROVIDER', 'a@example.com', send).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpstreamBudgetExceeded);
    expect(refused).toMatchObject({ retryAfterSeconds: 15, message: expect.stringContaining('Retry in 15 s.') });
    expect(sent).toBe(1);

    now += RESEND_COOLDOWN_MS - 45_000;
    await withResendCooldown(stores, 'OPENPROVIDER', 'a@example.com', send);
    expect(sent).toBe(2);
  });
});
