import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';

/** Why an address may not be fetched; `metadata` and `reserved` are refused even when private networks are allowed. */
export type BlockedKind = 'loopback' | 'private' | 'link-local' | 'metadata' | 'reserved';

/** One address of a name, as node:dns gives it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (node:dns by default; tests inject their own). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** What the guard lets through besides public unicast addresses. */
export interface NetworkPolicy {
  /** Loopback, private (RFC 1918, CGNAT, unique-local) and link-local addresses are allowed. */
  allowPrivateNetworks: boolean;
  /** CIDR ranges allowed whatever they are (e.g. one home server: `192.168.1.20/32`). */
  allowNetworks: readonly string[];
}

/** A refused destination, with a message the model (and the user) can read. */
export class BlockedAddressError extends Error {
  readonly code = 'ADDRESS_BLOCKED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly kind: BlockedKind,
  ) {
    super(`${host}${host === address ? '' : ` (${address})`} is a ${kind} address; web_fetch only reaches public addresses`);
  }
}

function ranges(list: Array<[string, number]>): BlockList {
  const b = new BlockList();
  for (const [net, prefix] of list) b.addSubnet(net, prefix, isIP(net) === 6 ? 'ipv6' : 'ipv4');
  return b;
}

// Cloud instance metadata endpoints (AWS, GCP, Azure, ECS task, Alibaba, Oracle, AWS over IPv6).
const METADATA = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '192.0.0.192', 'fd00:ec2::254']);

const BLOCKED: Array<[BlockedKind, BlockList]> = [
  ['loopback', ranges([['127.0.0.0', 8], ['::1', 128]])],
  ['private', ranges([['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10], ['fc00::', 7]])],
  ['link-local', ranges([['169.254.0.0', 16], ['fe80::', 10]])],
  // Not destinations: "this network", IETF assignments, benchmarking, multicast, reserved, unspecified, site-local.
  ['reserved', ranges([['0.0.0.0', 8], ['192.0.0.0', 24], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4], ['::', 128], ['ff00::', 8], ['fec0::', 10]])],
];

/** The IPv4 address inside an IPv4-mapped, NAT64 or 6to4 IPv6 address, which reaches that IPv4 host. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower) ?? /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4})(?::|$)/.exec(lower);
  if (!hex) return null;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** What kind of non-public address this is, or null for a public unicast address. */
export function classifyAddress(address: string): BlockedKind | null {
  const inner = isIP(address) === 6 ? embeddedIpv4(address) : null;
  if (inner) return classifyAddress(inner);
  if (METADATA.has(address.toLowerCase())) return 'metadata';
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  for (const [kind, list] of BLOCKED) if (list.check(address, type)) return kind;
  return null;
}

/** Decides address by address; built once per policy. */
export class NetworkGuard {
  private readonly allowed = new BlockList();

  constructor(private readonly policy: NetworkPolicy) {
    for (const cidr of policy.allowNetworks) {
      const [net, prefix] = cidr.split('/');
      const family = isIP(net) === 6 ? 'ipv6' : 'ipv4';
      this.allowed.addSubnet(net, prefix === undefined ? (family === 'ipv6' ? 128 : 32) : Number(prefix), family);
    }
  }

  /** Throws BlockedAddressError unless the policy lets `address` be reached. */
  check(host: string, address: string): void {
    const kind = classifyAddress(address);
    if (!kind) return;
    const inner = isIP(address) === 6 ? embeddedIpv4(address) : null;
    if (this.allowed.check(inner ?? address, inner || isIP(address) === 4 ? 'ipv4' : 'ipv6')) return;
    if (this.policy.allowPrivateNetworks && (kind === 'loopback' || kind === 'private' || kind === 'link-local')) return;
    throw new BlockedAddressError(host, address, kind);
  }

  /**
   * Resolves a host once and checks every address it has (a name with one private address among
   * public ones is refused: the connection could land on either); the first address is the one
   * to connect to, so the checked answer is the one used.
   */
  async resolve(hostname: string, resolver: HostResolver): Promise<ResolvedAddress> {
    const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    const family = isIP(host);
    const addresses: ResolvedAddress[] = family ? [{ address: host, family: family as 4 | 6 }] : await resolver(host);
    if (!addresses.length) throw new Error(`${host} has no address`);
    for (const a of addresses) this.check(host, a.address);
    return addresses[0];
  }
}

/** node:dns resolution of every address of a name (the system resolver, as http would use). */
export const systemResolver: HostResolver = async (hostname) => {
  const all = await dnsLookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};
