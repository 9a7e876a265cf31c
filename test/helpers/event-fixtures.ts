import type { VerificationEventPayload } from '../../src/domain/events.js';

/** The n-th PROVIDER_NOTIFICATION event payload, for event-log tests (contact handle `handle-<n>`). */
export function notification(n: number, overrides: Partial<VerificationEventPayload> = {}): VerificationEventPayload {
  return {
    type: 'PROVIDER_NOTIFICATION',
    provider: 'REALTIME_REGISTER',
    occurredAt: '2025-01-01T00:00:00.000Z',
    contactHandle: `handle-${n}`,
    notificationId: `n-${n}`,
    kind: 'INFO',
    message: `message ${n}`,
    ...overrides,
  } as VerificationEventPayload;
}
