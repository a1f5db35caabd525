/**
 * The setup requests of every client of the API (the system tests' harness, the end-to-end and
 * fault tests, the demo and the benchmarks), written once over the typed client. Each must
 * succeed: any other answer throws an ApiError naming the status and the problem.
 */
import { randomUUID } from 'node:crypto';
import {
  bearer,
  expectStatus,
  type ApiClient,
  type Calendar,
  type CreatedUser,
  type NewBooking,
  type NewCalendar,
  type NewSchedule,
  type NewUser,
  type TimeSlot,
  type Weekday,
} from './api-client.js';
import type { operations } from '@slotkeeper/contracts/openapi-types';

/** The JSON body an operation takes (for the PATCH routes, which api-client's helpers do not name). */
type BodyOf<O extends keyof operations> = operations[O] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

export type UserPatch = BodyOf<'updateUser'>;
export type SchedulePatch = BodyOf<'updateSchedule'>;
export type CalendarPatch = BodyOf<'updateCalendar'>;
export type NewTimes = BodyOf<'rescheduleEvent'>;

export const WEEKDAYS: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
export const ALL_DAYS: readonly Weekday[] = [...WEEKDAYS, 'saturday', 'sunday'];

/** A wall-clock time, `HH:MM`, `minutes` after midnight (1440 is `24:00`, a day's end). */
export const wallClock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Weekly slots: each of `ranges` ([start, end] wall-clock times) on each of `days`. */
export const weekly = (days: readonly Weekday[], ...ranges: Array<[string, string]>): TimeSlot[] =>
  days.flatMap((day_of_week) => ranges.map(([start_time, end_time]) => ({ day_of_week, start_time, end_time })));

/** A user as the API created it: its id, and its api key for owner routes. */
export interface Owner {
  id: string;
  api_key: string;
}

/** A booking of `calendar_id` from `start_time` to `end_time`, by bob@example.com unless `extra` says otherwise. */
export const booking = (
  calendar_id: string,
  start_time: string,
  end_time: string,
  extra: Partial<NewBooking> = {},
): NewBooking => ({ calendar_id, title: 'Intro call', start_time, end_time, booked_by: 'bob@example.com', ...extra });

export type ApiSetup = ReturnType<typeof apiSetup>;

export function apiSetup(client: ApiClient) {
  const owned = (owner: Owner) => ({ headers: bearer(owner.api_key) });
  const calendarPath = (calendar_id: string) => ({ params: { path: { calendar_id } } });

  const setup = {
    client,

    /** A user named Ann (UTC unless `body` says otherwise) with an address no one has yet. */
    user: (body: Partial<NewUser> = {}): Promise<CreatedUser> =>
      expectStatus(
        client.POST('/api/user/users', { body: { name: 'Ann', email: `${randomUUID()}@example.com`, ...body } }),
        201,
      ),

    /** A schedule of `owner`: "Work hours", Mondays 09–12 and 13–17 in the owner's zone unless `body` says otherwise. */
    schedule: (owner: Owner, body: Partial<NewSchedule> = {}) =>
      expectStatus(
        client.POST('/api/schedule/availability_schedules', {
          body: {
            user_id: owner.id,
            name: 'Work hours',
            time_slots: weekly(['monday'], ['09:00', '12:00'], ['13:00', '17:00']),
            ...body,
          },
          ...owned(owner),
        }),
        201,
      ),

    /** A calendar of `owner`, "Intro calls", linking `scheduleIds`, with `body`'s rules. */
    calendar: (owner: Owner, scheduleIds: string[], body: Partial<NewCalendar> = {}): Promise<Calendar> =>
      expectStatus(
        client.POST('/api/calendar/calendars', {
          body: { user_id: owner.id, name: 'Intro calls', availability_schedule_ids: scheduleIds, ...body },
          ...owned(owner),
        }),
        201,
      ),

    /** A user with one UTC schedule open around the clock every day, and `count` calendars linking it. */
    async openCalendars(count: number, body: Partial<NewUser> = {}) {
      const owner = await setup.user(body);
      const schedule = await setup.schedule(owner, {
        name: 'Always',
        timezone: 'UTC',
        time_slots: weekly(ALL_DAYS, ['00:00', '24:00']),
      });
      const calendars: Calendar[] = [];
      for (let i = 0; i < count; i++) calendars.push(await setup.calendar(owner, [schedule.id], { name: `open ${i}` }));
      return { owner, schedule, calendars };
    },

    /** Links one more schedule to a calendar, until `expiresOn` if given. */
    link: (owner: Owner, calendarId: string, scheduleId: string, expiresOn?: string | null) =>
      expectStatus(
        client.POST('/api/calendar/calendars/{calendar_id}/availability_schedules', {
          ...calendarPath(calendarId),
          body: { availability_schedule_id: scheduleId, ...(expiresOn !== undefined && { expires_on: expiresOn }) },
          ...owned(owner),
        }),
        201,
      ),

    unlink: (owner: Owner, calendarId: string, scheduleId: string) =>
      expectStatus(
        client.DELETE('/api/calendar/calendars/{calendar_id}/availability_schedules/{schedule_id}', {
          params: { path: { calendar_id: calendarId, schedule_id: scheduleId } },
          ...owned(owner),
        }),
        204,
      ),

    /** A booking request, whatever it is answered: for tests of the answer itself. */
    tryBook: (body: NewBooking, headers: Record<string, string> = {}) =>
      client.POST('/api/event/events', { body, headers }),

    /** A booking that must be made (201): the event, with its cancel token. */
    book: (body: NewBooking, headers: Record<string, string> = {}) => expectStatus(setup.tryBook(body, headers), 201),

    /** An event, read with its calendar owner's api key or its cancel token. */
    event: (eventId: string, token: string | undefined) =>
      expectStatus(
        client.GET('/api/event/events/{event_id}', {
          params: { path: { event_id: eventId } },
          headers: bearer(token),
        }),
        200,
      ),

    cancel: (eventId: string, token: string) =>
      expectStatus(
        client.DELETE('/api/event/events/{event_id}', {
          params: { path: { event_id: eventId } },
          headers: bearer(token),
        }),
        204,
      ),

    /** A calendar's detail, its events included, read with `token` (the owner's api key). */
    calendarDetail: (calendarId: string, token: string | undefined) =>
      expectStatus(
        client.GET('/api/calendar/calendars/{calendar_id}', { ...calendarPath(calendarId), headers: bearer(token) }),
        200,
      ),

    /** A calendar's events from the booking ledger, read by its owner. */
    events: (calendarId: string, token: string) =>
      expectStatus(
        client.GET('/api/calendar/calendars/{calendar_id}/events', {
          ...calendarPath(calendarId),
          headers: bearer(token),
        }),
        200,
      ),

    /** Changes a schedule of `owner` (a list replaces the whole list); linked calendars offer the new hours once it answers. */
    updateSchedule: (owner: Owner, scheduleId: string, body: SchedulePatch) =>
      expectStatus(
        client.PATCH('/api/schedule/availability_schedules/{schedule_id}', {
          params: { path: { schedule_id: scheduleId } },
          body,
          ...owned(owner),
        }),
        200,
      ),

    /** Changes a calendar's name or booking rules (`null` clears a rule); the detail it answers. */
    updateCalendar: (owner: Owner, calendarId: string, body: CalendarPatch) =>
      expectStatus(
        client.PATCH('/api/calendar/calendars/{calendar_id}', { ...calendarPath(calendarId), body, ...owned(owner) }),
        200,
      ),

    /** Changes when a link stops being in force (`null`: never); the calendar's detail. */
    updateLink: (owner: Owner, calendarId: string, scheduleId: string, expiresOn: string | null) =>
      expectStatus(
        client.PATCH('/api/calendar/calendars/{calendar_id}/availability_schedules/{schedule_id}', {
          params: { path: { calendar_id: calendarId, schedule_id: scheduleId } },
          body: { expires_on: expiresOn },
          ...owned(owner),
        }),
        200,
      ),

    /** A reschedule request (with the owner's key or the event's cancel token), whatever it is answered. */
    tryReschedule: (
      eventId: string,
      times: NewTimes,
      token: string | undefined,
      headers: Record<string, string> = {},
    ) =>
      client.POST('/api/event/events/{event_id}/reschedule', {
        params: { path: { event_id: eventId } },
        body: times,
        headers: { ...bearer(token), ...headers },
      }),

    /** A reschedule that must be made (200): the event at its new times. */
    reschedule: (eventId: string, times: NewTimes, token: string | undefined) =>
      expectStatus(setup.tryReschedule(eventId, times, token), 200),

    /** Changes a user's name or time zone (`timezone: null` is UTC again). */
    updateUser: (owner: Owner, body: UserPatch) =>
      expectStatus(
        client.PATCH('/api/user/users/{user_id}', { params: { path: { user_id: owner.id } }, body, ...owned(owner) }),
        200,
      ),

    /** A new api key for `owner`; the old one is refused from the next request on. */
    rotateApiKey: (owner: Owner) =>
      expectStatus(
        client.POST('/api/user/users/{user_id}/api_key', { params: { path: { user_id: owner.id } }, ...owned(owner) }),
        201,
      ),

    /** A calendar's free time and bookable slots from `from` to `to` (public), of `duration` minutes if given. */
    availability: (calendarId: string, from: string, to: string, duration?: number) =>
      expectStatus(
        client.GET('/api/calendar/calendars/{calendar_id}/availability', {
          params: {
            path: { calendar_id: calendarId },
            query: { from, to, ...(duration !== undefined && { duration }) },
          },
        }),
        200,
      ),
  };
  return setup;
}
