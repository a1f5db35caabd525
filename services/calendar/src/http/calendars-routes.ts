import { apiRoutes, type EventResponse } from '@slotkeeper/contracts';
import { renderIn, serveRoute, type HttpApp, type Render } from '@slotkeeper/http-kit';
import type { CalendarDetail } from '../domain/calendar.js';
import {
  createCalendar,
  getCalendar,
  linkSchedule,
  unlinkSchedule,
  type CalendarDeps,
} from '../domain/calendar-use-cases.js';

const renderEvent = (event: EventResponse, render: Render): EventResponse => ({
  ...event,
  start_time: render(new Date(event.start_time)),
  end_time: render(new Date(event.end_time)),
  created_at: render(new Date(event.created_at)),
});

export const toCalendarResponse = (calendar: CalendarDetail, render: Render) => ({
  id: calendar.id,
  user_id: calendar.userId,
  name: calendar.name,
  ...calendar.rules,
  created_at: render(calendar.createdAt),
  availability_schedules: calendar.links.map(({ schedule, expiresOn }) => ({
    availability_schedule_id: schedule.id,
    name: schedule.name,
    timezone: schedule.timezone,
    time_slots: schedule.time_slots,
    date_overrides: schedule.date_overrides,
    expires_on: expiresOn ? render(expiresOn) : null,
  })),
  events: calendar.events.map((event) => renderEvent(event, render)),
});

export function calendarsRoutes(app: HttpApp, deps: CalendarDeps): void {
  serveRoute(app, apiRoutes.createCalendar, async (request, reply) =>
    reply
      .code(201)
      .send(
        toCalendarResponse(
          await createCalendar(request.principal, request.body, deps, { requestId: request.id }),
          renderIn(),
        ),
      ),
  );

  serveRoute(app, apiRoutes.getCalendar, async (request) =>
    toCalendarResponse(
      await getCalendar(request.principal, request.params.calendar_id, deps),
      renderIn(request.query.tz),
    ),
  );

  serveRoute(app, apiRoutes.linkSchedule, async (request, reply) => {
    const calendar = await linkSchedule(request.principal, request.params.calendar_id, request.body, deps, {
      requestId: request.id,
    });
    return reply.code(201).send(toCalendarResponse(calendar, renderIn()));
  });

  serveRoute(app, apiRoutes.unlinkSchedule, async (request, reply) => {
    await unlinkSchedule(request.principal, request.params.calendar_id, request.params.schedule_id, deps, {
      requestId: request.id,
    });
    return reply.code(204).send(null);
  });
}
