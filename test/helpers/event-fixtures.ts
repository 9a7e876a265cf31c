import type { VerificationEventPayload } from '../../src/domain/events.js';
import type { RtrNotification } from '../../src/providers/realtime-register/notification.js';

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

/** A DENIC verification notification as Realtime Register delivers it, for contact `h-<id>`. */
export function denicNotification(id: number, overrides: Partial<Omit<RtrNotification, 'id'>> & { id?: number | string } = {}): RtrNotification {
  return {
    id,
    fireDate: '2026-03-01T00:00:00Z',
    message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME]',
    eventType: 'CONTACT_VERIFICATION_REQUIRED',
    notificationType: 'ContactVerificationNotification',
    payload: {},
    isAsync: false,
    processType: 'contact',
    processIdentifier: `h-${id}`,
    ...overrides,
  } as RtrNotification;
}
