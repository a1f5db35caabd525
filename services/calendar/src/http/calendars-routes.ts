import {
  apiRoutes,
  eventToWire,
  rulesFromWire,
  rulesToWire,
  scheduleToWire,
  type CalendarResponse,
  type CreateCalendarBody,
  type ScheduleLinkInput,
} from '@slotkeeper/contracts';
import { renderIn, serveRoute, type HttpApp, type Render } from '@slotkeeper/http-kit';
import type { CalendarDetail, CalendarInput, LinkRequest } from '../domain/calendar.js';
import {
  createCalendar,
  getCalendar,
  linkSchedule,
  unlinkSchedule,
  type CalendarDeps,
} from '../domain/calendar-use-cases.js';

/** A link's body (or one of a new calendar's `availability_schedules`) in the domain's terms. */
export const toLinkRequest = (link: ScheduleLinkInput): LinkRequest => ({
  scheduleId: link.availability_schedule_id,
  expiresOn: link.expires_on ?? null,
});

/** A new calendar's body in the domain's terms: both link forms as one list, ids first. */
export const toCalendarInput = (body: CreateCalendarBody): CalendarInput => ({
  userId: body.user_id,
  name: body.name,
  rules: rulesFromWire(body),
  links: [
    ...body.availability_schedule_ids.map((scheduleId) => ({ scheduleId, expiresOn: null })),
    ...body.availability_schedules.map(toLinkRequest),
  ],
});

const toCalendarResponse = (calendar: CalendarDetail, render: Render): CalendarResponse => ({
  id: calendar.id,
  user_id: calendar.userId,
  name: calendar.name,
  ...rulesToWire(calendar.rules),
  created_at: render(calendar.createdAt),
  availability_schedules: calendar.links.map(({ schedule, expiresOn }) => ({
    availability_schedule_id: schedule.id,
    name: schedule.name,
    ...scheduleToWire(schedule),
    expires_on: expiresOn ? render(expiresOn) : null,
  })),
  events: calendar.events.map((event) => eventToWire(event, render)),
});

export function calendarsRoutes(app: HttpApp, deps: CalendarDeps): void {
  serveRoute(app, apiRoutes.createCalendar, async (request, reply) =>
    reply
      .code(201)
      .send(
        toCalendarResponse(
          await createCalendar(request.principal, toCalendarInput(request.body), deps, { requestId: request.id }),
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
    const calendar = await linkSchedule(
      request.principal,
      request.params.calendar_id,
      toLinkRequest(request.body),
      deps,
      { requestId: request.id },
    );
    return reply.code(201).send(toCalendarResponse(calendar, renderIn()));
  });

  serveRoute(app, apiRoutes.unlinkSchedule, async (request, reply) => {
    await unlinkSchedule(request.principal, request.params.calendar_id, request.params.schedule_id, deps, {
      requestId: request.id,
    });
    return reply.code(204).send(null);
  });
}
