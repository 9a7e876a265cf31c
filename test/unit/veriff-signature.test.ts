import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signVeriffBody, verifyVeriffSignature } from '../../src/providers/veriff/signature.js';

const secret = 'test-shared-secret';
const body = '{"verification":{"person":{"idNumber":"39912310129","fullName":"Ann Lee"}}}';
const expected = createHmac('sha256', secret).update(body, 'utf8').digest('hex');

describe('signVeriffBody', () => {
  it('is the lowercase hex HMAC-SHA256 of the body under the shared secret', () => {
    expect(signVeriffBody(body, secret)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs bytes and the same text identically', () => {
    expect(signVeriffBody(Buffer.from(body, 'utf8'), secret)).toBe(expected);
  });

  it('changes when one byte of the body changes', () => {
    expect(signVeriffBody(body.replace('Ann', 'Anne'), secret)).not.toBe(expected);
  });
});

describe('verifyVeriffSignature', () => {
  it('accepts the lowercase signature', () => {
    expect(verifyVeriffSignature(Buffer.from(body), expected, [secret])).toBe(true);
  });

  it('accepts the same signature in upper case', () => {
    expect(verifyVeriffSignature(Buffer.from(body), expected.toUpperCase(), [secret])).toBe(true);
  });

  it('accepts a body signed with the previous secret during rotation', () => {
    const old = createHmac('sha256', 'previous-secret').update(body).digest('hex');
    expect(verifyVeriffSignature(body, old, [secret, 'previous-secret'])).toBe(true);
    expect(verifyVeriffSignature(body, old, [secret, null])).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    const wrong = createHmac('sha256', 'someone-else').update(body).digest('hex');
    expect(verifyVeriffSignature(body, wrong, [secret])).toBe(false);
  });

  it('rejects the right signature over a re-serialized body', () => {
    const reserialized = JSON.stringify(JSON.parse(body), null, 1);
    expect(verifyVeriffSignature(reserialized, expected, [secret])).toBe(false);
  });

  it('rejects signatures of the wrong length without throwing', () => {
    expect(verifyVeriffSignature(body, expected.slice(0, 62), [secret])).toBe(false);
    expect(verifyVeriffSignature(body, `${expected}00`, [secret])).toBe(false);
    expect(verifyVeriffSignature(body, '', [secret])).toBe(false);
  });

  it('rejects a missing signature and one that is not hex', () => {
    expect(verifyVeriffSignature(body, undefined, [secret])).toBe(false);
    expect(verifyVeriffSignature(body, null, [secret])).toBe(false);
    expect(verifyVeriffSignature(body, 'z'.repeat(64), [secret])).toBe(false);
  });

  it('reads the first value when the header was sent twice', () => {
    expect(verifyVeriffSignature(body, [expected, 'x'], [secret])).toBe(true);
  });

  it('rejects everything when no secret is configured', () => {
    expect(verifyVeriffSignature(body, expected, [])).toBe(false);
    expect(verifyVeriffSignature(body, expected, [null, undefined, ''])).toBe(false);
  });
});
