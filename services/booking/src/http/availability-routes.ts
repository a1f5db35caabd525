import { apiRoutes, type AvailabilityResponse, type CompareResponse } from '@slotkeeper/contracts';
import { serveRoute, type HttpApp, type Render } from '@slotkeeper/http-kit';
import type { FastifyReply } from 'fastify';
import { dayRange, formatInstant, type Interval } from '@slotkeeper/time';
import { IANAZone } from 'luxon';
import { compareCalendars, getAvailability } from '../domain/availability-use-cases.js';
import type { BookingDeps } from '../domain/booking-use-cases.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * Renders instants exactly as `formatInstant` does (UTC with Z, or in `zone` with its offset),
 * for answers of thousands of them: asking luxon for each took a quarter of a second for a
 * month of five-minute slots. The zone's offset is asked once per hour (per instant only in an
 * hour in which it changes), and each date's `YYYY-MM-DD` once.
 */
export function renderMany(zone?: string): Render {
  // Luxon writes a fixed zero offset (`UTC`) as Z, an IANA zone's zero offset as +00:00.
  const utc = !zone || formatInstant(0, zone).endsWith('Z');
  const tz = utc ? null : IANAZone.create(zone);
  const offsets = new Map<number, number>();
  const dates = new Map<number, string>();
  const offsetAt = (instant: number): number => {
    if (!tz) return 0;
    const hour = Math.floor(instant / HOUR);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      const first = tz.offset(hour * HOUR);
      offset = first === tz.offset(hour * HOUR + HOUR - 1) ? first : NaN;
      offsets.set(hour, offset);
    }
    return Number.isNaN(offset) ? tz.offset(instant) : offset;
  };
  return (value) => {
    const instant = typeof value === 'number' ? value : value.getTime();
    const offset = offsetAt(instant);
    // Offsets of seconds (local mean time, long ago): luxon's own rendering.
    if (!Number.isInteger(offset)) return formatInstant(instant, zone);
    const local = instant + offset * 60_000;
    const day = Math.floor(local / DAY);
    let date = dates.get(day);
    if (date === undefined) dates.set(day, (date = new Date(day * DAY).toISOString().slice(0, 10)));
    const ms = local - day * DAY;
    const time = `${two(Math.floor(ms / HOUR))}:${two(Math.floor(ms / 60_000) % 60)}:${two(Math.floor(ms / 1000) % 60)}.${three(ms % 1000)}`;
    if (utc) return `${date}T${time}Z`;
    const sign = offset < 0 ? '-' : '+';
    const size = Math.abs(offset);
    return `${date}T${time}${sign}${two(Math.floor(size / 60))}:${two(size % 60)}`;
  };
}

const renderIntervals = (intervals: readonly Interval[], render: Render) =>
  intervals.map((i) => ({ start_time: render(i.start), end_time: render(i.end) }));

/**
 * Sends an answer of these routes as JSON without the response schema's runtime check: they
 * can be some 600 KiB of intervals, and checking what was just built from checked values took
 * as long as building it, in one block that no other request could interrupt. The schemas
 * still describe the answers (OpenAPI), and the tests parse answers with them.
 */
const sendJson = <T>(reply: FastifyReply, body: T) =>
  reply.type('application/json; charset=utf-8').send(JSON.stringify(body));

export function availabilityRoutes(app: HttpApp, deps: BookingDeps): void {
  serveRoute(app, apiRoutes.getAvailability, async (request, reply) => {
    const { from, to, duration, tz, explain } = request.query;
    const period = { start: from.getTime(), end: to.getTime() };
    const result = await getAvailability(
      request.params.calendar_id,
      period,
      { durationMinutes: duration, explain, actor: request.principal },
      deps,
    );
    const render = renderMany(tz);
    return sendJson<AvailabilityResponse>(reply, {
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
    });
  });

  serveRoute(app, apiRoutes.compareCalendars, async (request, reply) => {
    const { calendar_ids, date, from, to, tz, duration, quorum } = request.query;
    const period = date ? dayRange(date, tz ?? 'UTC') : { start: from!.getTime(), end: to!.getTime() };
    const overlaps = await compareCalendars(calendar_ids, period, { durationMinutes: duration, quorum }, deps);
    const render = renderMany(tz);
    return sendJson<CompareResponse>(reply, {
      calendar_ids,
      from: render(period.start),
      to: render(period.end),
      overlaps: overlaps.map((o) => ({
        start_time: render(o.start),
        end_time: render(o.end),
        ...(o.calendarIds && { calendar_ids: o.calendarIds }),
      })),
    });
  });
}
