import type { ProviderStatus } from '../services/provider-status.js';
import { builder } from './builder.js';
import { CircuitStateEnum, ProviderEnum, ProviderModeEnum } from './enums.js';

const ProviderStatusRef = builder.objectRef<ProviderStatus>('ProviderStatus').implement({
  description: 'How the gateway reaches one provider right now.',
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum }),
    mode: t.expose('mode', { type: ProviderModeEnum }),
    baseUrl: t.exposeString('baseUrl', { nullable: true }),
    circuit: t.expose('circuit', { type: CircuitStateEnum }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Last upstream failure seen, if any, without secrets.' }),
    lastErrorAt: t.expose('lastErrorAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.queryField('providers', (t) =>
  t.field({
    type: [ProviderStatusRef],
    description: 'Every provider with its mode, base URL and circuit state. Open to any caller: it holds no customer data.',
    resolve: (_root, _args, context) => context.services.providers(),
  }),
);
