import type { VerificationRequest, VerificationSubmission } from '../domain/verification-request.js';
import { effectiveRequestStatus } from '../domain/verification-request.js';
import { matrixEntriesFor } from '../domain/matrix.js';
import { builder } from './builder.js';
import { connectionTypes } from './connection.js';
import { ProviderEnum, VerificationClaimEnum, VerificationRequestStatusEnum, VerificationSubmissionStatusEnum } from './enums.js';
import { ContactVerificationRef, VerificationMatrixEntryRef } from './verification-matrix.js';
import { loadNode } from './node-results.js';

const VerificationSubmissionRef = builder.objectRef<VerificationSubmission>('VerificationSubmission').implement({
  description: 'One sending of evidence for a request: the audit trail a registrar keeps for the registry.',
  fields: (t) => ({
    submittedAt: t.expose('submittedAt', { type: 'DateTime' }),
    verifications: t.field({ type: [ContactVerificationRef], resolve: (submission) => submission.verifications }),
    processId: t.exposeString('processId', { nullable: true, description: "The provider's process id when it answered 202." }),
    status: t.expose('status', { type: VerificationSubmissionStatusEnum }),
    failureReason: t.exposeString('failureReason', { nullable: true, description: "The provider's reason when the process failed." }),
    submittedBy: t.exposeString('submittedBy', {
      nullable: true,
      description: 'The name of the API key (never the key itself) that sent it; null in the open sandbox.',
    }),
  }),
});

/** The request's `contact` field and Contact.verificationRequests live in contact.ts, which owns contact loading. */
export const VerificationRequestRef = builder.node(builder.objectRef<VerificationRequest>('VerificationRequest'), {
  description: "A registry's demand (e.g. DENIC under NIS2) that a contact be verified for some claims by a deadline.",
  id: { resolve: (request) => request.id },
  loadOne: (id, context) => loadNode(() => context.services.verificationRequests.get(id)),
  // Read data (the registry's message, deadlines, submissions): contacts:read on every path, mutation results included.
  authScopes: { scope: 'contacts:read' },
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum }),
    customer: t.exposeString('customer', { nullable: true }),
    notificationId: t.exposeString('notificationId', {
      description: "The provider's own id for the request (Realtime Register's notification id), which a registrar can look up at the provider; `id` is the gateway's opaque node id.",
    }),
    contactHandle: t.exposeString('contactHandle'),
    claims: t.expose('claims', { type: [VerificationClaimEnum] }),
    status: t.field({
      type: VerificationRequestStatusEnum,
      description: 'OVERDUE as soon as a deadline passes while the request is still open (or rejected).',
      resolve: (request) => effectiveRequestStatus(request),
    }),
    message: t.exposeString('message', { description: "The provider's notification text." }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    deDelegationDomain: t.exposeString('deDelegationDomain', { nullable: true }),
    deDelegationDeadline: t.expose('deDelegationDeadline', { type: 'DateTime', nullable: true }),
    deletionDomain: t.exposeString('deletionDomain', { nullable: true }),
    deletionDeadline: t.expose('deletionDeadline', { type: 'DateTime', nullable: true }),
    acceptableEvidence: t.field({
      type: [VerificationMatrixEntryRef],
      description: 'Matrix entries that can attest at least one requested claim.',
      resolve: (request) => matrixEntriesFor(request.claims),
    }),
    submissions: t.field({
      type: [VerificationSubmissionRef],
      description: 'Every sending of evidence for this request, oldest first.',
      resolve: (request) => request.submissions ?? [],
    }),
  }),
});

const VerificationRequestFilterInput = builder.inputType('VerificationRequestFilter', {
  fields: (t) => ({
    providers: t.field({ type: [ProviderEnum], required: false }),
    status: t.field({ type: [VerificationRequestStatusEnum], required: false }),
    contactHandle: t.string({ required: false }),
    deadlineBefore: t.field({ type: 'DateTime', required: false, description: 'Only requests whose earliest deadline is before this instant.' }),
  }),
});

const VerificationRequestConnection = connectionTypes('VerificationRequest', VerificationRequestRef, { totalCount: true });

builder.queryField('verificationRequests', (t) =>
  t.field({
    type: VerificationRequestConnection,
    nullable: true,
    description: 'Open and past verification requests, soonest deadline first. Null (with an error) when the store is unavailable.',
    authScopes: { scope: 'contacts:read' },
    args: {
      filter: t.arg({ type: VerificationRequestFilterInput, required: false }),
      first: t.arg.int({ required: false, description: 'Page size, 0 to 1000 (default 50); 0 answers no edges, only the page info (and the count).' }),
      after: t.arg.string({ required: false }),
    },
    resolve: (_root, args, context) => context.services.verificationRequests.list(args.filter ?? null, args),
  }),
);
