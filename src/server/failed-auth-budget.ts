import type { IncomingMessage } from 'node:http';
import { LRUCache } from 'lru-cache';
import { clientAddressResolver, type ClientAddress } from './client-address.js';
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
  /** Whole seconds until the sender of `req` may present a key again; 0 when it may now. */
  waitFor(req: IncomingMessage | undefined): number;
  /** Counts one failed authentication from the sender of `req`; refused once its address is over the budget. */
  failed(req: IncomingMessage | undefined): Promise<RateDecision>;
}

/**
 * `limiter`: the callers' limiter (RATE_LIMIT_PER_MINUTE / RATE_LIMIT_BURST), a getter as it moves to Redis at start();
 * `addressOf`: who sent a request (TRUST_PROXY_HOPS, client-address.ts), by default the TCP peer.
 */
export function createFailedAuthBudget(limiter: () => RateLimiter, addressOf: ClientAddress = clientAddressResolver(0)): FailedAuthBudget {
  // Per process, from the shared budget's answer: each instance refuses an address after its first refused failure.
  const blockedUntil = new LRUCache<string, number>({ max: BLOCKED_ADDRESSES_KEPT });
  return {
    waitFor(req) {
      const address = addressOf(req);
      const until = blockedUntil.get(address);
      if (until === undefined) return 0;
      const seconds = Math.ceil((until - Date.now()) / 1000);
      if (seconds > 0) return seconds;
      blockedUntil.delete(address);
      return 0;
    },
    async failed(req) {
      const address = addressOf(req);
      const decision = await limiter().take(`auth-failure:${address}`);
      if (!decision.allowed) blockedUntil.set(address, Date.now() + decision.retryAfterSeconds * 1000);
      return decision;
    },
  };
}

/** The refusal's text, the same on every door. */
export const tooManyFailedAuthentications = (retryAfterSeconds: number) => `Too many failed authentications from this address; retry in ${retryAfterSeconds} s.`;
