import { generateId, MAX_SCHEDULES_PER_CALENDAR } from '@slotkeeper/contracts';
import {
  assertOwner,
  foundAndOwned,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
  type Principal,
} from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import type {
  BookingSync,
  Calendar,
  CalendarDetail,
  CalendarInput,
  CalendarRepository,
  CalendarUpdate,
  LinkRequest,
  OutboxPublisher,
  ScheduleDirectory,
  ScheduleLink,
  UserDirectory,
} from './calendar.js';
import { inForce } from './in-force.js';
import { catchUpLinks } from './schedule-sync.js';

/** The request a use case serves: its id is published with the messages it writes. */
export interface RequestContext {
  requestId?: string;
}

export interface CalendarDeps {
  calendars: CalendarRepository;
  schedules: ScheduleDirectory;
  users: UserDirectory;
  outbox: OutboxPublisher;
  /** Tells when the booking service has applied a change: the answer waits for it. */
  bookings: BookingSync;
  clock: Clock;
}

/** A link's expiry must lie ahead: one already past would never be in force. */
export function assertExpiryAhead(expiresOn: Date | null, { clock }: Pick<CalendarDeps, 'clock'>): void {
  if (expiresOn && expiresOn.getTime() <= clock.now().getTime()) {
    throw new ValidationError('a link cannot expire in the past', [{ path: 'expires_on', message: 'is already past' }]);
  }
}

async function resolveLink(userId: string, request: LinkRequest, deps: CalendarDeps): Promise<ScheduleLink> {
  assertExpiryAhead(request.expiresOn, deps);
  const found = await deps.schedules.find(request.scheduleId);
  if (!found) throw new NotFoundError('availability schedule', request.scheduleId);
  const { schedule, version } = found;
  if (schedule.userId !== userId) {
    throw new ForbiddenError(`availability schedule ${schedule.id} belongs to another user`);
  }
  return { schedule, expiresOn: request.expiresOn, scheduleVersion: version };
}

/** The calendar with `links`, one version up: every change raises the version. */
const withLinks = (calendar: Calendar, links: ScheduleLink[]): Calendar => ({
  ...calendar,
  links,
  version: calendar.version + 1,
});

export async function createCalendar(
  actor: Principal,
  input: CalendarInput,
  deps: CalendarDeps,
  context: RequestContext = {},
): Promise<CalendarDetail> {
  assertOwner(actor, input.userId, 'user');
  if (!(await deps.users.find(input.userId))) throw new NotFoundError('user', input.userId);
  const links = await Promise.all(input.links.map((link) => resolveLink(input.userId, link, deps)));
  const now = deps.clock.now();
  const draft: Calendar = {
    id: generateId(),
    userId: input.userId,
    name: input.name,
    rules: input.rules,
    createdAt: now,
    links,
    version: 1,
  };
  const calendar = await deps.calendars.create(
    { kind: 'calendarCreated', calendar: draft, at: now },
    context.requestId,
  );
  await inForce(calendar, deps);
  if (await catchUpLinks(calendar.links, deps, context)) return getCalendar(actor, calendar.id, deps);
  return { ...calendar, events: [] };
}

export async function ownedCalendar(
  actor: Principal,
  id: string,
  { calendars }: Pick<CalendarDeps, 'calendars'>,
): Promise<Calendar> {
  return foundAndOwned(actor, await calendars.findById(id), 'calendar', id);
}

/** The calendar with its confirmed events that have not ended. */
export async function getCalendar(
  actor: Principal,
  id: string,
  deps: Pick<CalendarDeps, 'calendars' | 'clock'>,
): Promise<CalendarDetail> {
  const calendar = await ownedCalendar(actor, id, deps);
  return { ...calendar, events: await deps.calendars.upcomingEvents(id, deps.clock.now()) };
}

const MAX_ATTEMPTS = 5;

/** Refuses (404) a schedule the calendar does not link. */
export function assertLinked(calendar: Calendar, scheduleId: string): void {
  if (!calendar.links.some((l) => l.schedule.id === scheduleId)) {
    throw new NotFoundError('schedule link', `${scheduleId} on calendar ${calendar.id}`);
  }
}

/**
 * Applies `change` to the calendar as it is now (it returns the new state, one version up, and
 * what happened) and saves it, announced, only if nobody changed the calendar meanwhile (else
 * reads it again). Answers once the change is in force for bookings.
 */
export async function changeCalendar(
  actor: Principal,
  id: string,
  change: (current: Calendar) => Promise<CalendarUpdate>,
  deps: CalendarDeps,
  context: RequestContext,
): Promise<Calendar> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await ownedCalendar(actor, id, deps);
    const changed = await change(current);
    if (await deps.calendars.save(changed, current.version, context.requestId)) {
      await inForce(changed.calendar, deps);
      return changed.calendar;
    }
  }
  throw new ServiceUnavailableError('the calendar kept changing while this request was applied; try again');
}

export async function linkSchedule(
  actor: Principal,
  calendarId: string,
  request: LinkRequest,
  deps: CalendarDeps,
  context: RequestContext = {},
): Promise<CalendarDetail> {
  const changed = await changeCalendar(
    actor,
    calendarId,
    async (calendar) => {
      if (calendar.links.some((l) => l.schedule.id === request.scheduleId)) {
        throw new ValidationError(`schedule ${request.scheduleId} is already linked to this calendar`, [
          { path: 'availability_schedule_id', message: 'is already linked to this calendar' },
        ]);
      }
      if (calendar.links.length >= MAX_SCHEDULES_PER_CALENDAR) {
        throw new ValidationError(`a calendar links at most ${MAX_SCHEDULES_PER_CALENDAR} schedules`, [
          { path: 'availability_schedule_id', message: `would be link number ${calendar.links.length + 1}` },
        ]);
      }
      const link = await resolveLink(calendar.userId, request, deps);
      return {
        kind: 'scheduleLinked',
        calendar: withLinks(calendar, [...calendar.links, link]),
        link,
        at: deps.clock.now(),
      };
    },
    deps,
    context,
  );
  const linked = changed.links.filter((l) => l.schedule.id === request.scheduleId);
  await catchUpLinks(linked, deps, context).catch(async (error: unknown) => {
    // The schedule was deleted meanwhile and the link taken back, by the catch-up or by
    // ScheduleDeleted's consumer (which answers no request, so waits for no booking service):
    // the 404 goes out only once bookings no longer see the link either.
    if (error instanceof NotFoundError) {
      const current = await deps.calendars.findById(calendarId);
      if (current) await inForce(current, deps);
    }
    throw error;
  });
  return getCalendar(actor, calendarId, deps);
}

export async function unlinkSchedule(
  actor: Principal,
  calendarId: string,
  scheduleId: string,
  deps: CalendarDeps,
  context: RequestContext = {},
): Promise<void> {
  await changeCalendar(
    actor,
    calendarId,
    async (calendar) => {
      assertLinked(calendar, scheduleId);
      return {
        kind: 'scheduleUnlinked',
        calendar: withLinks(
          calendar,
          calendar.links.filter((l) => l.schedule.id !== scheduleId),
        ),
        scheduleId,
        at: deps.clock.now(),
      };
    },
    deps,
    context,
  );
}
