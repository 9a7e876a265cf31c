import type { IncomingMessage } from 'node:http';
import { clientNetwork } from './client-network.js';

/**
 * Who sent a request, as the per-address budgets (webhooks, failed authentications) count it: an IPv4 address, or the
 * /64 of an IPv6 one (client-network.ts).
 */
export type ClientAddress = (req: IncomingMessage | undefined) => string;

/** An address longer than any IPv6 text is not one: cut, so a budget key stays small whatever the header says. */
const ADDRESS_MAX = 64;

/**
 * TRUST_PROXY_HOPS = N: the gateway runs behind N reverse proxies (a load balancer, an ingress), each of which appends
 * the address it received the request from to X-Forwarded-For. The client is then the N-th entry from the right;
 * entries further left were written by whoever sent the request and prove nothing. With N = 0 (the default) the
 * header is ignored and the TCP peer is the client: anyone can write X-Forwarded-For. Behind a proxy without this
 * setting every caller shares the proxy's address, so one caller guessing keys would lock out everyone.
 * Reads at most N entries, from the right, by position (linear in what it reads).
 */
export function clientAddressResolver(trustedProxies: number): ClientAddress {
  return (req) => {
    const peer = req?.socket?.remoteAddress ?? 'unknown';
    if (trustedProxies === 0 || !req) return clientNetwork(peer);
    const header = req.headers['x-forwarded-for'];
    const text = Array.isArray(header) ? header.join(',') : header;
    if (!text) return clientNetwork(peer);
    let address = peer;
    let end = text.length;
    for (let hop = 0; hop < trustedProxies && end > 0; hop++) {
      const comma = text.lastIndexOf(',', end - 1);
      const entry = text.slice(comma + 1, end).trim();
      if (!entry) break;
      address = entry;
      end = Math.max(comma, 0);
    }
    return clientNetwork(address.slice(0, ADDRESS_MAX));
  };
}
