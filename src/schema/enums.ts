import { EMAIL_VERIFICATION_STATUSES } from '../domain/email-verification.js';
import { VERIFICATION_EVENT_TYPES } from '../domain/events.js';
import { PROVIDERS } from '../domain/providers.js';
import { REGISTRY_CHECK_STATUSES } from '../domain/registry-check.js';
import { DEADLINE_KINDS, VERIFICATION_REQUEST_STATUSES, VERIFICATION_SUBMISSION_STATUSES } from '../domain/verification-request.js';
import { VERIFICATION_CLAIMS, VERIFICATION_METHODS, VERIFICATION_PROOFS } from '../domain/verification.js';
import { builder } from './builder.js';

/** Enums shared by several types; their values come from src/domain so there is one list of each. */
export const ProviderEnum = builder.enumType('Provider', { description: 'An upstream API that the gateway unifies.', values: PROVIDERS });

export const ProviderModeEnum = builder.enumType('ProviderMode', {
  description: 'How the gateway reaches a provider.',
  values: {
    LIVE: { description: 'Talks to the real provider API with configured credentials.' },
    SANDBOX: { description: 'Talks to the built-in simulator of that provider.' },
    DISABLED: { description: 'Not configured; fields that need it return a PROVIDER_DISABLED error.' },
  } as const,
});

export const CircuitStateEnum = builder.enumType('CircuitState', {
  description: 'The circuit breaker in front of a provider: OPEN fails fast, HALF_OPEN lets one trial call through.',
  values: ['CLOSED', 'OPEN', 'HALF_OPEN'] as const,
});

export const VerificationClaimEnum = builder.enumType('VerificationClaim', { description: 'What a verification attests about a contact.', values: VERIFICATION_CLAIMS });
export const VerificationMethodEnum = builder.enumType('VerificationMethod', { description: 'How the evidence was obtained.', values: VERIFICATION_METHODS });
export const VerificationProofEnum = builder.enumType('VerificationProof', { description: 'The kind of evidence (note the spelling DRIVERS_LICENCE).', values: VERIFICATION_PROOFS });

export const VerificationRequestStatusEnum = builder.enumType('VerificationRequestStatus', {
  description: 'Where a registry verification request stands.',
  values: {
    OPEN: { description: 'Waiting for evidence.' },
    PROCESSING: {
      description:
        "Evidence covering every requested claim was sent; the provider answered 202 and finishes it asynchronously. The gateway follows the provider's process until it ends.",
    },
    SUBMITTED: { description: 'Evidence covering every requested claim was accepted by the provider.' },
    REJECTED: { description: "The provider's process for the submitted evidence failed; evidence must be sent again before the deadline." },
    OVERDUE: { description: 'A deadline passed while still open (or rejected).' },
  } satisfies Record<(typeof VERIFICATION_REQUEST_STATUSES)[number], { description: string }>,
});

export const VerificationSubmissionStatusEnum = builder.enumType('VerificationSubmissionStatus', {
  description: 'Where one sending of evidence stands: PROCESSING while the provider works on it (202), then ACCEPTED or FAILED.',
  values: VERIFICATION_SUBMISSION_STATUSES,
});

export const DeadlineKindEnum = builder.enumType('DeadlineKind', {
  description: 'Which registry deadline: the domain is de-delegated first, deleted later.',
  values: DEADLINE_KINDS,
});

export const EmailVerificationStatusEnum = builder.enumType('EmailVerificationStatus', {
  description: 'Unified email verification status across providers.',
  values: EMAIL_VERIFICATION_STATUSES,
});

export const EmailVerificationFailureEnum = builder.enumType('EmailVerificationFailure', {
  description: 'Why an email verification failed.',
  values: ['EXPIRED', 'BOUNCED'] as const,
});

export const RegistryCheckStatusEnum = builder.enumType('RegistryCheckStatus', {
  description: 'Where a registry check stands; PENDING until the decision arrives.',
  values: REGISTRY_CHECK_STATUSES,
});

export const VerificationEventTypeEnum = builder.enumType('VerificationEventType', {
  description: 'The kinds of live event.',
  values: VERIFICATION_EVENT_TYPES,
});
