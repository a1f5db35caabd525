import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * Bearer secrets. An api key names its user (`sk_<user id>_<secret>`) and a cancel token its
 * event (`ct_<event id>_<secret>`), so each is checked against one stored hash, found by id,
 * without an index on secrets. The secrets carry 256 random bits, so a salted SHA-256 is as
 * strong as a slow hash would be, and cheap enough to check on every request.
 */
export interface StoredSecret {
  salt: string;
  hash: string;
}

const digest = (salt: string, secret: string): string =>
  createHash('sha256').update(salt).update('\0').update(secret).digest('base64url');

/** What is kept of a secret: a fresh salt and the salted hash. */
export function storeSecret(secret: string): StoredSecret {
  const salt = randomBytes(16).toString('base64url');
  return { salt, hash: digest(salt, secret) };
}

/** Constant-time comparison of a presented secret with what was stored. */
export function secretMatches(secret: string, stored: StoredSecret): boolean {
  const presented = Buffer.from(digest(stored.salt, secret));
  const expected = Buffer.from(stored.hash);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export interface ParsedToken {
  kind: 'api_key' | 'cancel_token';
  id: string;
  secret: string;
}

const TOKEN = /^(sk|ct)_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

/** Reads `sk_…`/`ct_…`; anything else is null. */
export function parseToken(token: string): ParsedToken | null {
  const match = TOKEN.exec(token);
  if (!match) return null;
  return { kind: match[1] === 'sk' ? 'api_key' : 'cancel_token', id: match[2]!, secret: match[3]! };
}

/** A new api key for a user: shown once, then only its salted hash is kept. */
export function newApiKey(userId: string): { token: string; stored: StoredSecret } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `sk_${userId}_${secret}`, stored: storeSecret(secret) };
}

const cancelSecret = (eventId: string, serverKey: Buffer, nonce: string): string =>
  createHmac('sha256', serverKey).update(`cancel-token\0${eventId}\0${nonce}`).digest('base64url');

/**
 * A cancel token for an event, derived from a server key and a nonce kept with the event (as the
 * salt of the token's hash). The store alone cannot produce the token, yet a retry with the
 * booking's Idempotency-Key is answered with the very token of the first answer.
 */
export function cancelToken(eventId: string, serverKey: Buffer, stored?: StoredSecret) {
  // A nonce, not a secret: randomUUID's 122 bits come from a pooled source, cheaper per booking.
  const salt = stored?.salt ?? randomUUID();
  const secret = cancelSecret(eventId, serverKey, salt);
  return { token: `ct_${eventId}_${secret}`, stored: { salt, hash: digest(salt, secret) } };
}

/**
 * The cancel token of an event from its nonce alone (the event messages carry it, useless without
 * `serverKey`): how the notification service puts the booker's own link in the booker's mail.
 */
export const cancelTokenFromNonce = (eventId: string, serverKey: Buffer, nonce: string): string =>
  `ct_${eventId}_${cancelSecret(eventId, serverKey, nonce)}`;

/** Reads the tokens of one kind: the id each names, and whether its secret is the one stored. */
function tokensOf(kind: ParsedToken['kind']) {
  const parse = (token: string) => {
    const parsed = parseToken(token);
    return parsed?.kind === kind ? parsed : null;
  };
  return {
    /** The user (api key) or event (cancel token) the token names; null for any other token. */
    idOf: (token: string): string | null => parse(token)?.id ?? null,
    matches(token: string, stored: StoredSecret): boolean {
      const parsed = parse(token);
      return parsed !== null && secretMatches(parsed.secret, stored);
    },
  };
}

/** The user service's api keys, as its domain's port asks for them. */
export const apiKeys = { issue: newApiKey, ...tokensOf('api_key') };

/** The booking service's cancel tokens, derived with `serverKey`, as its domain's port asks for them. */
export function cancelTokens(serverKey: Buffer) {
  return {
    issue: (eventId: string) => cancelToken(eventId, serverKey),
    reissue: (eventId: string, stored: StoredSecret) => cancelToken(eventId, serverKey, stored).token,
    ...tokensOf('cancel_token'),
  };
}

/** Reads `Authorization`: the bearer token, `missing`, or `malformed` for any other shape. */
export function bearerToken(header: string | undefined): string | 'missing' | 'malformed' {
  if (header === undefined || header === '') return 'missing';
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  return match ? match[1]! : 'malformed';
}
