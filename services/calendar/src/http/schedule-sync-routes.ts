import {
  messageSchemas,
  objectId,
  problem,
  scheduleFromWire,
  scheduleParams,
  type MessageData,
} from '@slotkeeper/contracts';
import { ValidationError } from '@slotkeeper/errors';
import type { HttpApp } from '@slotkeeper/http-kit';
import { z } from 'zod';
import type { CalendarDeps } from '../domain/calendar-use-cases.js';
import { linkingCalendars, syncScheduleChange, type ScheduleChange } from '../domain/schedule-sync.js';

/** A ScheduleUpdated's data (the call's body or the message) in the domain's terms. */
export const toScheduleChange = ({ schedule, version }: MessageData<'ScheduleUpdated'>): ScheduleChange => ({
  scheduleId: schedule.id,
  version,
  ...scheduleFromWire(schedule),
});

/** Internal: answers the schedule service only (the gateway routes no `/internal` path). */
export function scheduleSyncRoutes(app: HttpApp, deps: CalendarDeps): void {
  // After a schedule change: 204 once every calendar linking it is in force for bookings.
  app.put(
    '/internal/schedules/:schedule_id',
    {
      schema: {
        hide: true,
        params: scheduleParams,
        body: messageSchemas.ScheduleUpdated,
        response: { 204: z.null(), 400: problem, 403: problem, 503: problem },
      },
    },
    async (request, reply) => {
      if (request.body.schedule.id !== request.params.schedule_id) {
        throw new ValidationError('the body is another schedule’s change', [
          { path: 'schedule.id', message: 'is not the schedule of the path' },
        ]);
      }
      await syncScheduleChange(request.principal, toScheduleChange(request.body), deps, { requestId: request.id });
      return reply.code(204).send(null);
    },
  );

  // Before a schedule's deletion: which calendars still link it.
  app.get(
    '/internal/schedules/:schedule_id/links',
    {
      schema: {
        hide: true,
        params: scheduleParams,
        response: { 200: z.object({ calendar_ids: z.array(objectId) }), 403: problem },
      },
    },
    async (request) => ({ calendar_ids: await linkingCalendars(request.principal, request.params.schedule_id, deps) }),
  );
}
