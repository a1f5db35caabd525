import { compileSchedule, type CalendarState, type CompiledSchedule } from '@slotkeeper/availability';
import type { ScheduleSnapshot } from '@slotkeeper/contracts';
import { MINUTE, type Interval } from '@slotkeeper/time';
import type { BookedEvent, CalendarLedger } from './ledger.js';

/**
 * Compiled schedules by calendar, version and schedule: a link's snapshot never changes within
 * one version of its calendar, so a store that reads a fresh copy for every request (MongoDB)
 * compiles each schedule once per version too. Bounded: emptied when full.
 */
const compiled = new Map<string, CompiledSchedule>();
const MAX_COMPILED = 10_000;

export function compiledOnce(ledger: Pick<CalendarLedger, 'calendarId' | 'version'>, schedule: ScheduleSnapshot) {
  const key = `${ledger.calendarId}/${ledger.version}/${schedule.id}`;
  let result = compiled.get(key);
  if (!result) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, (result = compileSchedule(schedule)));
  }
  return result;
}

/** The availability engine's view of a ledger and the events near the period in question. */
export function toCalendarState(ledger: CalendarLedger, events: readonly BookedEvent[]): CalendarState {
  const { rules } = ledger;
  return {
    links: ledger.links.map((link) => ({
      schedule: compiledOnce(ledger, link.schedule),
      expiresOn: link.expiresOn?.getTime() ?? null,
    })),
    rules: {
      meetingDurationMinutes: rules.meeting_duration_minutes,
      bufferBeforeMinutes: rules.buffer_before_minutes,
      bufferAfterMinutes: rules.buffer_after_minutes,
      minNoticeMinutes: rules.min_notice_minutes,
    },
    events: events.map((event) => ({ start: event.start.getTime(), end: event.end.getTime() })),
  };
}

/**
 * How far around a period events still matter: an event this close can push its buffers, or
 * have a candidate's buffers reach it, into the period.
 */
export function guardAround(ledger: CalendarLedger, period: Interval): Interval {
  const reach = Math.max(ledger.rules.buffer_before_minutes, ledger.rules.buffer_after_minutes) * MINUTE;
  return { start: period.start - reach, end: period.end + reach };
}
