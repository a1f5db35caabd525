import { busySourceParams, calendarParams, objectId, problem } from '@slotkeeper/contracts';
import type { HttpApp } from '@slotkeeper/http-kit';
import { z } from 'zod';
import { appliedVersion, type BookingDeps } from '../domain/booking-use-cases.js';
import { appliedBusyVersion } from '../domain/busy-times.js';
import { closeCalendar } from '../domain/calendar-events.js';

/** Internal: answers services only (the gateway routes no `/internal` path). */
export function syncRoutes(app: HttpApp, deps: BookingDeps): void {
  app.get(
    '/internal/calendars/:calendar_id/version',
    {
      schema: {
        hide: true,
        params: calendarParams,
        response: { 200: z.object({ calendar_id: objectId, version: z.number().int() }), 403: problem },
      },
    },
    async (request) => ({
      calendar_id: request.params.calendar_id,
      version: await appliedVersion(request.principal, request.params.calendar_id, deps),
    }),
  );

  // The sync service asks this after a change of a source, until the change is in force here.
  app.get(
    '/internal/calendars/:calendar_id/busy_sources/:source_id/version',
    {
      schema: {
        hide: true,
        params: busySourceParams,
        response: {
          200: z.object({ calendar_id: objectId, source_id: objectId, version: z.number().int() }),
          403: problem,
        },
      },
    },
    async (request) => ({
      calendar_id: request.params.calendar_id,
      source_id: request.params.source_id,
      version: await appliedBusyVersion(request.principal, request.params.calendar_id, request.params.source_id, deps),
    }),
  );

  // The calendar service's delete asks this first: 409 while meetings are still to come.
  app.post(
    '/internal/calendars/:calendar_id/close',
    {
      schema: {
        hide: true,
        params: calendarParams,
        response: { 204: z.null(), 403: problem, 409: problem },
      },
    },
    async (request, reply) => {
      await closeCalendar(request.principal, request.params.calendar_id, deps);
      return reply.code(204).send(null);
    },
  );
}
