import { ForbiddenError, UnauthorizedError } from '@slotkeeper/errors';
import { describe, expect, it, vi } from 'vitest';
import {
  apiKeys,
  assertOwner,
  bearerToken,
  cancelToken,
  cancelTokens,
  identitySigner,
  identityVerifier,
  internalKeys,
  newApiKey,
  parseToken,
  secretMatches,
  signIdentity,
  verifyIdentity,
} from '../src/index.js';

const USER = '0123456789abcdef01234567';
const keys = internalKeys('a shared secret of the gateway and services');

describe('api keys', () => {
  it('when a key is issued, then only its salted hash is kept, and only that key matches it', () => {
    const { token, stored } = newApiKey(USER);
    const parsed = parseToken(token)!;
    expect(parsed).toMatchObject({ kind: 'api_key', id: USER });
    expect(JSON.stringify(stored)).not.toContain(parsed.secret);
    expect(secretMatches(parsed.secret, stored)).toBe(true);
    const other = parseToken(newApiKey(USER).token)!;
    expect(secretMatches(other.secret, stored)).toBe(false);
    // The same secret salted twice hashes differently.
    expect(newApiKey(USER).stored.hash).not.toBe(stored.hash);
  });

  it('reads only well-formed tokens', () => {
    const { token } = newApiKey(USER);
    for (const bad of [
      '',
      'sk_',
      `sk_${USER}`,
      `xx_${USER}_${token.slice(-43)}`,
      `${token}x`,
      `sk_NOTHEX_${token.slice(-43)}`,
    ]) {
      expect(parseToken(bad)).toBeNull();
    }
  });
});

describe('cancel tokens', () => {
  it('when asked again with what was stored, then the same token comes back; another key gives another', () => {
    const first = cancelToken(USER, keys.cancelTokens);
    expect(cancelToken(USER, keys.cancelTokens, first.stored).token).toBe(first.token);
    expect(secretMatches(parseToken(first.token)!.secret, first.stored)).toBe(true);
    const otherServer = internalKeys('another secret');
    expect(cancelToken(USER, otherServer.cancelTokens, first.stored).token).not.toBe(first.token);
    expect(cancelToken(USER, keys.cancelTokens).token).not.toBe(first.token);
  });
});

describe('the secrets as the domains’ ports take them', () => {
  const tokens = cancelTokens(keys.cancelTokens);

  it('when a key or token is issued, then it names its user or event, matches only what was stored of it, and is derived again from that', () => {
    const key = apiKeys.issue(USER);
    expect(apiKeys.idOf(key.token)).toBe(USER);
    expect(apiKeys.matches(key.token, key.stored)).toBe(true);
    expect(apiKeys.matches(apiKeys.issue(USER).token, key.stored)).toBe(false);
    const token = tokens.issue(USER);
    expect(tokens.idOf(token.token)).toBe(USER);
    expect(tokens.matches(token.token, token.stored)).toBe(true);
    expect(tokens.reissue(USER, token.stored)).toBe(token.token);
    expect(cancelTokens(internalKeys('another secret').cancelTokens).reissue(USER, token.stored)).not.toBe(token.token);
  });

  it('when given the other kind of secret, or anything else, then it names nobody and matches nothing', () => {
    const key = apiKeys.issue(USER);
    const token = tokens.issue(USER);
    expect(tokens.idOf(key.token)).toBeNull();
    expect(tokens.matches(key.token, key.stored)).toBe(false);
    expect(apiKeys.idOf(token.token)).toBeNull();
    expect(apiKeys.matches(token.token, token.stored)).toBe(false);
    for (const junk of ['', 'sk_', `ct_${USER}`, `Bearer ${token.token}`]) {
      expect(apiKeys.idOf(junk)).toBeNull();
      expect(tokens.idOf(junk)).toBeNull();
      expect(tokens.matches(junk, token.stored)).toBe(false);
    }
  });
});

describe('the identity header', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');

  it('when signed by the gateway, then a service reads the same principal back', () => {
    const header = signIdentity({ kind: 'user', userId: USER }, keys.identity, now);
    expect(verifyIdentity(header, keys.identity, now + 1_000)).toEqual({ kind: 'user', userId: USER });
    expect(verifyIdentity(signIdentity({ kind: 'anonymous' }, keys.identity, now), keys.identity, now)).toEqual({
      kind: 'anonymous',
    });
  });

  it('when forged, altered, signed with another secret or expired, then it is refused', () => {
    const header = signIdentity({ kind: 'user', userId: USER }, keys.identity, now);
    const [v, payload, signature] = header.split('.');
    const altered = Buffer.from(JSON.stringify({ kind: 'user', userId: 'f'.repeat(24), exp: now + 60_000 })).toString(
      'base64url',
    );
    for (const forged of [
      undefined,
      '',
      `{"kind":"user","userId":"${USER}"}`,
      `${v}.${altered}.${signature}`,
      `${v}.${payload}.${signature!.slice(1)}`,
      signIdentity({ kind: 'user', userId: USER }, internalKeys('guess').identity, now),
    ]) {
      expect(verifyIdentity(forged, keys.identity, now)).toBeNull();
    }
    expect(verifyIdentity(header, keys.identity, now + 61_000)).toBeNull();
  });
});

describe('the signer and verifier the gateway and services keep', () => {
  it('reuse a signed header for a while, accept it while it is valid, and refuse forgeries', () => {
    const sign = identitySigner(keys.identity);
    const verify = identityVerifier(keys.identity);
    const header = sign({ kind: 'user', userId: USER });
    expect(sign({ kind: 'user', userId: USER })).toBe(header);
    expect(sign({ kind: 'anonymous' })).not.toBe(header);
    expect(verify(header)).toEqual({ kind: 'user', userId: USER });
    expect(verify(header)).toEqual({ kind: 'user', userId: USER });
    expect(verify(signIdentity({ kind: 'user', userId: USER }, internalKeys('other').identity))).toBeNull();
    expect(verify(undefined)).toBeNull();
  });

  it('refuse a remembered header once it has expired', () => {
    vi.useFakeTimers({ now: Date.parse('2030-01-01T00:00:00Z') });
    try {
      const verify = identityVerifier(keys.identity);
      const header = signIdentity({ kind: 'anonymous' }, keys.identity);
      expect(verify(header)).toEqual({ kind: 'anonymous' });
      vi.advanceTimersByTime(61_000);
      expect(verify(header)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ownership', () => {
  it('is 401 for nobody, 403 for another user, and passes the owner and services', () => {
    expect(() => assertOwner({ kind: 'anonymous' }, USER, 'calendar')).toThrow(UnauthorizedError);
    expect(() => assertOwner({ kind: 'user', userId: 'f'.repeat(24) }, USER, 'calendar')).toThrow(ForbiddenError);
    expect(() => assertOwner({ kind: 'user', userId: USER }, USER, 'calendar')).not.toThrow();
    expect(() => assertOwner({ kind: 'service', service: 'calendar' }, USER, 'calendar')).not.toThrow();
  });
});

describe('the Authorization header', () => {
  it('yields the bearer token, or says it is missing or malformed', () => {
    expect(bearerToken(undefined)).toBe('missing');
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    for (const bad of ['Basic abc', 'Bearer', 'Bearer ', 'Bearer a b', 'abc'])
      expect(bearerToken(bad)).toBe('malformed');
  });
});
