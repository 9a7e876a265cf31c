import { it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';
it('debug', async () => {
  const gw = await startTestGateway({ env: { GATEWAY_API_KEYS: 'planted-hostile-key-0001:*', GRAPHQL_INTROSPECTION: 'false' } });
  const auth = { authorization: 'Bearer planted-hostile-key-0001' };
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  const ids = [b64('Contact:junk'), b64('Contact:REALTIME_REGISTER:sandbox:'), b64('VerificationRequest:REALTIME_REGISTER:sandbox:rtr-0001'), b64('RegistryCheck:nope'), b64('EmailVerification:x:y'), b64('Query:x'), b64('ProviderStatus:VERIFF'), b64('__Schema:x')];
  const r = await gw.graphql('query N($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }, auth); console.log(JSON.stringify(r).slice(0, 1000));
  await gw.stop();
});
