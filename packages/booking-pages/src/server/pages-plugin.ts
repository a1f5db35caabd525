import fastifyStatic from '@fastify/static';
import type { HttpApp } from '@slotkeeper/http-kit';
import type { FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CalendarPublic } from '../app/page-data.js';
import { ensureBuilt, holdBuild } from './build.js';
import { Shell } from './shell.js';

/** The answer of the calendar service's public route, as the gateway got it. */
export type PublicLookup = { found: true; calendar: CalendarPublic } | { found: false } | { unavailable: true };

export interface BookingPagesOptions {
  /** The calendar's public facts (`GET /api/calendar/calendars/{id}/public`), asked through the gateway's own upstream. */
  lookUpCalendar: (calendarId: string, requestId: string) => Promise<PublicLookup>;
  /** A built folder; by default the build of the sources as they are now, made first if missing. */
  folder?: string;
}

const ID = /^[0-9a-f]{24}$/;

/**
 * What the pages may load and where they may send: our own origin only (no CDN, no fonts from
 * elsewhere), no inline script, no framing. The page data is JSON in a script element of type
 * `application/json`, which is never run, so it needs no exception.
 */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function html(reply: FastifyReply, status: number, body: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', PAGE_POLICY)
    .header('cache-control', 'no-cache')
    .send(body);
}

/**
 * The invitee's pages, served by the gateway on top of the public API: `/book/{calendar_id}`
 * (pick a time and book), `/booking/{event_id}#token=…` (see, reschedule or cancel one booking;
 * the token stays in the fragment, so it never reaches a server or its logs), and `/assets/…`
 * (the built script and style, named by their content, so kept by browsers for a year).
 */
export async function bookingPages(app: HttpApp, options: BookingPagesOptions): Promise<void> {
  const folder = options.folder ?? (await ensureBuilt((message) => app.log.info(message)));
  const release = holdBuild(folder);
  app.addHook('onClose', async () => release());
  const shell = new Shell(await readFile(join(folder, 'index.html'), 'utf8'));
  const notFound = shell.message('Page not found', [
    'There is no booking page at this address.',
    'Check the link you were given, or ask the person who sent it for a new one.',
  ]);
  const unavailable = shell.message('Please try again in a moment', [
    'Bookings cannot be taken right now. Nothing was booked; reload this page in a few seconds.',
  ]);

  await app.register(fastifyStatic, {
    root: join(folder, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    preCompressed: true,
    immutable: true,
    maxAge: '365d',
    index: false,
    list: false,
    schemaHide: true,
  });

  app.get('/book/:calendar_id', { schema: { hide: true } }, async (request, reply) => {
    const { calendar_id: calendarId } = request.params as { calendar_id: string };
    if (!ID.test(calendarId)) return html(reply, 404, notFound);
    const lookup = await options.lookUpCalendar(calendarId, request.id);
    if ('unavailable' in lookup) {
      request.log.warn({ calendarId }, 'booking page: the calendar service did not answer');
      return html(reply.header('retry-after', '5'), 503, unavailable);
    }
    if (!lookup.found) return html(reply, 404, notFound);
    return html(reply, 200, shell.page(`Book: ${lookup.calendar.name}`, { page: 'book', calendar: lookup.calendar }));
  });

  // The bare prefixes are addresses a person may type: the human page, not an API problem.
  app.get('/book', { schema: { hide: true } }, async (_request, reply) => html(reply, 404, notFound));
  app.get('/booking', { schema: { hide: true } }, async (_request, reply) => html(reply, 404, notFound));

  app.get('/booking/:event_id', { schema: { hide: true } }, async (request, reply) => {
    const { event_id: eventId } = request.params as { event_id: string };
    if (!ID.test(eventId)) return html(reply, 404, notFound);
    return html(reply, 200, shell.page('Your booking', { page: 'booking', event_id: eventId }));
  });
}
