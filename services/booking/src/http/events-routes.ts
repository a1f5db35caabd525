import {
  calendarParams,
  createEventBody,
  eventListQuery,
  eventParams,
  eventResponse,
  idempotencyHeaders,
  problem,
  tzQuery,
} from '@slotkeeper/contracts';
import { renderIn, type HttpApp, type Render } from '@slotkeeper/http-kit';
import { z } from 'zod';
import type { BookedEvent } from '../domain/ledger.js';
import { bookEvent, cancelEvent, getEvent, listEvents, type BookingDeps } from '../domain/booking-use-cases.js';
import { toEventMessage } from '../domain/event-message.js';

export const toEventResponse = (event: BookedEvent, render: Render) => ({
  ...toEventMessage(event),
  start_time: render(event.start),
  end_time: render(event.end),
  created_at: render(event.createdAt),
});

export function eventsRoutes(app: HttpApp, deps: BookingDeps): void {
  app.post(
    '/api/event/events',
    {
      schema: {
        headers: idempotencyHeaders,
        body: createEventBody,
        response: { 201: eventResponse, 400: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const event = await bookEvent(request.body, request.headers['idempotency-key'], deps);
      return reply.code(201).send(toEventResponse(event, renderIn()));
    },
  );

  app.get(
    '/api/event/events/:event_id',
    { schema: { params: eventParams, querystring: tzQuery, response: { 200: eventResponse, 404: problem } } },
    async (request) => toEventResponse(await getEvent(request.params.event_id, deps), renderIn(request.query.tz)),
  );

  app.delete(
    '/api/event/events/:event_id',
    { schema: { params: eventParams, response: { 204: z.null(), 404: problem } } },
    async (request, reply) => {
      await cancelEvent(request.params.event_id, deps);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/calendar/calendars/:calendar_id/events',
    {
      schema: {
        params: calendarParams,
        querystring: eventListQuery,
        response: { 200: z.array(eventResponse), 400: problem, 404: problem },
      },
    },
    async (request) => {
      const { from, to, tz } = request.query;
      const events = await listEvents(request.params.calendar_id, { ...(from && { from }), ...(to && { to }) }, deps);
      const render = renderIn(tz);
      return events.map((event) => toEventResponse(event, render));
    },
  );
}
