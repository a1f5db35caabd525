import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { addressAllowed, systemResolve, unbracket, type AddressPolicyOptions, type Resolve } from './address-policy.js';
import { OutboundUrlRefused } from './errors.js';

export interface CheckOutboundUrlOptions extends AddressPolicyOptions {
  /** How names are resolved; the system resolver unless a test gives another. */
  resolve?: Resolve;
  /** How long resolving may take before the URL is refused as unresolvable. */
  resolveTimeoutMs?: number;
}

const RESOLVE_TIMEOUT_MS = 5_000;

export type CheckedUrl = { ok: true; url: string } | { ok: false; error: OutboundUrlRefused };

const refuse = (kind: OutboundUrlRefused['kind'], reason: string): { ok: false; error: OutboundUrlRefused } => ({
  ok: false,
  error: new OutboundUrlRefused(kind, reason),
});

/**
 * The checks that need no network: http or https (`webcal:` is https), no userinfo, a host, and
 * an IP-literal host that is allowed. Returns the parsed URL, or a refusal.
 */
export function checkUrlShape(
  input: string,
  options: AddressPolicyOptions,
): { ok: true; url: URL } | { ok: false; error: OutboundUrlRefused } {
  const trimmed = input.trim();
  const mapped = /^webcal:/i.test(trimmed) ? `https:${trimmed.slice('webcal:'.length)}` : trimmed;
  let url: URL;
  try {
    url = new URL(mapped);
  } catch {
    return refuse('invalid-url', 'The URL is not a valid absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse('invalid-url', 'Only http, https and webcal URLs are accepted.');
  }
  if (url.username !== '' || url.password !== '') {
    return refuse('invalid-url', 'The URL may not contain a user name or password; give them separately.');
  }
  if (url.hostname === '') return refuse('invalid-url', 'The URL has no host.');
  const host = unbracket(url.hostname);
  if (net.isIP(host) !== 0 && !addressAllowed(options)(host)) {
    return refuse('not-public', `${host} is a loopback, private, link-local or otherwise non-public address.`);
  }
  return { ok: true, url };
}

/**
 * Whether a URL an owner gives may be stored: the shape checks, then (unless private addresses are
 * allowed) its name resolved once and refused when any address is not public. This gives the 400 at
 * creation; what actually protects later calls is the connect-time check of `outboundClient`, since
 * the name may resolve differently by then.
 */
export async function checkOutboundUrl(input: string, options: CheckOutboundUrlOptions): Promise<CheckedUrl> {
  const shape = checkUrlShape(input, options);
  if (!shape.ok) return shape;
  const { url } = shape;
  const host = unbracket(url.hostname);
  if (options.allowPrivate || net.isIP(host) !== 0) return { ok: true, url: url.href };
  let addresses;
  try {
    // A resolver that does not answer must not hold the request that asked.
    addresses = await Promise.race([
      (options.resolve ?? systemResolve)(host),
      sleep(options.resolveTimeoutMs ?? RESOLVE_TIMEOUT_MS, undefined, { ref: false }).then(() => {
        throw new Error('timeout');
      }),
    ]);
  } catch {
    return refuse('unresolvable', `The host name ${host} could not be resolved.`);
  }
  if (addresses.length === 0) return refuse('unresolvable', `The host name ${host} could not be resolved.`);
  const allowed = addressAllowed(options);
  const blocked = addresses.find((a) => !allowed(a.address));
  if (blocked !== undefined) {
    // Which address is not said: the answer reaches whoever gave the URL, and an internal
    // name's addresses are the operator's business.
    return refuse('not-public', `${host} resolves to a loopback, private, link-local or otherwise non-public address.`);
  }
  return { ok: true, url: url.href };
}

/** The rule owners' URLs pass before they are stored (a busy source's, a webhook's), in a domain's terms. */
export interface UrlPolicy {
  check(url: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/** The operator's rule for owners' URLs: public addresses only, unless ALLOW_PRIVATE_URLS=true; checked after DNS. */
export const outboundUrlPolicy = (allowPrivate: boolean, resolve?: Resolve): UrlPolicy => ({
  async check(url) {
    const checked = await checkOutboundUrl(url, { allowPrivate, ...(resolve && { resolve }) });
    return checked.ok ? { ok: true } : { ok: false, reason: checked.error.reason };
  },
});
