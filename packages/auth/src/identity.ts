import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Principal } from '@slotkeeper/errors';

/**
 * The header that carries the gateway's word on who a request acts for, to the services behind
 * it. It is signed with the secret the gateway and the services share (INTERNAL_AUTH_SECRET), and
 * expires quickly, so a client cannot make one up, and one seen in transit is soon useless.
 * The gateway drops any such header a client sends.
 */
export const IDENTITY_HEADER = 'x-slotkeeper-identity';
const LIFETIME_MS = 60_000;

export interface InternalKeys {
  /** Signs identity headers. */
  identity: Buffer;
  /** Derives cancel tokens. */
  cancelTokens: Buffer;
}

/** Independent keys for each use, derived from the one shared secret (HKDF-SHA256). */
export function internalKeys(secret: string): InternalKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'slotkeeper', info, 32));
  return { identity: derive('identity header v1'), cancelTokens: derive('cancel tokens v1') };
}

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

export function signIdentity(principal: Principal, key: Buffer, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ ...principal, exp: now + LIFETIME_MS })).toString('base64url');
  return `v1.${payload}.${mac(key, payload)}`;
}

/** How long a signed header is reused before a fresh one is signed: well inside its lifetime. */
const REUSE_MS = 10_000;
const CACHE_SIZE = 10_000;

/**
 * Signs identity headers for one key, reusing each principal's header for a few seconds: an
 * HMAC per request was a visible share of the gateway's time, and a header is valid for a minute.
 */
export function identitySigner(key: Buffer): (principal: Principal) => string {
  const signed = new LRUCache<string, string>({ max: CACHE_SIZE, ttl: REUSE_MS });
  return (principal) => {
    const id = JSON.stringify(principal);
    let header = signed.get(id);
    if (header === undefined) signed.set(id, (header = signIdentity(principal, key)));
    return header;
  };
}

/** Verifies identity headers for one key, remembering the ones already checked until they expire. */
export function identityVerifier(key: Buffer): (header: string | undefined) => Principal | null {
  const verified = new LRUCache<string, { principal: Principal; exp: number }>({ max: CACHE_SIZE });
  return (header) => {
    if (!header) return null;
    const now = Date.now();
    const cached = verified.get(header);
    if (cached) return cached.exp >= now ? cached.principal : null;
    const principal = verifyIdentity(header, key, now);
    if (principal) verified.set(header, { principal, exp: expiryOf(header) });
    return principal;
  };
}

const expiryOf = (header: string): number =>
  (JSON.parse(Buffer.from(header.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number }).exp;

/** The principal a header vouches for, or null when it is missing, forged, or expired. */
export function verifyIdentity(header: string | undefined, key: Buffer, now = Date.now()): Principal | null {
  const [version, payload, signature, ...rest] = header?.split('.') ?? [];
  if (version !== 'v1' || !payload || !signature || rest.length > 0) return null;
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Principal & { exp: number };
    if (typeof claims.exp !== 'number' || claims.exp < now) return null;
    if (claims.kind === 'user' && typeof claims.userId === 'string') return { kind: 'user', userId: claims.userId };
    if (claims.kind === 'service' && typeof claims.service === 'string')
      return { kind: 'service', service: claims.service };
    if (claims.kind === 'anonymous') return { kind: 'anonymous' };
    return null;
  } catch {
    return null;
  }
}
