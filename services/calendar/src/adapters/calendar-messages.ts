import { createEnvelope, type CalendarSnapshot, type Envelope, type ScheduleSnapshot } from '@slotkeeper/contracts';
import type { Calendar, CalendarChange, ScheduleLink } from '../domain/calendar.js';

const scheduleSnapshot = ({ schedule }: ScheduleLink): ScheduleSnapshot => ({
  id: schedule.id,
  timezone: schedule.timezone,
  time_slots: schedule.timeSlots.map((slot) => ({
    day_of_week: slot.dayOfWeek,
    start_time: slot.startTime,
    end_time: slot.endTime,
  })),
  date_overrides: schedule.dateOverrides.map((override) => ({
    date: override.date,
    time_slots: override.timeSlots.map((slot) => ({ start_time: slot.startTime, end_time: slot.endTime })),
  })),
});

const expiry = (link: ScheduleLink) => link.expiresOn?.toISOString() ?? null;

/** The calendar's whole booking state at its version: what every calendar message carries. */
const calendarSnapshot = ({ id, userId, version, rules, links }: Calendar): CalendarSnapshot => ({
  calendar_id: id,
  user_id: userId,
  version,
  rules: {
    meeting_duration_minutes: rules.meetingDurationMinutes,
    buffer_before_minutes: rules.bufferBeforeMinutes,
    buffer_after_minutes: rules.bufferAfterMinutes,
    min_notice_minutes: rules.minNoticeMinutes,
    slot_interval_minutes: rules.slotIntervalMinutes,
    booking_horizon_days: rules.bookingHorizonDays,
  },
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
  }
}
