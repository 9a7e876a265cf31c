import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeSignature, signatureDigestCandidates, WEBHOOK_SIGNATURE_READINGS } from '../../src/providers/realtime-register/assumptions.js';
import { hasValidBasicAuth, hasValidRealtimeRegisterSignature, signRealtimeRegisterBody } from '../../src/providers/realtime-register/webhook.js';

/** The worked example of RTR's webhook docs (providers/realtime-register.md, "Webhook signature", revision 2). */
const EXAMPLE_KEY = 'EXAMPLE_KEY';
const EXAMPLE_BODY = Buffer.from('{"payload": "examplePayload"}');
const EXAMPLE_HEX = '99928fae027cc60240594ecf829369365ca1c9b9ec87106d04c319a45ee0bd49';
const EXAMPLE_BASE64 = 'IDk5OTI4ZmFlMDI3Y2M2MDI0MDU5NGVjZjgyOTM2OTM2NWNhMWM5YjllYzg3MTA2ZDA0YzMxOWE0NWVlMGJkNDk=';

const verifies = (signature: string, body = EXAMPLE_BODY, key = EXAMPLE_KEY) => hasValidRealtimeRegisterSignature(key, body, { signature });

describe('the documented webhook signature example', () => {
  it('verifies in the docs\' own "Base64" value (Base64 of " " + the hex text)', () => {
    expect(verifies(EXAMPLE_BASE64)).toBe(true);
  });

  it('verifies as the bare hex the docs give', () => {
    expect(verifies(EXAMPLE_HEX)).toBe(true);
    expect(verifies(` ${EXAMPLE_HEX.toUpperCase()}\n`)).toBe(true);
  });

  it('verifies as Base64 of the 32 digest bytes, as the docs\' prose says', () => {
    expect(verifies(Buffer.from(EXAMPLE_HEX, 'hex').toString('base64'))).toBe(true);
  });

  it('verifies as Base64 of the hex text without the leading space, and with other surrounding whitespace', () => {
    expect(verifies(Buffer.from(EXAMPLE_HEX).toString('base64'))).toBe(true);
    expect(verifies(Buffer.from(`\t${EXAMPLE_HEX}\r\n`).toString('base64'))).toBe(true);
  });

  it('verifies in every Base64 variant "Base64-encoded" may mean: without padding, and in the URL-safe alphabet', () => {
    const digest = Buffer.from(EXAMPLE_HEX, 'hex');
    expect(verifies(digest.toString('base64').replace(/=+$/, ''))).toBe(true);
    expect(verifies(digest.toString('base64url'))).toBe(true);
    expect(verifies(`${digest.toString('base64url')}=`)).toBe(true);
    expect(verifies(EXAMPLE_BASE64.replace(/=+$/, ''))).toBe(true);
    expect(verifies(Buffer.from(EXAMPLE_HEX).toString('base64url'))).toBe(true);
  });

  it('is what signRealtimeRegisterBody writes in each reading, and each verifies', () => {
    expect(signRealtimeRegisterBody(EXAMPLE_KEY, EXAMPLE_BODY, 'base64-hex')).toBe(EXAMPLE_BASE64);
    expect(signRealtimeRegisterBody(EXAMPLE_KEY, EXAMPLE_BODY, 'hex')).toBe(EXAMPLE_HEX);
    for (const reading of WEBHOOK_SIGNATURE_READINGS) expect(verifies(signRealtimeRegisterBody(EXAMPLE_KEY, EXAMPLE_BODY, reading))).toBe(true);
  });
});

describe('forged webhook signatures', () => {
  it.each(WEBHOOK_SIGNATURE_READINGS)('refuses the %s reading under another key or over another body', (reading) => {
    const signature = signRealtimeRegisterBody(EXAMPLE_KEY, EXAMPLE_BODY, reading);
    expect(verifies(signature, EXAMPLE_BODY, 'OTHER_KEY')).toBe(false);
    expect(verifies(signature, Buffer.from('{"payload": "examplePayload!"}'))).toBe(false);
  });

  it.each(WEBHOOK_SIGNATURE_READINGS)('refuses the %s reading cut short or padded', (reading) => {
    const signature = signRealtimeRegisterBody(EXAMPLE_KEY, EXAMPLE_BODY, reading);
    expect(verifies(signature.slice(0, -4))).toBe(false);
    expect(verifies(signature.slice(0, 20))).toBe(false);
    expect(verifies(`${signature}AAAA`)).toBe(false);
  });

  it('refuses an empty, missing, oversized or non-text header', () => {
    expect(hasValidRealtimeRegisterSignature(EXAMPLE_KEY, EXAMPLE_BODY, {})).toBe(false);
    expect(verifies('')).toBe(false);
    expect(verifies('   ')).toBe(false);
    expect(verifies(`${EXAMPLE_HEX} `.repeat(20))).toBe(false);
    expect(verifies('!!!not base64 or hex!!!')).toBe(false);
  });

  it('refuses a Base64 value with a character changed, mixed alphabets, or a length no Base64 has', () => {
    const flip = (text: string, at: number) => `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    const digest = createHmac('sha256', EXAMPLE_KEY).update(EXAMPLE_BODY).digest();
    expect(verifies(flip(digest.toString('base64url'), 10))).toBe(false);
    expect(verifies(flip(EXAMPLE_BASE64, 30))).toBe(false);
    const withBoth = Buffer.from([0xfb, 0xff, ...digest.subarray(2)]).toString('base64');
    expect(withBoth).toMatch(/^\+\//);
    expect(verifies(`-${withBoth.slice(1)}`)).toBe(false);
    expect(verifies(`${digest.toString('base64url')}A`)).toBe(false);
  });
});

describe('signatureDigestCandidates', () => {
  it('finds one 32-byte digest per reading that decodes to one, and none in noise', () => {
    const digest = Buffer.from(EXAMPLE_HEX, 'hex');
    for (const reading of WEBHOOK_SIGNATURE_READINGS) {
      expect(signatureDigestCandidates(encodeSignature(digest, reading)).some((candidate) => candidate.equals(digest))).toBe(true);
    }
    expect(signatureDigestCandidates('c2lnbmVkIGJ5IHNvbWVvbmUgZWxzZQ==')).toEqual([]);
  });
});

describe('webhook Basic auth', () => {
  const expected = { username: 'rtr', password: 'pa:ss word' };
  const basic = (text: string) => ({ authorization: `Basic ${Buffer.from(text).toString('base64')}` });

  it('accepts exactly the configured user and password (the password may hold colons and spaces)', () => {
    expect(hasValidBasicAuth(expected, basic('rtr:pa:ss word'))).toBe(true);
  });

  it('refuses another password, another user, another scheme or none', () => {
    expect(hasValidBasicAuth(expected, basic('rtr:pa:ss'))).toBe(false);
    expect(hasValidBasicAuth(expected, basic('RTR:pa:ss word'))).toBe(false);
    expect(hasValidBasicAuth(expected, { authorization: `Bearer ${Buffer.from('rtr:pa:ss word').toString('base64')}` })).toBe(false);
    expect(hasValidBasicAuth(expected, {})).toBe(false);
  });
});
