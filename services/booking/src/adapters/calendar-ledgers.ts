import {
  rulesFromWire,
  scheduleFromWire,
  type CalendarSnapshot,
  type ScheduleSnapshot,
  type WireRulesInput,
} from '@slotkeeper/contracts';
import type { CalendarLedger } from '../domain/ledger.js';

/**
 * A calendar's booking state as its messages carry it (instants as strings) and
 * `booking_calendars` keeps it (Dates; rules stored before the last two existed lack them), in
 * the domain's terms.
 */
export const ledgerFromWire = <T>(
  calendar: Pick<CalendarSnapshot, 'calendar_id' | 'user_id' | 'version'> & {
    rules: WireRulesInput;
    links: Array<{ schedule: ScheduleSnapshot; expires_on: T | null }>;
  },
  toDate: (instant: T) => Date,
): CalendarLedger => ({
  calendarId: calendar.calendar_id,
  userId: calendar.user_id,
  rules: rulesFromWire(calendar.rules),
  links: calendar.links.map(({ schedule, expires_on }) => ({
    schedule: { id: schedule.id, ...scheduleFromWire(schedule) },
    expiresOn: expires_on === null ? null : toDate(expires_on),
  })),
  version: calendar.version,
});
