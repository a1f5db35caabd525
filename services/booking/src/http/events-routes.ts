import {
  calendarParams,
  createEventBody,
  eventListQuery,
  eventParams,
  bookedEventResponse,
  eventResponse,
  idempotencyHeaders,
  problem,
  tzQuery,
} from '@slotkeeper/contracts';
import { bearerToken } from '@slotkeeper/auth';
import { ownerOnly, renderIn, type HttpApp, type Render } from '@slotkeeper/http-kit';
import type { FastifyRequest } from 'fastify';
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

/** The caller, and the cancel token it presented (the gateway passes those on untouched). */
const accessOf = (request: FastifyRequest) => {
  const token = bearerToken(request.headers.authorization);
  return { actor: request.principal, token: token === 'missing' || token === 'malformed' ? undefined : token };
};

export function eventsRoutes(app: HttpApp, deps: BookingDeps): void {
  app.post(
    '/api/event/events',
    {
      schema: {
        headers: idempotencyHeaders,
        body: createEventBody,
        response: { 201: bookedEventResponse, 400: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const { event, cancelToken } = await bookEvent(request.body, request.headers['idempotency-key'], deps, {
        requestId: request.id,
      });
      return reply.code(201).send({ ...toEventResponse(event, renderIn()), cancel_token: cancelToken });
    },
  );

  app.get(
    '/api/event/events/:event_id',
    {
      schema: {
        params: eventParams,
        querystring: tzQuery,
        response: { 200: eventResponse, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request) =>
      toEventResponse(await getEvent(request.params.event_id, accessOf(request), deps), renderIn(request.query.tz)),
  );

  app.delete(
    '/api/event/events/:event_id',
    { schema: { params: eventParams, response: { 204: z.null(), 401: problem, 403: problem, 404: problem } } },
    async (request, reply) => {
      await cancelEvent(request.params.event_id, accessOf(request), deps, { requestId: request.id });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/calendar/calendars/:calendar_id/events',
    {
      preValidation: ownerOnly,
      schema: {
        params: calendarParams,
        querystring: eventListQuery,
        response: { 200: z.array(eventResponse), 400: problem, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request) => {
      const { from, to, tz } = request.query;
      const range = { ...(from && { from }), ...(to && { to }) };
      const events = await listEvents(request.principal, request.params.calendar_id, range, deps);
      const render = renderIn(tz);
      return events.map((event) => toEventResponse(event, render));
    },
  );
}
