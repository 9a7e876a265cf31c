import { checkVerifications } from '../domain/check-verifications.js';
import type { VerificationCheckResult } from '../domain/check-verifications.js';
import type { MatrixEntry } from '../domain/matrix.js';
import { matrixEntriesFor } from '../domain/matrix.js';
import type { ContactVerification } from '../domain/verification.js';
import { builder } from './builder.js';
import { VerificationClaimEnum, VerificationMethodEnum, VerificationProofEnum } from './enums.js';
import { FieldErrorRef } from './errors.js';

export const ContactVerificationRef = builder.objectRef<ContactVerification>('ContactVerification').implement({
  description: 'Evidence that some claims about a contact were verified.',
  fields: (t) => ({
    verifiedAt: t.expose('verifiedAt', { type: 'DateTime' }),
    externalId: t.exposeString('externalId', { description: "The submitter's own reference at the external verifier or internal system." }),
    method: t.expose('method', { type: VerificationMethodEnum }),
    proof: t.expose('proof', { type: VerificationProofEnum }),
    claims: t.expose('claims', { type: [VerificationClaimEnum] }),
  }),
});

export const ContactVerificationInput = builder.inputType('ContactVerificationInput', {
  description: 'One piece of evidence: which method and proof, which claims it attests, when and under which reference.',
  fields: (t) => ({
    verifiedAt: t.field({ type: 'DateTime', required: true }),
    externalId: t.string({ required: true, description: 'Your reference, at most 255 characters.' }),
    method: t.field({ type: VerificationMethodEnum, required: true }),
    proof: t.field({ type: VerificationProofEnum, required: true }),
    claims: t.field({ type: [VerificationClaimEnum], required: true }),
  }),
});

export const VerificationMatrixEntryRef = builder.objectRef<MatrixEntry>('VerificationMatrixEntry').implement({
  description: 'One allowed combination of method and proof, and the claims it may attest.',
  fields: (t) => ({
    method: t.expose('method', { type: VerificationMethodEnum }),
    proof: t.expose('proof', { type: VerificationProofEnum }),
    claims: t.expose('claims', { type: [VerificationClaimEnum] }),
    exclusiveClaims: t.exposeBoolean('exclusiveClaims', { description: 'True when one verification of this kind may carry only one of its claims.' }),
  }),
});

const VerificationCheckRef = builder.objectRef<VerificationCheckResult>('VerificationCheck').implement({
  description: 'The outcome of a dry-run check of verification evidence.',
  fields: (t) => ({
    valid: t.exposeBoolean('valid'),
    problems: t.field({ type: [FieldErrorRef], resolve: (check) => check.problems }),
    coveredClaims: t.expose('coveredClaims', { type: [VerificationClaimEnum] }),
    missingClaims: t.expose('missingClaims', { type: [VerificationClaimEnum], description: 'Required claims that no submitted verification covers.' }),
  }),
});

builder.queryField('verificationMatrix', (t) =>
  t.field({
    type: [VerificationMatrixEntryRef],
    description: 'The allowed method/proof/claims combinations; with claims, only entries that attest at least one of them.',
    args: { claims: t.arg({ type: [VerificationClaimEnum], required: false }) },
    resolve: (_root, args) => matrixEntriesFor(args.claims),
  }),
);

builder.queryField('checkVerification', (t) =>
  t.field({
    type: VerificationCheckRef,
    description: 'Dry run: checks verifications against the matrix and the required claims, sends nothing.',
    args: {
      verifications: t.arg({ type: [ContactVerificationInput], required: true }),
      requiredClaims: t.arg({ type: [VerificationClaimEnum], required: false }),
    },
    resolve: (_root, args) => checkVerifications(args.verifications, args.requiredClaims ?? [], ['verifications'], Date.now()),
  }),
);
