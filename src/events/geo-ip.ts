import { BlockList, isIP } from 'node:net';

/**
 * Addresses no geo database can place: private networks, loopback, link-local, carrier-grade
 * NAT, documentation and benchmarking ranges, multicast and the reserved rest (the IANA
 * special-purpose registries). A database may still hold a record for some of them (a stray
 * block, a country guessed from the registrant), and a sign-in "from" such a place would feed
 * the travel rule a location the caller was never at.
 */
const SPECIAL_V4 = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local
  '172.16.0.0/12',
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // TEST-NET-1
  '192.88.99.0/24', // 6to4 relay anycast
  '192.168.0.0/16',
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // TEST-NET-2
  '203.0.113.0/24', // TEST-NET-3
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the broadcast address
];

/** Within global unicast (2000::/3); everything outside it (ULA, link-local, multicast, NAT64, ...) is special anyway. */
const SPECIAL_V6 = [
  '2001::/23', // IETF protocol assignments (Teredo, ORCHID, benchmarking)
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4: the IPv4 address inside is the one to place, and it is not worth unwrapping
  '3fff::/20', // documentation
];

// IPv4 by arithmetic: a cache miss in a replay costs this per address, and BlockList takes microseconds.
const V4_RANGES = SPECIAL_V4.map((cidr) => {
  const [address, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = v4Number(address);
  return [start, start + size] as const;
});
const special = new BlockList();
for (const cidr of SPECIAL_V6) special.addSubnet(cidr.split('/')[0], Number(cidr.split('/')[1]), 'ipv6');
const globalV6 = new BlockList();
globalV6.addSubnet('2000::', 3, 'ipv6');

function v4Number(address: string): number {
  let n = 0;
  for (const octet of address.split('.')) n = n * 256 + Number(octet);
  return n;
}

function specialV4(address: string): boolean {
  const n = v4Number(address);
  for (const [start, end] of V4_RANGES) if (n >= start && n < end) return true;
  return false;
}

const MAPPED_DOTTED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/**
 * The address to look up, as IPv4 or IPv6 text, or undefined when it is not a public address
 * (or not an address at all: providers put service names such as `cloudtrail.amazonaws.com`
 * where a caller's address would be). An IPv4-mapped IPv6 address is its IPv4 address.
 */
export function publicAddress(text: string): { address: string; version: 4 | 6 } | undefined {
  let address = text.trim();
  let version = isIP(address);
  if (version === 6) {
    const dotted = MAPPED_DOTTED.exec(address);
    const hex = dotted ? null : MAPPED_HEX.exec(address);
    if (dotted) address = dotted[1];
    else if (hex) {
      const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
      address = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    }
    version = isIP(address);
  }
  if (version === 4) return specialV4(address) ? undefined : { address, version };
  if (version === 6) return globalV6.check(address, 'ipv6') && !special.check(address, 'ipv6') ? { address, version } : undefined;
  return undefined;
}
