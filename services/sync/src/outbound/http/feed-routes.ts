import { apiRoutes } from '@slotkeeper/contracts';
import { assertOwner, NotFoundError } from '@slotkeeper/errors';
import { serveRoute, type HttpApp } from '@slotkeeper/http-kit';
import { feedIcsInTurns } from '@slotkeeper/icalendar';
import { calendarItemOf } from '../calendar-items.js';
import type { OutboundDeps } from '../deps.js';
import { feedStart, MAX_FEED_EVENTS } from '../domain/outbound-event.js';
import { feedTokenHash, feedTokenMatches, newFeedToken } from './feed-tokens.js';

/**
 * Feed answers may be kept a minute by the subscriber's own client, never by a shared cache: the
 * URL is a secret. A revoked URL may so serve its last answer for up to a minute, to whoever
 * already had it.
 */
const FEED_CACHE_CONTROL = 'private, max-age=60';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The calendar feed: `createFeedToken` (owner) issues a secret URL, `getCalendarFeed` (public,
 * the token its only credential) serves the calendar's events as iCalendar. Neither the token
 * nor the URL is ever logged by this code (the shared logger redacts `token=` in request URLs).
 */
export function outboundRoutes(app: HttpApp, deps: OutboundDeps): void {
  const base = deps.publicBaseUrl.replace(/\/+$/, '');

  serveRoute(app, apiRoutes.createFeedToken, async (request, reply) => {
    const calendarId = request.params.calendar_id;
    const owner = await deps.owners.ownerOf(calendarId);
    if (!owner) throw new NotFoundError('calendar', calendarId);
    assertOwner(request.principal, owner.userId, 'calendar');
    const token = newFeedToken();
    // Only the hash is kept, and the new one replaces the old: the previous URL stops working.
    await deps.store.setFeedToken(calendarId, feedTokenHash(token), deps.clock.now());
    const feedUrl = `${base}/api/calendar/calendars/${encodeURIComponent(calendarId)}/feed.ics?token=${token}`;
    return reply.code(201).send({ feed_url: feedUrl });
  });

  serveRoute(app, apiRoutes.getCalendarFeed, async (request, reply) => {
    const calendarId = request.params.calendar_id;
    // One answer for an unknown calendar, a calendar without a feed, and a wrong or revoked token:
    // a guess learns nothing. The token is checked before the calendar service is asked.
    const noFeed = new NotFoundError('feed', calendarId);
    const stored = await deps.store.feedTokenHash(calendarId);
    if (stored === null || !feedTokenMatches(request.query.token, stored)) throw noFeed;
    const owner = await deps.owners.ownerOf(calendarId);
    if (!owner) throw noFeed;
    const events = await deps.store.feedEvents(calendarId, feedStart(deps.clock.now()), MAX_FEED_EVENTS);
    // Not JSON: with its own Content-Type, Fastify sends the text as is, past the JSON serializer.
    void reply.header('cache-control', FEED_CACHE_CONTROL).type('text/calendar; charset=utf-8');
    // Built in turns: thousands of events take ical.js most of a second, and /health must answer.
    return feedIcsInTurns(events.map(calendarItemOf), { name: owner.name, nextTurn });
  });
}
