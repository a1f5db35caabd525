import {
  createEnvelope,
  rulesToWire,
  scheduleToWire,
  type CalendarSnapshot,
  type Envelope,
  type ScheduleSnapshot,
} from '@slotkeeper/contracts';
import type { Calendar, CalendarChange, ScheduleLink } from '../domain/calendar.js';

/** A link's schedule as messages carry it: its id and hours, its slots without their ids. */
const scheduleSnapshot = ({ schedule }: ScheduleLink): ScheduleSnapshot => ({
  id: schedule.id,
  ...scheduleToWire({ ...schedule, timeSlots: schedule.timeSlots.map(({ id: _id, ...slot }) => slot) }),
});

const expiry = (link: ScheduleLink) => link.expiresOn?.toISOString() ?? null;

/** The calendar's whole booking state at its version: what every calendar message carries. */
const calendarSnapshot = ({ id, userId, version, rules, links }: Calendar): CalendarSnapshot => ({
  calendar_id: id,
  user_id: userId,
  version,
  rules: rulesToWire(rules),
  links: links.map((link) => ({ schedule: scheduleSnapshot(link), expires_on: expiry(link) })),
});

const scheduleLinked = (calendar: Calendar, link: ScheduleLink, at: Date) =>
  createEnvelope(
    'ScheduleLinked',
    { ...calendarSnapshot(calendar), schedule: scheduleSnapshot(link), expires_on: expiry(link) },
    at,
  );

/**
 * The messages announcing a change, as both stores write them to their outbox with it. A new
 * calendar announces itself, then each link it was created with, all at version 1.
 */
export function calendarMessages(change: CalendarChange): Envelope[] {
  const { calendar, at } = change;
  switch (change.kind) {
    case 'calendarCreated':
      return [
        createEnvelope('CalendarCreated', calendarSnapshot(calendar), at),
        ...calendar.links.map((link) => scheduleLinked(calendar, link, at)),
      ];
    case 'scheduleLinked':
      return [scheduleLinked(calendar, change.link, at)];
    case 'scheduleUnlinked':
      return [
        createEnvelope(
          'ScheduleUnlinked',
          { ...calendarSnapshot(calendar), availability_schedule_id: change.scheduleId },
          at,
        ),
      ];
    case 'calendarUpdated':
      return [createEnvelope('CalendarUpdated', calendarSnapshot(calendar), at)];
    case 'calendarDeleted':
      return [
        createEnvelope(
          'CalendarDeleted',
          { calendar_id: calendar.id, user_id: calendar.userId, version: calendar.version },
          at,
        ),
      ];
  }
}
