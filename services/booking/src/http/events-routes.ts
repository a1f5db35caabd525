import { apiRoutes, eventToWire, type CreateEventBody } from '@slotkeeper/contracts';
import { bearerToken } from '@slotkeeper/auth';
import { renderIn, serveRoute, type HttpApp } from '@slotkeeper/http-kit';
import type { FastifyRequest } from 'fastify';
import {
  bookEvent,
  cancelEvent,
  getEvent,
  type BookingDeps,
  type BookingRequest,
} from '../domain/booking-use-cases.js';
import { listCalendarEvents } from '../domain/calendar-events.js';
import { rescheduleEvent } from '../domain/reschedule-event.js';
import { decodeCursor, encodeCursor, nextPageLink } from './event-cursor.js';

const toBookingRequest = (body: CreateEventBody): BookingRequest => ({
  calendarId: body.calendar_id,
  title: body.title,
  start: body.start_time,
  end: body.end_time,
  bookedBy: body.booked_by,
  bookerName: body.booker_name,
  notes: body.notes,
  guests: body.guests,
});

/** The caller, and the cancel token it presented (the gateway passes those on untouched). */
const accessOf = (request: FastifyRequest) => {
  const token = bearerToken(request.headers.authorization);
  return { actor: request.principal, token: token === 'missing' || token === 'malformed' ? undefined : token };
};

export function eventsRoutes(app: HttpApp, deps: BookingDeps): void {
  serveRoute(app, apiRoutes.bookEvent, async (request, reply) => {
    const { event, cancelToken } = await bookEvent(
      toBookingRequest(request.body),
      request.headers['idempotency-key'],
      deps,
      { requestId: request.id },
    );
    return reply.code(201).send({ ...eventToWire(event, renderIn()), cancel_token: cancelToken });
  });

  serveRoute(app, apiRoutes.getEvent, async (request) =>
    eventToWire(await getEvent(request.params.event_id, accessOf(request), deps), renderIn(request.query.tz)),
  );

  serveRoute(app, apiRoutes.cancelEvent, async (request, reply) => {
    await cancelEvent(request.params.event_id, accessOf(request), deps, { requestId: request.id });
    return reply.code(204).send(null);
  });

  serveRoute(app, apiRoutes.rescheduleEvent, async (request) => {
    const { start_time, end_time } = request.body;
    const event = await rescheduleEvent(
      request.params.event_id,
      { start: start_time, end: end_time },
      request.headers['idempotency-key'],
      accessOf(request),
      deps,
      { requestId: request.id },
    );
    return eventToWire(event, renderIn());
  });

  serveRoute(app, apiRoutes.listCalendarEvents, async (request, reply) => {
    const { from, to, tz, status, limit, cursor } = request.query;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const page = await listCalendarEvents(
      request.principal,
      request.params.calendar_id,
      { from, to, status, limit, after },
      deps,
    );
    const last = page.events.at(-1);
    if (page.more && last) reply.header('link', nextPageLink(request.url, encodeCursor(last)));
    const render = renderIn(tz);
    return page.events.map((event) => eventToWire(event, render));
  });
}
