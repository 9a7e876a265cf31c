/**
 * A Realtime Register notification as the poll queue, list/get and the webhook deliver it
 * (providers/realtime-register.md, "Notifications"; realtimeregister-ts `INotification`). The webhook body is the
 * same object without `acknowledgeDate`. How DENIC requests fill it is in assumptions.ts (DENIC_NOTIFICATION).
 */
export interface RtrNotification {
  id: number;
  fireDate: string;
  readDate?: string | null;
  acknowledgeDate?: string | null;
  deliveryDate?: string | null;
  message: string;
  reason?: string | null;
  customer?: string | null;
  /** The process id the notification is about. */
  process?: number | null;
  eventType: string;
  notificationType: string;
  /** Type-specific. */
  payload: Record<string, unknown>;
  isAsync: boolean;
  processType?: string | null;
  processIdentifier?: string | null;
  subjectStatus?: string | null;
}

/** `GET /v2/customers/{customer}/notifications/poll`: `notification` is absent when the queue is empty. */
export interface RtrPollResult {
  /** Unacknowledged notifications left, the returned one included; null when the answer's count was unreadable. */
  count: number | null;
  notification: RtrNotification | null;
}
