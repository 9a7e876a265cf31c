import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddressResolver } from '../../src/server/client-address.js';

const request = (peer: string, forwardedFor?: string | string[]) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('clientAddressResolver (TRUST_PROXY_HOPS)', () => {
  it('ignores X-Forwarded-For without trusted proxies: anyone can write it', () => {
    expect(clientAddressResolver(0)(request('10.0.0.5', '203.0.113.7'))).toBe('10.0.0.5');
  });

  it('takes the entry the nearest trusted proxy appended, never one the caller wrote further left', () => {
    const one = clientAddressResolver(1);
    expect(one(request('10.0.0.5', '203.0.113.7'))).toBe('203.0.113.7');
    // A caller forging its own entry: the proxy appended the real address after it.
    expect(one(request('10.0.0.5', '198.51.100.1, 203.0.113.7'))).toBe('203.0.113.7');
    const two = clientAddressResolver(2);
    expect(two(request('10.0.0.5', '198.51.100.1, 203.0.113.7, 10.0.0.9'))).toBe('203.0.113.7');
    expect(two(request('10.0.0.5', ['198.51.100.1, 203.0.113.7', '10.0.0.9']))).toBe('203.0.113.7');
  });

  it('falls back to what it has: the leftmost entry when fewer than the hops, the peer without a header', () => {
    expect(clientAddressResolver(3)(request('10.0.0.5', '203.0.113.7'))).toBe('203.0.113.7');
    expect(clientAddressResolver(1)(request('10.0.0.5'))).toBe('10.0.0.5');
    expect(clientAddressResolver(1)(request('10.0.0.5', ' , '))).toBe('10.0.0.5');
    expect(clientAddressResolver(1)(undefined)).toBe('unknown');
  });

  it('cuts an entry longer than any address', () => {
    expect(clientAddressResolver(1)(request('10.0.0.5', 'x'.repeat(5000)))).toHaveLength(64);
  });

  it('counts an IPv6 client by its /64, however the address is written, and an IPv4-mapped peer as its IPv4 address', () => {
    const peer = clientAddressResolver(0);
    expect(peer(request('2001:db8:7:1::1'))).toBe('2001:db8:7:1::/64');
    expect(peer(request('2001:0DB8:0007:0001:ffff:0:0:9'))).toBe('2001:db8:7:1::/64');
    expect(peer(request('2001:db8:7:2::1'))).toBe('2001:db8:7:2::/64');
    expect(peer(request('::1'))).toBe('0:0:0:0::/64');
    expect(peer(request('fe80::1%eth0'))).toBe('fe80:0:0:0::/64');
    expect(peer(request('2001:db8::192.0.2.1'))).toBe('2001:db8:0:0::/64');
    expect(peer(request('::ffff:192.0.2.1'))).toBe('192.0.2.1');
    expect(clientAddressResolver(1)(request('10.0.0.5', '2001:db8:7:1:abcd::6'))).toBe('2001:db8:7:1::/64');
    // Not an address: left as it came (cut), never thrown on.
    expect(clientAddressResolver(1)(request('10.0.0.5', 'not-an-address'))).toBe('not-an-address');
  });
});
