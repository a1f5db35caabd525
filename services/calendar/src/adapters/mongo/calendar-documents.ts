import type { BookingRules, ScheduleResponse } from '@slotkeeper/contracts';
import type { Calendar, ProjectedEvent } from '../../domain/calendar.js';

/** A calendar as `calendars` holds it: the contract's snake_case, each link's schedule as answered. */
export interface CalendarDoc {
  _id: string;
  user_id: string;
  name: string;
  rules: BookingRules;
  created_at: Date;
  links: Array<{ schedule: ScheduleResponse; expires_on: Date | null }>;
  version: number;
}

/** One projected event: a document of its own, so the calendar's document never grows with history. */
export interface EventDoc {
  _id: string;
  calendar_id: string;
  title: string;
  start_time: Date;
  end_time: Date;
  booked_by: string;
  booker_name: string | null;
  notes: string | null;
  guests: string[];
  status: 'confirmed' | 'canceled';
  created_at: Date;
}

export const toCalendarDoc = (c: Calendar): CalendarDoc => ({
  _id: c.id,
  user_id: c.userId,
  name: c.name,
  rules: {
    meeting_duration_minutes: c.rules.meetingDurationMinutes,
    buffer_before_minutes: c.rules.bufferBeforeMinutes,
    buffer_after_minutes: c.rules.bufferAfterMinutes,
    min_notice_minutes: c.rules.minNoticeMinutes,
    slot_interval_minutes: c.rules.slotIntervalMinutes,
    booking_horizon_days: c.rules.bookingHorizonDays,
  },
  created_at: c.createdAt,
  links: c.links.map(({ schedule: s, expiresOn }) => ({
    schedule: {
      id: s.id,
      user_id: s.userId,
      name: s.name,
      timezone: s.timezone,
      time_slots: s.timeSlots.map((t) => ({
        id: t.id,
        day_of_week: t.dayOfWeek,
        start_time: t.startTime,
        end_time: t.endTime,
      })),
      date_overrides: s.dateOverrides.map((o) => ({
        date: o.date,
        time_slots: o.timeSlots.map((t) => ({ start_time: t.startTime, end_time: t.endTime })),
      })),
      created_at: s.createdAt.toISOString(),
    },
    expires_on: expiresOn,
  })),
  version: c.version,
});

export const toCalendar = (doc: CalendarDoc): Calendar => ({
  id: doc._id,
  userId: doc.user_id,
  name: doc.name,
  rules: {
    meetingDurationMinutes: doc.rules.meeting_duration_minutes,
    bufferBeforeMinutes: doc.rules.buffer_before_minutes,
    bufferAfterMinutes: doc.rules.buffer_after_minutes,
    minNoticeMinutes: doc.rules.min_notice_minutes,
    slotIntervalMinutes: doc.rules.slot_interval_minutes,
    bookingHorizonDays: doc.rules.booking_horizon_days,
  },
  createdAt: doc.created_at,
  links: doc.links.map(({ schedule: s, expires_on }) => ({
    schedule: {
      id: s.id,
      userId: s.user_id,
      name: s.name,
      timezone: s.timezone,
      timeSlots: s.time_slots.map((t) => ({
        id: t.id,
        dayOfWeek: t.day_of_week,
        startTime: t.start_time,
        endTime: t.end_time,
      })),
      dateOverrides: s.date_overrides.map((o) => ({
        date: o.date,
        timeSlots: o.time_slots.map((t) => ({ startTime: t.start_time, endTime: t.end_time })),
      })),
      createdAt: new Date(s.created_at),
    },
    expiresOn: expires_on,
  })),
  version: doc.version,
});

export const toEventDoc = (e: ProjectedEvent): Omit<EventDoc, '_id'> => ({
  calendar_id: e.calendarId,
  title: e.title,
  start_time: e.startTime,
  end_time: e.endTime,
  booked_by: e.bookedBy,
  booker_name: e.bookerName,
  notes: e.notes,
  guests: e.guests,
  status: e.status,
  created_at: e.createdAt,
});

export const toProjected = (doc: EventDoc): ProjectedEvent => ({
  id: doc._id,
  calendarId: doc.calendar_id,
  title: doc.title,
  startTime: doc.start_time,
  endTime: doc.end_time,
  bookedBy: doc.booked_by,
  bookerName: doc.booker_name ?? null,
  notes: doc.notes ?? null,
  guests: doc.guests,
  status: doc.status,
  createdAt: doc.created_at,
});
