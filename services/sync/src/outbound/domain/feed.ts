import { assertOwner, NotFoundError, type Principal } from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import type { CalendarOwners } from '../../domain/ports.js';
import { feedStart, MAX_FEED_EVENTS, type OutboundEvent } from './outbound-event.js';
import type { OutboundRepository } from './outbound-repository.js';

/** The feed's secret tokens (cryptography is not domain code: `http/feed-tokens.ts`). */
export interface FeedTokens {
  /** A new random token. */
  issue(): string;
  /** What is stored of a token. */
  hash(token: string): string;
  /** Whether `token` is the one whose hash is stored, in constant time. */
  matches(token: string, storedHash: string): boolean;
}

export interface FeedDeps {
  store: OutboundRepository;
  owners: CalendarOwners;
  clock: Clock;
  tokens: FeedTokens;
}

/**
 * A new feed token of the owner's calendar. Only its hash is kept, and it replaces the previous
 * one, so the previous URL stops working.
 */
export async function issueFeedToken(actor: Principal, calendarId: string, deps: FeedDeps): Promise<string> {
  const owner = await deps.owners.ownerOf(calendarId);
  if (!owner) throw new NotFoundError('calendar', calendarId);
  assertOwner(actor, owner.userId, 'calendar');
  const token = deps.tokens.issue();
  await deps.store.setFeedToken(calendarId, deps.tokens.hash(token), deps.clock.now());
  return token;
}

/**
 * The calendar's name and the events its feed lists (ending from `feedStart` on, at most
 * `MAX_FEED_EVENTS`), for the token of its current feed URL. One refusal for an unknown calendar,
 * a calendar without a feed, and a wrong or revoked token: a guess learns nothing. The token is
 * checked before the calendar service is asked.
 */
export async function readFeed(
  calendarId: string,
  token: string,
  deps: FeedDeps,
): Promise<{ name: string; events: OutboundEvent[] }> {
  const noFeed = new NotFoundError('feed', calendarId);
  const stored = await deps.store.feedTokenHash(calendarId);
  if (stored === null || !deps.tokens.matches(token, stored)) throw noFeed;
  const owner = await deps.owners.ownerOf(calendarId);
  if (!owner) throw noFeed;
  const events = await deps.store.feedEvents(calendarId, feedStart(deps.clock.now()), MAX_FEED_EVENTS);
  return { name: owner.name, events };
}
