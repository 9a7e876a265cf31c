/** Live updates: the verificationEvents subscription over GraphQL over SSE, resumed after the last event on reconnect. */
import { GatewayRequestError, VerificationEventsDocument } from '../../client/src/index.js';
import type { VerificationEventsSubscription } from '../../client/src/index.js';
import { $, errorText, formatInstant, h } from './dom.js';
import { upsertEmail } from './emails.js';
import { gateway } from './gateway-client.js';
import { showDecision } from './registry-check.js';
import { loadRequests, upsertRequest } from './requests.js';

type LiveEvent = VerificationEventsSubscription['verificationEvents'];
type State = 'connecting' | 'live' | 'reconnecting' | 'off';

/** Refusals for the caller's key: asking again changes nothing until another key is entered (which restarts). */
const KEY_REFUSALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

/** The last event seen: a reconnect resumes after it, so nothing is missed or shown twice. */
let lastEventId: string | null = null;

function setState(state: State, detail?: string): void {
  const live = $('live');
  live.dataset.state = state;
  live.textContent = `Live updates: ${state}${detail ? ` (${detail})` : ''}`;
}

function apply(event: LiveEvent): void {
  lastEventId = event.id;
  let summary = '';
  switch (event.__typename) {
    case 'VerificationRequiredEvent':
      summary = `${event.requiredRequest.contactHandle} must verify ${event.requiredRequest.claims.join(', ')}`;
      // A new request belongs wherever the gateway's order puts it: reload the page being shown.
      void loadRequests();
      break;
    case 'VerificationSubmittedEvent':
      if (event.submittedRequest) upsertRequest(event.submittedRequest);
      summary = `evidence submitted for ${event.contactHandle}`;
      break;
    case 'VerificationRequestChangedEvent':
      upsertRequest(event.changedRequest);
      summary = `${event.changedRequest.contactHandle}: ${event.previousRequestStatus} → ${event.changedRequest.status}`;
      break;
    case 'DeadlineApproachingEvent':
      upsertRequest(event.approachingRequest);
      summary = `${event.approachingRequest.contactHandle}: ${event.deadlineKind.toLowerCase().replace('_', '-')} in ${Math.round(event.remainingSeconds / 3600)} h`;
      break;
    case 'EmailVerificationChangedEvent':
      upsertEmail(event.emailVerification);
      summary = `${event.emailVerification.email}: ${event.previousStatus ?? '?'} → ${event.emailVerification.status}`;
      break;
    case 'RegistryCheckDecidedEvent':
      showDecision(event.registryCheck);
      summary = `registry check ${event.registryCheck.sessionId}: ${event.registryCheck.status}`;
      break;
    case 'ProviderNotificationEvent':
      summary = `${event.kind}: ${event.message}`;
      break;
  }
  const list = $('events');
  list.prepend(h('li', {}, h('time', { datetime: event.occurredAt }, formatInstant(event.occurredAt)), ` ${event.provider} ${event.type}`, summary ? ` — ${summary}` : ''));
  while (list.children.length > 25) list.lastElementChild?.remove();
}

/** Follows the event stream until the returned function is called, reconnecting with backoff. */
export function followEvents(): () => void {
  const controller = new AbortController();
  void (async () => {
    for (let attempt = 0; !controller.signal.aborted; attempt++) {
      setState(attempt === 0 ? 'connecting' : 'reconnecting');
      try {
        const events = gateway.subscribe(VerificationEventsDocument, { after: lastEventId }, {
          transport: 'sse',
          signal: controller.signal,
          onConnected: () => {
            attempt = 0;
            setState('live');
            // Whatever arrived before the stream opened is then in the list.
            void loadRequests();
          },
        });
        for await (const { verificationEvents } of events) apply(verificationEvents);
        if (!controller.signal.aborted) setState('reconnecting', 'the server ended the stream');
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof GatewayRequestError && KEY_REFUSALS.has(error.code ?? '')) return setState('off', errorText(error));
        setState('reconnecting', errorText(error));
        // The last event seen is older than the gateway still keeps: resuming after it would fail again for ever. The
        // page re-reads the requests instead and resumes after the oldest event kept.
        if (error instanceof GatewayRequestError && error.code === 'EVENTS_TRIMMED') {
          const oldestKeptId = error.errors[0]?.extensions?.oldestKeptId;
          lastEventId = typeof oldestKeptId === 'string' ? oldestKeptId : null;
          void loadRequests();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** Math.min(attempt, 6))));
    }
  })();
  return () => controller.abort();
}
