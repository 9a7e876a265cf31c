import { decodeGlobalID } from '@pothos/plugin-relay';
import { InputRejected, ProviderFailure, Unavailable } from '../domain/errors.js';
import type { RegistryCheck, RegistryPerson } from '../domain/registry-check.js';
import { builder, ownResultScopes } from './builder.js';
import { ProviderEnum, RegistryCheckStatusEnum } from './enums.js';
import { withRefusalsAsResults } from './mutation-refusals.js';
import { loadNode } from './node-results.js';

const RegistryPersonRef = builder.objectRef<RegistryPerson>('RegistryPerson').implement({
  description: 'What the registry confirmed about the person.',
  fields: (t) => ({
    firstName: t.exposeString('firstName', { nullable: true }),
    lastName: t.exposeString('lastName', { nullable: true }),
    dateOfBirth: t.expose('dateOfBirth', { type: 'Date', nullable: true }),
    yearOfBirth: t.exposeString('yearOfBirth', { nullable: true }),
    placeOfBirth: t.exposeString('placeOfBirth', { nullable: true }),
    addresses: t.exposeStringList('addresses'),
  }),
});

export const RegistryCheckRef = builder.node(builder.objectRef<RegistryCheck>('RegistryCheck'), {
  description: "A check of a person's national ID number against a population registry (Veriff validate-registry).",
  id: { resolve: (check) => check.id },
  loadOne: (id, context) => loadNode(() => context.services.registryChecks.get(id)),
  // registry:read; a registry:write key also sees the check its own validateRegistry just started (not its person).
  authScopes: ownResultScopes<RegistryCheck>('registry:read', 'registry:write'),
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum }),
    sessionId: t.exposeString('sessionId', { description: "The provider's verification session id." }),
    status: t.expose('status', { type: RegistryCheckStatusEnum }),
    code: t.exposeInt('code', { nullable: true, description: 'Provider decision code, e.g. 9001.' }),
    reason: t.exposeString('reason', { nullable: true }),
    reasonCode: t.exposeInt('reasonCode', { nullable: true }),
    idNumberLast4: t.exposeString('idNumberLast4', {
      nullable: true,
      description: 'Only the last four characters of the ID number; the full number is never returned or stored.',
    }),
    person: t.field({
      type: RegistryPersonRef,
      nullable: true,
      description: 'Needs registry:read, also on the result of validateRegistry.',
      authScopes: { scope: 'registry:read' },
      resolve: (check) => check.person,
    }),
    endUserId: t.exposeString('endUserId', { nullable: true }),
    vendorData: t.exposeString('vendorData', { nullable: true }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime' }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    failedValidation: t.exposeString('failedValidation', { nullable: true }),
  }),
});

builder.queryField('registryCheck', (t) =>
  t.field({
    type: RegistryCheckRef,
    nullable: true,
    description: 'A registry check by its id (the Veriff session id, or RegistryCheck.id); PENDING until the decision arrives.',
    authScopes: { scope: 'registry:read' },
    args: { id: t.arg.id({ required: true }) },
    // Takes the session id, or the global id that RegistryCheck.id returns.
    resolve: (_root, args, context) => context.services.registryChecks.get(registryCheckId(String(args.id))),
  }),
);

const RegistryAddressInput = builder.inputType('RegistryAddressInput', {
  description: 'fullAddress, or street + houseNumber + postcode.',
  fields: (t) => ({
    fullAddress: t.string({ required: false }),
    street: t.string({ required: false }),
    houseNumber: t.string({ required: false }),
    postcode: t.string({ required: false }),
    city: t.string({ required: false }),
    state: t.string({ required: false }),
    unit: t.string({ required: false }),
  }),
});

const ValidateRegistryInput = builder.inputType('ValidateRegistryInput', {
  description:
    'idNumber, a name (fullName or firstName + lastName), and dateOfBirth or an address (fullAddress or street + houseNumber + postcode) are required.',
  fields: (t) => ({
    idNumber: t.string({ required: true, description: 'Sent to the provider once; never stored, logged or returned beyond its last four characters.' }),
    fullName: t.string({ required: false }),
    firstName: t.string({ required: false }),
    lastName: t.string({ required: false }),
    dateOfBirth: t.field({ type: 'Date', required: false }),
    phoneNumber: t.string({ required: false }),
    address: t.field({ type: RegistryAddressInput, required: false }),
    endUserId: t.string({ required: false, description: 'A UUID of your own for the person.' }),
    vendorData: t.string({ required: false, description: 'At most 1000 characters.' }),
  }),
});

const ValidateRegistrySuccess = builder.objectRef<{ registryCheck: RegistryCheck; eventPending: boolean }>('ValidateRegistrySuccess').implement({
  description: 'The check was accepted; its status is PENDING in webhook mode, decided in sync mode.',
  fields: (t) => ({
    registryCheck: t.field({ type: RegistryCheckRef, resolve: (result) => result.registryCheck }),
    eventPending: t.exposeBoolean('eventPending', {
      description:
        'True when Veriff accepted the check but the gateway\'s store could not take it (nor, decided, its event) at that moment: ' +
        'they wait in the gateway\'s outbox and are stored as soon as the store is back, exactly once. Until then ' +
        '`registryCheck(id:)` may not find the check yet.',
    }),
  }),
});

builder.mutationField('validateRegistry', (t) =>
  t.field({
    type: ValidateRegistrySuccess,
    description: 'Veriff: validate a national ID number against the registry.',
    authScopes: { scope: 'registry:write' },
    errors: {
      types: [InputRejected, ProviderFailure, Unavailable],
      directResult: true,
      union: { name: 'ValidateRegistryResult' },
    },
    args: { input: t.arg({ type: ValidateRegistryInput, required: true }) },
    resolve: async (_root, { input }, context, info) => {
      const validated = await withRefusalsAsResults(() => context.services.registryChecks.validate(input, context), context, info);
      context.ownResults.add(validated.registryCheck);
      return validated;
    },
  }),
);

/** A RegistryCheck global id -> its session id; anything else is taken as the session id itself. */
function registryCheckId(id: string): string {
  try {
    const decoded = decodeGlobalID(id);
    if (decoded.typename === 'RegistryCheck') return decoded.id;
  } catch {
    // not a global id
  }
  return id;
}
