import { isIPv4, isIPv6 } from 'node:net';

/** IPv6 bits that name one client: a /64 is what a single host, a home or a phone is routinely given. */
const CLIENT_PREFIX_GROUPS = 4;
/** An IPv4 address written in IPv6 form (`::ffff:192.0.2.1`), as a dual-stack socket reports IPv4 peers. */
const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The network a per-address budget counts a client by: an IPv4 address as it is (the mapped IPv6 form read as the
 * same address), an IPv6 address as its /64, written one way. Counted per full IPv6 address, a host that holds a /64
 * (2^64 addresses, each free to use) had a fresh budget for every guess, and writing one address several ways
 * (`2001:DB8::1`, `2001:0db8:0:0::1`) was several budgets too. Anything else (`unknown`, a proxy's odd entry) is
 * returned as it came.
 */
export function clientNetwork(address: string): string {
  const mapped = IPV4_MAPPED.exec(address);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  // A zone (`fe80::1%eth0`) names the gateway's own interface, not the client.
  const bare = address.split('%', 1)[0]!;
  if (!isIPv6(bare)) return address;
  return `${ipv6Groups(bare).slice(0, CLIENT_PREFIX_GROUPS).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, lowercase without leading zeros; `::` expanded. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::', 2);
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])));
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
