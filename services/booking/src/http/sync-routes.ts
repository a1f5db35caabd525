import { calendarParams, objectId, problem } from '@slotkeeper/contracts';
import type { HttpApp } from '@slotkeeper/http-kit';
import { z } from 'zod';
import { appliedVersion, type BookingDeps } from '../domain/booking-use-cases.js';

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
}
