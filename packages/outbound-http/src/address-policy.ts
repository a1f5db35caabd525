import net from 'node:net';
import dns from 'node:dns';
import ipaddr from 'ipaddr.js';

/** A name's addresses, as `dns.lookup(name, { all: true })` gives them. */
export interface ResolvedAddress {
  address: string;
  family: number;
}
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolve: Resolve = (hostname) => dns.promises.lookup(hostname, { all: true });

/**
 * The ipaddr.js range of an address (`loopback`, `private`, `linkLocal`, `unicast`, …), with
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`) unwrapped first; `invalid` for anything that is not an IP.
 */
export function addressRange(address: string): string {
  if (net.isIP(address) === 0) return 'invalid';
  try {
    return ipaddr.process(address).range();
  } catch {
    return 'invalid';
  }
}

/**
 * Public unicast only. Everything ipaddr.js names (loopback, private, link-local, carrier-grade
 * NAT, unique-local, multicast, unspecified, reserved, documentation, NAT64, 6to4, Teredo, …) is
 * refused: an allow-list of one range, so a range we forgot is refused rather than reached.
 */
export const isPublicAddress = (address: string): boolean => addressRange(address) === 'unicast';

export interface AddressPolicyOptions {
  /** The operator's `ALLOW_PRIVATE_URLS=true`: every address may be called. */
  allowPrivate: boolean;
  /**
   * Replaces the public-unicast rule when `allowPrivate` is false. For tests, which stand in for
   * the public internet with 127.0.0.1; production code leaves it unset.
   */
  isAllowedAddress?: (address: string) => boolean;
}

export const addressAllowed =
  ({ allowPrivate, isAllowedAddress = isPublicAddress }: AddressPolicyOptions) =>
  (address: string): boolean =>
    allowPrivate || isAllowedAddress(address);

/** `[::1]` → `::1`; other hostnames unchanged. */
export const unbracket = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, '$1');
