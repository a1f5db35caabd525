import { calendarParams, objectId, problem } from '@slotkeeper/contracts';
import { ForbiddenError } from '@slotkeeper/errors';
import type { HttpApp } from '@slotkeeper/http-kit';
import { z } from 'zod';
import { getPublicCalendar } from '../domain/calendar-lifecycle.js';
import type { CalendarDeps } from '../domain/calendar-use-cases.js';

export const calendarOwnerResponse = z.object({
  calendar_id: objectId,
  user_id: objectId,
  timezone: z.string(),
  name: z.string(),
});

/**
 * Internal: who owns a calendar, in which zone, for the sync service (its routes' ownership check,
 * and the zone busy sources' all-day and floating times are read in). Services only; the gateway
 * routes no `/internal` path.
 */
export function ownerRoutes(app: HttpApp, deps: Pick<CalendarDeps, 'calendars' | 'users'>): void {
  app.get(
    '/internal/calendars/:calendar_id/owner',
    {
      schema: {
        hide: true,
        params: calendarParams,
        response: { 200: calendarOwnerResponse, 403: problem, 404: problem, 503: problem },
      },
    },
    async (request) => {
      if (request.principal.kind !== 'service') throw new ForbiddenError('only the system’s services may ask this');
      const { calendar, owner } = await getPublicCalendar(request.params.calendar_id, deps);
      return { calendar_id: calendar.id, user_id: calendar.userId, timezone: owner.timezone, name: calendar.name };
    },
  );
}
