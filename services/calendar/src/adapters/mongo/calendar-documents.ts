import { rulesFromWire, rulesToWire, type BookingRules, type ScheduleResponse } from '@slotkeeper/contracts';
import type { Calendar } from '../../domain/calendar.js';
import { linkedScheduleFromWire, linkedScheduleToWire } from '../schedule-directory.js';

/** A calendar as `calendars` holds it: the contract's snake_case, each link's schedule as answered. */
export interface CalendarDoc {
  _id: string;
  user_id: string;
  name: string;
  rules: BookingRules;
  created_at: Date;
  links: Array<{ schedule: ScheduleResponse; expires_on: Date | null; schedule_version?: number }>;
  version: number;
}

export const toCalendarDoc = (c: Calendar): CalendarDoc => ({
  _id: c.id,
  user_id: c.userId,
  name: c.name,
  rules: rulesToWire(c.rules),
  created_at: c.createdAt,
  links: c.links.map(({ schedule, expiresOn, scheduleVersion }) => ({
    schedule: linkedScheduleToWire(schedule),
    expires_on: expiresOn,
    ...(scheduleVersion !== undefined && { schedule_version: scheduleVersion }),
  })),
  version: c.version,
});

export const toCalendar = (doc: CalendarDoc): Calendar => ({
  id: doc._id,
  userId: doc.user_id,
  name: doc.name,
  rules: rulesFromWire(doc.rules),
  createdAt: doc.created_at,
  links: doc.links.map(({ schedule, expires_on, schedule_version }) => ({
    schedule: linkedScheduleFromWire(schedule),
    expiresOn: expires_on,
    ...(schedule_version != null && { scheduleVersion: schedule_version }),
  })),
  version: doc.version,
});
