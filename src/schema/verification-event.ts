import { GraphQLError } from 'graphql';
import type { VerificationEvent } from '../domain/events.js';
import { EventsTrimmed, SubscriptionInterrupted } from '../services/events.js';
import { builder } from './builder.js';
import { ContactRef, providerDataContactLoadKey } from './contact.js';
import { connectionTypes } from './connection.js';
import { EmailVerificationRef } from './email-verification.js';
import { DeadlineKindEnum, EmailVerificationStatusEnum, ProviderEnum, VerificationEventTypeEnum, VerificationRequestStatusEnum } from './enums.js';
import { RegistryCheckRef } from './registry-check.js';
import { ContactVerificationRef } from './verification-matrix.js';
import { withPartialFailures } from './partial-failures.js';
import { VerificationRequestRef } from './verification-request.js';

type EventOf<T extends VerificationEvent['type']> = Extract<VerificationEvent, { type: T }>;

const VerificationEventInterface = builder.interfaceRef<VerificationEvent>('VerificationEvent').implement({
  description: 'Something that happened at a provider or in the gateway, stored in the event log.',
  resolveType: (event) => EVENT_TYPE_NAMES[event.type],
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Monotonic per gateway deployment; usable as a resume point.' }),
    type: t.expose('type', { type: VerificationEventTypeEnum }),
    provider: t.expose('provider', { type: ProviderEnum }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
  }),
});

const EVENT_TYPE_NAMES: Record<VerificationEvent['type'], string> = {
  VERIFICATION_REQUIRED: 'VerificationRequiredEvent',
  VERIFICATION_SUBMITTED: 'VerificationSubmittedEvent',
  EMAIL_VERIFICATION_CHANGED: 'EmailVerificationChangedEvent',
  REGISTRY_CHECK_DECIDED: 'RegistryCheckDecidedEvent',
  PROVIDER_NOTIFICATION: 'ProviderNotificationEvent',
  VERIFICATION_REQUEST_CHANGED: 'VerificationRequestChangedEvent',
  DEADLINE_APPROACHING: 'DeadlineApproachingEvent',
};

builder.objectRef<EventOf<'VERIFICATION_REQUIRED'>>('VerificationRequiredEvent').implement({
  description: 'A registry asked for verification evidence.',
  interfaces: [VerificationEventInterface],
  fields: (t) => ({ request: t.field({ type: VerificationRequestRef, resolve: (event) => event.request }) }),
});

builder.objectRef<EventOf<'VERIFICATION_SUBMITTED'>>('VerificationSubmittedEvent').implement({
  description: 'Evidence was accepted by the provider.',
  interfaces: [VerificationEventInterface],
  fields: (t) => ({
    contactHandle: t.exposeString('contactHandle'),
    contact: t.field({
      type: ContactRef,
      nullable: true,
      authScopes: { scope: 'contacts:read' },
      resolve: (event, _args, context) => providerDataContactLoadKey(context, event.provider, event.contactHandle, event.customer),
    }),
    // The evidence itself is contact data: contacts:read, like the contact and the request beside it.
    verifications: t.field({ type: [ContactVerificationRef], authScopes: { scope: 'contacts:read' }, resolve: (event) => event.verifications }),
    // Checked on the field, not only on the request's type: a type check runs only on a request that exists, so an
    // events:read key saw FORBIDDEN where a submission answered a registry's request and a silent null where it did not.
    request: t.field({ type: VerificationRequestRef, nullable: true, authScopes: { scope: 'contacts:read' }, resolve: (event) => event.request }),
  }),
});

builder.objectRef<EventOf<'EMAIL_VERIFICATION_CHANGED'>>('EmailVerificationChangedEvent').implement({
  description: 'An email verification moved to another status.',
  interfaces: [VerificationEventInterface],
  fields: (t) => ({
    emailVerification: t.field({ type: EmailVerificationRef, resolve: (event) => event.emailVerification }),
    previousStatus: t.expose('previousStatus', { type: EmailVerificationStatusEnum, nullable: true }),
  }),
});

builder.objectRef<EventOf<'REGISTRY_CHECK_DECIDED'>>('RegistryCheckDecidedEvent').implement({
  description: 'A registry check received its decision.',
  interfaces: [VerificationEventInterface],
  fields: (t) => ({ registryCheck: t.field({ type: RegistryCheckRef, resolve: (event) => event.registryCheck }) }),
});

builder.objectRef<EventOf<'PROVIDER_NOTIFICATION'>>('ProviderNotificationEvent').implement({
  description: 'Any other provider notification, passed through.',
  interfaces: [VerificationEventInterface],
  fields: (t) => ({
    notificationId: t.exposeString('notificationId'),
    kind: t.exposeString('kind'),
    message: t.exposeString('message'),
  }),
});

builder.objectRef<EventOf<'VERIFICATION_REQUEST_CHANGED'>>('VerificationRequestChangedEvent').implement({
  description:
    'A request changed status: evidence sent for it (OPEN, REJECTED or OVERDUE to SUBMITTED, or to PROCESSING when the provider answered 202), its process ended (PROCESSING to SUBMITTED or REJECTED), or a deadline passed (OPEN or REJECTED to OVERDUE).',
  interfaces: [VerificationEventInterface],
  fields: (t) => ({
    request: t.field({ type: VerificationRequestRef, resolve: (event) => event.request }),
    previousStatus: t.expose('previousStatus', { type: VerificationRequestStatusEnum }),
  }),
});

builder.objectRef<EventOf<'DEADLINE_APPROACHING'>>('DeadlineApproachingEvent').implement({
  description:
    "An open or rejected request's deadline is near (an overdue one's later deletion deadline too): emitted once per request, deadline and configured threshold, by exactly one gateway instance.",
  interfaces: [VerificationEventInterface],
  fields: (t) => ({
    request: t.field({ type: VerificationRequestRef, resolve: (event) => event.request }),
    deadlineKind: t.expose('deadlineKind', { type: DeadlineKindEnum }),
    deadline: t.expose('deadline', { type: 'DateTime' }),
    remainingSeconds: t.exposeInt('remainingSeconds', { description: 'Seconds left when the event was emitted.' }),
  }),
});

const VerificationEventFilterInput = builder.inputType('VerificationEventFilter', {
  fields: (t) => ({
    providers: t.field({ type: [ProviderEnum], required: false }),
    types: t.field({ type: [VerificationEventTypeEnum], required: false }),
    contactHandle: t.string({ required: false }),
  }),
});

/**
 * events:read, and contacts:read too when the filter names a contact handle. Which contact a request, a deadline or an
 * email change concerns is read through the request (contacts:read) or the row (email:read), not the event: matched
 * against a handle, the log answered an events:read key "is there a verification request for rtr-0042?" all the same.
 */
function eventReadScopes(args: { filter?: { contactHandle?: string | null } | null }) {
  return args.filter?.contactHandle ? { $all: { scope: 'events:read' as const, $any: { scope: 'contacts:read' as const } } } : { scope: 'events:read' as const };
}

const VerificationEventConnection = connectionTypes('VerificationEvent', VerificationEventInterface, { totalCount: false });

builder.queryField('verificationEvents', (t) =>
  t.field({
    type: VerificationEventConnection,
    nullable: true,
    description:
      'Stored events, newest last; `after` is an event id. Needs events:read, and contacts:read to filter by contactHandle. A filtered page looks at no more than 5,000 stored events: it may hold fewer edges than `first`, even none, with hasNextPage true; go on from pageInfo.endCursor, which is then the last event looked at. Null (with an error) when the event log is unavailable. An `after` older than what the log keeps (it is trimmed to the newest events) gives the events kept after it plus an error EVENTS_TRIMMED at this field, with `extensions.oldestKeptId`.',
    authScopes: (_root, args) => eventReadScopes(args),
    args: {
      filter: t.arg({ type: VerificationEventFilterInput, required: false }),
      first: t.arg.int({ required: false, description: 'Page size, 0 to 1000 (default 50); 0 answers no edges, only the page info (and the count).' }),
      after: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, context, info) => withPartialFailures(await context.services.events.list(args.filter ?? null, args), context, info),
  }),
);

builder.subscriptionField('verificationEvents', (t) =>
  t.field({
    type: VerificationEventInterface,
    description:
      'Live events (events:read; contacts:read too to filter by contactHandle); with `after` (an event id), stored events after it are replayed first, then live ones, with no gap and no duplicate. An `after` older than what the log keeps ends the subscription at once, before replaying, with an error EVENTS_TRIMMED whose `extensions.oldestKeptId` is the oldest event still kept: re-read state with queries, then resume after it. `"0-0"` replays everything kept.',
    authScopes: (_root, args) => eventReadScopes(args),
    args: {
      filter: t.arg({ type: VerificationEventFilterInput, required: false }),
      after: t.arg.id({ required: false }),
    },
    subscribe: (_root, args, context) => {
      const after = args.after === null || args.after === undefined ? null : String(args.after);
      const { principal } = context;
      // The open sandbox has no key to charge.
      const chargeScan = principal.authenticated ? () => context.callers().take(`caller:${principal.id}`) : undefined;
      const events = context.services.events.subscribe(args.filter ?? null, after, lastEventIdHeader(context), chargeScan);
      context.onSubscriptionSource?.(events);
      return events;
    },
    resolve: (event) => {
      // The stream's last item when it had to end early: sent as a GraphQL error, then the subscription completes.
      // EventsTrimmed gets its code and oldestKeptId where the query's gets them (src/server/error-codes.ts).
      if (event instanceof EventsTrimmed) throw event;
      if (event instanceof SubscriptionInterrupted) {
        const code = INTERRUPTION_CODE[event.reason];
        const retry = event.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: event.retryAfterSeconds };
        throw new GraphQLError(event.message, { extensions: { code, resumeAfter: event.resumeAfter, ...retry } });
      }
      return event;
    },
  }),
);

const INTERRUPTION_CODE: Record<SubscriptionInterrupted['reason'], string> = {
  FELL_BEHIND: 'SUBSCRIBER_FELL_BEHIND',
  EVENT_LOG_UNAVAILABLE: 'EVENT_LOG_UNAVAILABLE',
  RATE_LIMITED: 'RATE_LIMITED',
};

/**
 * The Last-Event-ID an EventSource sends when it reconnects to the same URL after losing its stream: the `id:` of the
 * last event it received (src/server/sse-writer.ts writes one per event). Only HTTP carries it; a WebSocket
 * subscription resumes with `after`.
 */
function lastEventIdHeader(context: object): string | null {
  const { request } = context as { request?: Request };
  return request?.headers.get('last-event-id') ?? null;
}
