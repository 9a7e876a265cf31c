import { describe, expect, it } from 'vitest';
import { scrubProviderText } from '../../src/providers/provider-text.js';

describe('scrubProviderText', () => {
  it('drops a run of six or more digits (an ID number the provider quotes back) and keeps codes, dates and handles', () => {
    expect(scrubProviderText('Contact 49912319999 does not exist')).toBe('Contact [redacted] does not exist');
    expect(scrubProviderText('code 410 on 2026-11-28 for rtr-0002')).toBe('code 410 on 2026-11-28 for rtr-0002');
  });

  it('drops email addresses and cuts long text', () => {
    expect(scrubProviderText('Customer ann.lee@example.com not found')).toBe('Customer [email] not found');
    expect(scrubProviderText('x'.repeat(10_000))).toHaveLength(200);
  });
});
