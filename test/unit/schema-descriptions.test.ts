import { describe, expect, it } from 'vitest';
import { PROVIDER_LABEL, PROVIDERS } from '../../src/domain/providers.js';
import { DEFAULT_DNA_TIME_ZONE } from '../../src/providers/domain-name-api/map.js';
import { OPENPROVIDER_TIME_ZONE } from '../../src/providers/openprovider/wire.js';
import { schema } from '../../src/schema/index.js';
import { resendProblems } from '../../src/services/email-input.js';

/**
 * GraphiQL's docs pane is where a frontend developer learns what a field does; a description that names fewer providers
 * than the code serves sends them to the README (or to a support ticket). These check the facts a description states
 * that the code can confirm.
 */
describe('schema descriptions', () => {
  it('resendEmailVerification names every provider it resends at, and no other', () => {
    const description = schema.getMutationType()?.getFields().resendEmailVerification?.description ?? '';
    const accepted = PROVIDERS.filter(
      (provider) => !resendProblems({ provider, handle: 'valid-handle-1' }).some((problem) => problem.path[0] === 'provider'),
    );
    expect(accepted.length).toBeGreaterThan(1);
    for (const provider of PROVIDERS) {
      expect(description.includes(PROVIDER_LABEL[provider]), `${provider} in "${description}"`).toBe(accepted.includes(provider));
    }
  });

  it('names each zone setting with its default, so the text holds whatever the setting says', () => {
    const fields = schema.getType('EmailVerification') as import('graphql').GraphQLObjectType;
    const expiresAt = fields.getFields().expiresAt?.description ?? '';
    const lastNotifiedAt = fields.getFields().lastNotifiedAt?.description ?? '';
    const setting = (name: string, zone: string) => new RegExp(`${name}[^;,]*\\(default ${zone}[;)]`);
    for (const text of [expiresAt, lastNotifiedAt]) expect(text).toMatch(setting('DOMAIN_NAME_API_TIME_ZONE', DEFAULT_DNA_TIME_ZONE));
    expect(expiresAt).toMatch(setting('OPENPROVIDER_TIME_ZONE', OPENPROVIDER_TIME_ZONE));
    // Not a zone stated as a fact: the setting may say UTC.
    expect(lastNotifiedAt).not.toMatch(/read as Europe/);
  });
});
