import {
  apiRoutes,
  eventToWire,
  rulesFromWire,
  rulesToWire,
  scheduleToWire,
  type CalendarResponse,
  type CalendarSummaryResponse,
  type CreateCalendarBody,
  type PublicCalendarResponse,
  type Rules,
  type ScheduleLinkInput,
  type UpdateCalendarBody,
} from '@slotkeeper/contracts';
import { renderIn, serveRoute, type HttpApp, type Render } from '@slotkeeper/http-kit';
import type { Calendar, CalendarDetail, CalendarInput, LinkRequest, Owner } from '../domain/calendar.js';
import {
  deleteCalendar,
  getPublicCalendar,
  listCalendars,
  updateCalendar,
  updateLink,
  type CalendarPatch,
} from '../domain/calendar-lifecycle.js';
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

/** A calendar's `PATCH` in the domain's terms: the rules it names (a `null` already cleared to the default). */
export const toCalendarPatch = ({ name, ...rules }: UpdateCalendarBody): CalendarPatch => {
  // The schema turns a null count into 0 already; the type cannot say so.
  const count = (value: number | null | undefined) => (value === null ? 0 : value);
  const given: { [K in keyof Rules]: Rules[K] | undefined } = {
    meetingDurationMinutes: rules.meeting_duration_minutes,
    bufferBeforeMinutes: count(rules.buffer_before_minutes),
    bufferAfterMinutes: count(rules.buffer_after_minutes),
    minNoticeMinutes: count(rules.min_notice_minutes),
    slotIntervalMinutes: rules.slot_interval_minutes,
    bookingHorizonDays: rules.booking_horizon_days,
  };
  return {
    ...(name !== undefined && { name }),
    rules: Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
  };
};

const toCalendarSummary = (calendar: Calendar, render: Render): CalendarSummaryResponse => ({
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
});

const toCalendarResponse = (calendar: CalendarDetail, render: Render): CalendarResponse => ({
  ...toCalendarSummary(calendar, render),
  events: calendar.events.map((event) => eventToWire(event, render)),
});

const toPublicCalendar = ({ calendar, owner }: { calendar: Calendar; owner: Owner }): PublicCalendarResponse => ({
  id: calendar.id,
  name: calendar.name,
  owner_name: owner.name,
  timezone: owner.timezone,
  meeting_duration_minutes: calendar.rules.meetingDurationMinutes,
  slot_interval_minutes: calendar.rules.slotIntervalMinutes,
  booking_horizon_days: calendar.rules.bookingHorizonDays,
  min_notice_minutes: calendar.rules.minNoticeMinutes,
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

  serveRoute(app, apiRoutes.listCalendars, async (request) => {
    const render = renderIn(request.query.tz);
    return (await listCalendars(request.principal, request.query.user_id, deps)).map((c) =>
      toCalendarSummary(c, render),
    );
  });

  serveRoute(app, apiRoutes.updateCalendar, async (request) =>
    toCalendarResponse(
      await updateCalendar(request.principal, request.params.calendar_id, toCalendarPatch(request.body), deps, {
        requestId: request.id,
      }),
      renderIn(),
    ),
  );

  serveRoute(app, apiRoutes.updateLink, async (request) => {
    const { calendar_id, schedule_id } = request.params;
    return toCalendarResponse(
      await updateLink(request.principal, calendar_id, schedule_id, request.body.expires_on, deps, {
        requestId: request.id,
      }),
      renderIn(),
    );
  });

  serveRoute(app, apiRoutes.deleteCalendar, async (request, reply) => {
    await deleteCalendar(request.principal, request.params.calendar_id, deps, { requestId: request.id });
    return reply.code(204).send(null);
  });

  serveRoute(app, apiRoutes.getPublicCalendar, async (request) =>
    toPublicCalendar(await getPublicCalendar(request.params.calendar_id, deps)),
  );
}
