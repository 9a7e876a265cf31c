import { LRUCache } from 'lru-cache';
import type { RateDecision, RateLimiter } from './rate-limit.js';

/** Addresses remembered as over their budget: bounded, since anyone can vary the address they come from. */
const BLOCKED_ADDRESSES_KEPT = 10_000;

/**
 * Failed authentications per source address, one budget for every door that takes a key: /graphql (HTTP and both
 * SSE modes), graphql-ws `connection_init` and /operator/*. Once an address is over it, its attempts are refused
 * before the credential is looked at, until the budget has room again: were a right key still let through, the
 * refusal would only mean "wrong key" and guessing would go on at full speed.
 */
export interface FailedAuthBudget {
  /** Whole seconds until this address may present a key again; 0 when it may now. */
  waitFor(address: string): number;
  /** Counts one failed authentication from this address; refused once the address is over its budget. */
  failed(address: string): Promise<RateDecision>;
}

/** `limiter`: the callers' limiter (RATE_LIMIT_PER_MINUTE / RATE_LIMIT_BURST), a getter as it moves to Redis at start(). */
export function createFailedAuthBudget(limiter: () => RateLimiter): FailedAuthBudget {
  // Per process, from the shared budget's answer: each instance refuses an address after its first refused failure.
  const blockedUntil = new LRUCache<string, number>({ max: BLOCKED_ADDRESSES_KEPT });
  return {
    waitFor(address) {
      const until = blockedUntil.get(address);
      if (until === undefined) return 0;
      const seconds = Math.ceil((until - Date.now()) / 1000);
      if (seconds > 0) return seconds;
      blockedUntil.delete(address);
      return 0;
    },
    async failed(address) {
      const decision = await limiter().take(`auth-failure:${address}`);
      if (!decision.allowed) blockedUntil.set(address, Date.now() + decision.retryAfterSeconds * 1000);
      return decision;
    },
  };
}

/** The refusal's text, the same on every door. */
export const tooManyFailedAuthentications = (retryAfterSeconds: number) => `Too many failed authentications from this address; retry in ${retryAfterSeconds} s.`;
