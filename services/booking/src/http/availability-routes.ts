import {
  availabilityQuery,
  availabilityResponse,
  calendarParams,
  compareQuery,
  compareResponse,
  problem,
} from '@slotkeeper/contracts';
import { renderIn, type HttpApp, type Render } from '@slotkeeper/http-kit';
import { dayRange, type Interval } from '@slotkeeper/time';
import { compareCalendars, getAvailability } from '../domain/availability-use-cases.js';
import type { BookingDeps } from '../domain/booking-use-cases.js';

const renderIntervals = (intervals: Interval[], render: Render) =>
  intervals.map((i) => ({ start_time: render(i.start), end_time: render(i.end) }));

export function availabilityRoutes(app: HttpApp, deps: BookingDeps): void {
  app.get(
    '/api/calendar/calendars/:calendar_id/availability',
    {
      schema: {
        params: calendarParams,
        querystring: availabilityQuery,
        response: { 200: availabilityResponse, 400: problem, 404: problem },
      },
    },
    async (request) => {
      const { from, to, duration, tz, explain } = request.query;
      const period = { start: from.getTime(), end: to.getTime() };
      const result = await getAvailability(
        request.params.calendar_id,
        period,
        { durationMinutes: duration, explain },
        deps,
      );
      const render = renderIn(tz);
      return {
        calendar_id: request.params.calendar_id,
        from: render(from),
        to: render(to),
        free: renderIntervals(result.free, render),
        ...(result.slots && { slots: renderIntervals(result.slots, render) }),
        ...(result.unavailable && {
          unavailable: result.unavailable.map((u) => ({
            start_time: render(u.start),
            end_time: render(u.end),
            reason: u.reason,
          })),
        }),
      };
    },
  );

  app.get(
    '/api/calendar/compare',
    { schema: { querystring: compareQuery, response: { 200: compareResponse, 400: problem, 404: problem } } },
    async (request) => {
      const { calendar_ids, date, from, to, tz, duration, quorum } = request.query;
      const period = date ? dayRange(date, tz ?? 'UTC') : { start: from!.getTime(), end: to!.getTime() };
      const overlaps = await compareCalendars(calendar_ids, period, { durationMinutes: duration, quorum }, deps);
      const render = renderIn(tz);
      return {
        calendar_ids,
        from: render(period.start),
        to: render(period.end),
        overlaps: overlaps.map((o) => ({
          start_time: render(o.start),
          end_time: render(o.end),
          ...(o.calendarIds && { calendar_ids: o.calendarIds }),
        })),
      };
    },
  );
}
