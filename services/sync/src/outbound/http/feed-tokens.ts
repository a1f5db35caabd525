import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FeedTokens } from '../domain/feed.js';

/** A new feed token: 256 random bits, base64url (43 characters, safe in a query string as is). */
export const newFeedToken = (): string => randomBytes(32).toString('base64url');

/** What is stored of a token: its SHA-256, hex. A token is random, so no salt or slow hash is needed. */
export const feedTokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Whether `token` is the one whose hash is stored, compared in constant time. */
export function feedTokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(feedTokenHash(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}

/** The feed's tokens as the domain asks for them. */
export const feedTokens: FeedTokens = { issue: newFeedToken, hash: feedTokenHash, matches: feedTokenMatches };
