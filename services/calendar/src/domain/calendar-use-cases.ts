import {
  createEnvelope,
  generateId,
  MAX_SCHEDULES_PER_CALENDAR,
  type CalendarSnapshot,
  type CreateCalendarBody,
  type Envelope,
  type ScheduleLinkInput,
} from '@slotkeeper/contracts';
import {
  assertOwner,
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
  CalendarRepository,
  OutboxPublisher,
  ScheduleDirectory,
  ScheduleLink,
  UserDirectory,
} from './calendar.js';

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

async function resolveLink(userId: string, input: ScheduleLinkInput, deps: CalendarDeps): Promise<ScheduleLink> {
  if (input.expires_on && input.expires_on.getTime() <= deps.clock.now().getTime()) {
    throw new ValidationError('a link cannot expire in the past', [{ path: 'expires_on', message: 'is already past' }]);
  }
  const schedule = await deps.schedules.find(input.availability_schedule_id);
  if (!schedule) throw new NotFoundError('availability schedule', input.availability_schedule_id);
  if (schedule.user_id !== userId) {
    throw new ForbiddenError(`availability schedule ${schedule.id} belongs to another user`);
  }
  return { schedule, expiresOn: input.expires_on ?? null };
}

const snapshotOf = ({ schedule }: ScheduleLink) => ({
  id: schedule.id,
  timezone: schedule.timezone,
  time_slots: schedule.time_slots.map(({ day_of_week, start_time, end_time }) => ({
    day_of_week,
    start_time,
    end_time,
  })),
  date_overrides: schedule.date_overrides,
});

/** The calendar's whole booking state at its version: what every calendar message carries. */
function calendarSnapshot(calendar: Calendar): CalendarSnapshot {
  return {
    calendar_id: calendar.id,
    user_id: calendar.userId,
    version: calendar.version,
    rules: calendar.rules,
    links: calendar.links.map((link) => ({
      schedule: snapshotOf(link),
      expires_on: link.expiresOn?.toISOString() ?? null,
    })),
  };
}

const scheduleLinked = (calendar: Calendar, link: ScheduleLink, now: Date) =>
  createEnvelope(
    'ScheduleLinked',
    { ...calendarSnapshot(calendar), schedule: snapshotOf(link), expires_on: link.expiresOn?.toISOString() ?? null },
    now,
  );

/**
 * Publishes what a change wrote and answers only once the booking service has applied it, so
 * the very next booking or availability request sees the change (read your writes).
 */
async function inForce(calendar: Calendar, deps: CalendarDeps): Promise<void> {
  // Not awaited: a broker that holds its confirms must not hold the answer past the bounded wait.
  void deps.outbox.flush(calendar.id);
  await deps.bookings.awaitApplied(calendar.id, calendar.version);
}

export async function createCalendar(
  actor: Principal,
  input: CreateCalendarBody,
  deps: CalendarDeps,
  context: RequestContext = {},
): Promise<CalendarDetail> {
  assertOwner(actor, input.user_id, 'user');
  if (!(await deps.users.find(input.user_id))) throw new NotFoundError('user', input.user_id);
  const requested: ScheduleLinkInput[] = [
    ...input.availability_schedule_ids.map((id) => ({ availability_schedule_id: id })),
    ...input.availability_schedules,
  ];
  const links = await Promise.all(requested.map((link) => resolveLink(input.user_id, link, deps)));
  const now = deps.clock.now();
  const draft: Calendar = {
    id: generateId(),
    userId: input.user_id,
    name: input.name,
    rules: {
      meeting_duration_minutes: input.meeting_duration_minutes ?? null,
      buffer_before_minutes: input.buffer_before_minutes,
      buffer_after_minutes: input.buffer_after_minutes,
      min_notice_minutes: input.min_notice_minutes,
      slot_interval_minutes: input.slot_interval_minutes ?? null,
      booking_horizon_days: input.booking_horizon_days ?? null,
    },
    createdAt: now,
    links,
    version: 1,
  };
  const calendar = await deps.calendars.create(
    draft,
    [
      createEnvelope('CalendarCreated', calendarSnapshot(draft), now),
      ...links.map((link) => scheduleLinked(draft, link, now)),
    ],
    context.requestId,
  );
  await inForce(calendar, deps);
  return { ...calendar, events: [] };
}

async function ownedCalendar(
  actor: Principal,
  id: string,
  { calendars }: Pick<CalendarDeps, 'calendars'>,
): Promise<Calendar> {
  const calendar = await calendars.findById(id);
  if (!calendar) throw new NotFoundError('calendar', id);
  assertOwner(actor, calendar.userId, 'calendar');
  return calendar;
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

/**
 * Applies `change` to the calendar as it is now and writes the result one version up, with the
 * messages that announce it, only if nobody changed it meanwhile (else reads it again). Answers
 * once the change is in force for bookings.
 */
async function changeCalendar(
  actor: Principal,
  id: string,
  change: (current: Calendar) => Promise<{ next: Omit<Calendar, 'version'>; messages: (next: Calendar) => Envelope[] }>,
  deps: CalendarDeps,
  context: RequestContext,
): Promise<Calendar> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await ownedCalendar(actor, id, deps);
    const { next: changed, messages } = await change(current);
    const next = { ...changed, version: current.version + 1 };
    if (await deps.calendars.save(next, current.version, messages(next), context.requestId)) {
      await inForce(next, deps);
      return next;
    }
  }
  throw new ServiceUnavailableError('the calendar kept changing while this request was applied; try again');
}

export async function linkSchedule(
  actor: Principal,
  calendarId: string,
  input: ScheduleLinkInput,
  deps: CalendarDeps,
  context: RequestContext = {},
): Promise<CalendarDetail> {
  await changeCalendar(
    actor,
    calendarId,
    async (calendar) => {
      if (calendar.links.some((l) => l.schedule.id === input.availability_schedule_id)) {
        throw new ValidationError(`schedule ${input.availability_schedule_id} is already linked to this calendar`, [
          { path: 'availability_schedule_id', message: 'is already linked to this calendar' },
        ]);
      }
      if (calendar.links.length >= MAX_SCHEDULES_PER_CALENDAR) {
        throw new ValidationError(`a calendar links at most ${MAX_SCHEDULES_PER_CALENDAR} schedules`, [
          { path: 'availability_schedule_id', message: `would be link number ${calendar.links.length + 1}` },
        ]);
      }
      const link = await resolveLink(calendar.userId, input, deps);
      return {
        next: { ...calendar, links: [...calendar.links, link] },
        messages: (next) => [scheduleLinked(next, link, deps.clock.now())],
      };
    },
    deps,
    context,
  );
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
      if (!calendar.links.some((l) => l.schedule.id === scheduleId)) {
        throw new NotFoundError('schedule link', `${scheduleId} on calendar ${calendarId}`);
      }
      return {
        next: { ...calendar, links: calendar.links.filter((l) => l.schedule.id !== scheduleId) },
        messages: (next) => [
          createEnvelope(
            'ScheduleUnlinked',
            { ...calendarSnapshot(next), availability_schedule_id: scheduleId },
            deps.clock.now(),
          ),
        ],
      };
    },
    deps,
    context,
  );
}
