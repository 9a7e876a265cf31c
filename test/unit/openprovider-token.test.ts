import { describe, expect, it } from 'vitest';
import { ProviderFailure } from '../../src/domain/errors.js';
import { credentialsRefused } from '../../src/providers/openprovider/map.js';
import { OpenproviderTokenManager, type OpenproviderTokenManagerOptions } from '../../src/providers/openprovider/token.js';
import { MemoryCache } from '../../src/store/memory-cache.js';
import { MemoryLocks } from '../../src/store/locks.js';

/** A login that counts its calls and answers after a tick, like a real round trip. */
function countingLogin(answer: () => string | Error = () => 'token') {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    login: async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const result = answer();
      if (result instanceof Error) throw result;
      return `${result}-${calls}`;
    },
  };
}

function manager(options: Partial<OpenproviderTokenManagerOptions> & Pick<OpenproviderTokenManagerOptions, 'login'>) {
  return new OpenproviderTokenManager({ cache: new MemoryCache(), locks: new MemoryLocks(), account: 'acct', secret: 'op-password', pollMs: 5, ...options });
}

describe('OpenproviderTokenManager', () => {
  it('logs in once for 20 concurrent callers and hands all of them the same token', async () => {
    const login = countingLogin();
    const tokens = manager({ login: login.login });
    const got = await Promise.all(Array.from({ length: 20 }, () => tokens.token()));
    expect(login.calls).toBe(1);
    expect(new Set(got)).toEqual(new Set(['token-1']));
  });

  it('reuses the token until it nears one day, then logs in again', async () => {
    let now = Date.UTC(2026, 0, 1);
    const login = countingLogin();
    const tokens = manager({ login: login.login, now: () => now });
    expect(await tokens.token()).toBe('token-1');
    now += 22 * 3600_000;
    expect(await tokens.token()).toBe('token-1');
    now += 2 * 3600_000;
    expect(await tokens.token()).toBe('token-2');
    expect(login.calls).toBe(2);
  });

  it('logs in again after invalidate, but only when the refused token is still the current one', async () => {
    const login = countingLogin();
    const tokens = manager({ login: login.login });
    const first = await tokens.token();
    await tokens.invalidate('some-older-token');
    expect(await tokens.token()).toBe(first);
    await tokens.invalidate(first);
    expect(await tokens.token()).toBe('token-2');
    expect(login.calls).toBe(2);
  });

  it('shares one login between two instances through the shared cache and the login lock', async () => {
    const cache = new MemoryCache();
    const locks = new MemoryLocks();
    const login = countingLogin();
    const a = manager({ login: login.login, cache, locks });
    const b = manager({ login: login.login, cache, locks });
    const got = await Promise.all([...Array.from({ length: 10 }, () => a.token()), ...Array.from({ length: 10 }, () => b.token())]);
    expect(login.calls).toBe(1);
    expect(new Set(got).size).toBe(1);
  });

  it('never drops a token another instance stored after it read the refused one (two instances, one refused token)', async () => {
    const cache = new MemoryCache();
    const locks = new MemoryLocks();
    const login = countingLogin();
    // B's cache lets the test hold its writes back: B has read the refused token, and A logs in again before B writes.
    let releaseWrites: () => void = () => {};
    const writesHeld = new Promise<void>((resolve) => (releaseWrites = resolve));
    const slowWrites = Object.create(cache) as MemoryCache;
    slowWrites.delete = async (...args: Parameters<MemoryCache['delete']>) => {
      await writesHeld;
      return cache.delete(...args);
    };
    slowWrites.set = async (...args: Parameters<MemoryCache['set']>) => {
      await writesHeld;
      return cache.set(...args);
    };
    const a = manager({ login: login.login, cache, locks });
    const b = manager({ login: login.login, cache: slowWrites, locks });
    const refused = await a.token();
    expect(await b.token()).toBe(refused);
    const bInvalidates = b.invalidate(refused);
    await a.invalidate(refused);
    const renewed = await a.token();
    releaseWrites();
    await bInvalidates;
    expect(await b.token()).toBe(renewed);
    expect(login.calls).toBe(2);
  });

  it('answers a burst of 50 callers with one login attempt when the credentials are refused', async () => {
    const login = countingLogin(() => credentialsRefused(500));
    const tokens = manager({ login: login.login });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => tokens.token()));
    // A second wave after the first failed: the refusal is remembered, no new login.
    const later = await Promise.allSettled(Array.from({ length: 50 }, () => tokens.token()));
    expect(login.calls).toBe(1);
    for (const result of [...results, ...later]) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as ProviderFailure;
      expect(error).toBeInstanceOf(ProviderFailure);
      expect(error).toMatchObject({ kind: 'AUTH', retryable: false });
      expect(error.message).toMatch(/refused the gateway's credentials/);
    }
  });

  it('keeps the token in the shared cache only sealed: the store never holds it, and another secret cannot use it', async () => {
    const cache = new MemoryCache();
    const locks = new MemoryLocks();
    const login = countingLogin(() => 'bearer-9f8e7d6c5b4a');
    expect(await manager({ login: login.login, cache, locks }).token()).toBe('bearer-9f8e7d6c5b4a-1');
    const stored = await cache.get<Record<string, unknown>>('provider-token', 'openprovider:acct:token');
    expect(stored).toBeTruthy();
    expect(JSON.stringify(stored)).not.toContain('bearer-9f8e7d6c5b4a');
    // Same password: the second instance opens it and does not log in.
    expect(await manager({ login: login.login, cache, locks }).token()).toBe('bearer-9f8e7d6c5b4a-1');
    expect(login.calls).toBe(1);
    // A value that does not open (another password, or altered in the store) is ignored: this instance logs in itself.
    expect(await manager({ login: login.login, cache, locks, secret: 'another-password' }).token()).toBe('bearer-9f8e7d6c5b4a-2');
    expect(login.calls).toBe(2);
  });

  it('tells another instance about a refusal through the cache instead of letting it log in too', async () => {
    const cache = new MemoryCache();
    const locks = new MemoryLocks();
    const login = countingLogin(() => credentialsRefused(200));
    await expect(manager({ login: login.login, cache, locks }).token()).rejects.toMatchObject({ kind: 'AUTH' });
    await expect(manager({ login: login.login, cache, locks }).token()).rejects.toMatchObject({ kind: 'AUTH' });
    expect(login.calls).toBe(1);
  });

  it('tries one login again once the refusal memory has passed', async () => {
    let now = 1_000_000;
    let refuse = true;
    const login = countingLogin(() => (refuse ? credentialsRefused(401) : 'token'));
    const cache = new MemoryCache();
    const tokens = manager({ login: login.login, now: () => now, refusalMemoryMs: 60_000, cache });
    await expect(tokens.token()).rejects.toMatchObject({ kind: 'AUTH' });
    now += 30_000;
    await expect(tokens.token()).rejects.toMatchObject({ kind: 'AUTH' });
    expect(login.calls).toBe(1);
    refuse = false;
    now += 31_000;
    // The shared refusal entry lives on the cache's real clock; drop it as its TTL would.
    await cache.delete('provider-token', 'openprovider:acct:refused');
    expect(await tokens.token()).toBe('token-2');
  });

  it('remembers a rate-limited login (code 50) for at least a minute, and tells other instances through the cache', async () => {
    let now = 1_000_000;
    const limited = () => new ProviderFailure('OPENPROVIDER', 'logins limited', { kind: 'RATE_LIMITED', code: '50', retryable: true, retryAfterSeconds: 5 });
    const login = countingLogin(limited);
    const cache = new MemoryCache();
    const locks = new MemoryLocks();
    const a = manager({ login: login.login, now: () => now, cache, locks });
    const b = manager({ login: login.login, now: () => now, cache, locks });
    await expect(a.token()).rejects.toMatchObject({ kind: 'RATE_LIMITED' });
    now += 59_000;
    await expect(a.token()).rejects.toMatchObject({ kind: 'RATE_LIMITED' });
    await expect(b.token()).rejects.toMatchObject({ kind: 'RATE_LIMITED', retryable: true, retryAfterSeconds: 1 });
    expect(login.calls).toBe(1);
  });

  it('remembers a refusal repeated within the hour for 20 minutes, so the gateway never adds to a failed-login block', async () => {
    let now = 1_000_000;
    const login = countingLogin(() => credentialsRefused(500));
    const cache = new MemoryCache();
    const tokens = manager({ login: login.login, now: () => now, cache });
    await expect(tokens.token()).rejects.toMatchObject({ kind: 'AUTH' });
    now += 61_000;
    await cache.delete('provider-token', 'openprovider:acct:refused'); // its TTL runs on the real clock
    await expect(tokens.token()).rejects.toMatchObject({ kind: 'AUTH' });
    expect(login.calls).toBe(2);
    now += 19 * 60_000;
    await expect(tokens.token()).rejects.toMatchObject({ kind: 'AUTH' });
    expect(login.calls).toBe(2);
    now += 61_000;
    await cache.delete('provider-token', 'openprovider:acct:refused');
    await expect(tokens.token()).rejects.toMatchObject({ kind: 'AUTH' });
    expect(login.calls).toBe(3);
  });

  it('does not remember a failure that is not a refusal: the next caller tries again', async () => {
    let fail = true;
    const login = countingLogin(() =>
      fail ? new ProviderFailure('OPENPROVIDER', 'down', { kind: 'UNAVAILABLE', retryable: true }) : 'token',
    );
    const tokens = manager({ login: login.login });
    await expect(tokens.token()).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    fail = false;
    expect(await tokens.token()).toBe('token-2');
  });

  it('gives up with a retryable UNAVAILABLE when another instance holds the login lock and never finishes', async () => {
    const locks = new MemoryLocks();
    await locks.acquire('openprovider-login', 60_000);
    const login = countingLogin();
    const tokens = manager({ login: login.login, locks, peerWaitMs: 30 });
    await expect(tokens.token()).rejects.toMatchObject({ kind: 'UNAVAILABLE', retryable: true });
    expect(login.calls).toBe(0);
  });
});
