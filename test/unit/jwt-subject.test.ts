import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../../src/server/principal.js';

const SECRET = 'a-jwt-secret-of-at-least-thirty-two-characters';
const verify = createJwtVerifier({ secret: SECRET, jwksUrl: null, issuer: null, audience: null });
const token = (sub: unknown) =>
  new SignJWT({ sub, scope: 'contacts:read' } as Record<string, unknown>)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

describe('a JWT subject', () => {
  it('names the caller when it is a short string', async () => {
    expect((await verify(await token('user-1'))).name).toBe('user-1');
  });

  it('names the caller without its runs of six or more digits (a subject that is an ID number), but keeps them apart', async () => {
    const plain = await verify(await token('38001085718'));
    expect(plain.name).toBe('[redacted]');
    expect((await verify(await token('user-38001085718@idp'))).name).toBe('user-[redacted]@idp');
    expect((await verify(await token('user-12345'))).name).toBe('user-12345');
    // Two such subjects are still two callers, with a budget each.
    expect(plain.id).not.toBe((await verify(await token('38001085719'))).id);
  });

  it('is refused when it is not a string, or too long to name anyone in an audit trail', async () => {
    // Its text becomes the principal's name: the submittedBy of every submission, stored and returned.
    for (const sub of [{ a: 1 }, 12345, ['x'], 'x'.repeat(257), '']) {
      await expect(verify(await token(sub)), JSON.stringify(sub).slice(0, 20)).rejects.toThrow('The token\'s "sub" claim is not acceptable.');
    }
  });
});
