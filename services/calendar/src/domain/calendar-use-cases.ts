import { assertOwner, type Principal } from '@slotkeeper/auth';
import { createEnvelope, generateId, type CreateCalendarBody, type ScheduleLinkInput } from '@slotkeeper/contracts';
import { ForbiddenError, NotFoundError, ValidationError } from '@slotkeeper/errors';
import type { OutboxPublisher } from '@slotkeeper/messaging';
import type { Clock } from '@slotkeeper/time';
import type {
  Calendar,
  CalendarDetail,
  CalendarRepository,
  ScheduleDirectory,
  ScheduleLink,
  UserDirectory,
} from './calendar.js';

export interface CalendarDeps {
  calendars: CalendarRepository;
  schedules: ScheduleDirectory;
  users: UserDirectory;
  outbox: OutboxPublisher;
  clock: Clock;
}

async function resolveLink(userId: string, input: ScheduleLinkInput, deps: CalendarDeps): Promise<ScheduleLink> {
  const schedule = await deps.schedules.find(input.availability_schedule_id);
  if (!schedule) throw new NotFoundError('availability schedule', input.availability_schedule_id);
  if (schedule.user_id !== userId) {
    throw new ForbiddenError(`availability schedule ${schedule.id} belongs to another user`);
  }
  return { schedule, expiresOn: input.expires_on ?? null };
}

function scheduleLinked(calendar: Pick<Calendar, 'id' | 'userId' | 'rules'>, link: ScheduleLink, deps: CalendarDeps) {
  const { id, timezone, time_slots, date_overrides } = link.schedule;
  return createEnvelope(
    'ScheduleLinked',
    {
      calendar_id: calendar.id,
      user_id: calendar.userId,
      schedule: {
        id,
        timezone,
        time_slots: time_slots.map(({ day_of_week, start_time, end_time }) => ({
          day_of_week,
          start_time,
          end_time,
        })),
        date_overrides,
      },
      expires_on: link.expiresOn?.toISOString() ?? null,
      rules: calendar.rules,
    },
    deps.clock.now(),
  );
}

export async function createCalendar(
  actor: Principal,
  input: CreateCalendarBody,
  deps: CalendarDeps,
): Promise<CalendarDetail> {
  assertOwner(actor, input.user_id, 'user');
  if (!(await deps.users.find(input.user_id))) throw new NotFoundError('user', input.user_id);
  const requested: ScheduleLinkInput[] = [
    ...input.availability_schedule_ids.map((id) => ({ availability_schedule_id: id })),
    ...input.availability_schedules,
  ];
  const links = await Promise.all(requested.map((link) => resolveLink(input.user_id, link, deps)));
  const draft = {
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
    createdAt: deps.clock.now(),
    links,
  };
  const created = createEnvelope(
    'CalendarCreated',
    { calendar_id: draft.id, user_id: draft.userId, rules: draft.rules },
    draft.createdAt,
  );
  const calendar = await deps.calendars.create(draft, [
    created,
    ...links.map((link) => scheduleLinked(draft, link, deps)),
  ]);
  await deps.outbox.flush(calendar.id);
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

export async function linkSchedule(
  actor: Principal,
  calendarId: string,
  input: ScheduleLinkInput,
  deps: CalendarDeps,
): Promise<CalendarDetail> {
  const calendar = await ownedCalendar(actor, calendarId, deps);
  const link = await resolveLink(calendar.userId, input, deps);
  if (!(await deps.calendars.addLink(calendarId, link, [scheduleLinked(calendar, link, deps)]))) {
    throw new ValidationError(`schedule ${input.availability_schedule_id} is already linked to this calendar`, [
      { path: 'availability_schedule_id', message: 'is already linked to this calendar' },
    ]);
  }
  await deps.outbox.flush(calendarId);
  return getCalendar(actor, calendarId, deps);
}

export async function unlinkSchedule(
  actor: Principal,
  calendarId: string,
  scheduleId: string,
  deps: CalendarDeps,
): Promise<void> {
  await ownedCalendar(actor, calendarId, deps);
  const unlinked = createEnvelope(
    'ScheduleUnlinked',
    { calendar_id: calendarId, availability_schedule_id: scheduleId },
    deps.clock.now(),
  );
  if (!(await deps.calendars.removeLink(calendarId, scheduleId, [unlinked]))) {
    throw new NotFoundError('schedule link', `${scheduleId} on calendar ${calendarId}`);
  }
  await deps.outbox.flush(calendarId);
}
