import { apiRoutes } from '@slotkeeper/contracts';
import { serveRoute, type HttpApp } from '@slotkeeper/http-kit';
import { feedIcsInTurns } from '@slotkeeper/icalendar';
import { calendarItemOf } from '../calendar-items.js';
import type { OutboundDeps } from '../deps.js';
import { issueFeedToken, readFeed, type FeedDeps } from '../domain/feed.js';
import { feedTokens } from './feed-tokens.js';

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
  const feed: FeedDeps = { ...deps, tokens: feedTokens };

  serveRoute(app, apiRoutes.createFeedToken, async (request, reply) => {
    const calendarId = request.params.calendar_id;
    const token = await issueFeedToken(request.principal, calendarId, feed);
    const feedUrl = `${base}/api/calendar/calendars/${encodeURIComponent(calendarId)}/feed.ics?token=${token}`;
    return reply.code(201).send({ feed_url: feedUrl });
  });

  serveRoute(app, apiRoutes.getCalendarFeed, async (request, reply) => {
    const { name, events } = await readFeed(request.params.calendar_id, request.query.token, feed);
    // Not JSON: with its own Content-Type, Fastify sends the text as is, past the JSON serializer.
    void reply.header('cache-control', FEED_CACHE_CONTROL).type('text/calendar; charset=utf-8');
    // Built in turns: thousands of events take ical.js most of a second, and /health must answer.
    return feedIcsInTurns(events.map(calendarItemOf), { name, nextTurn });
  });
}
