import {
  blockedBy,
  compileSchedule,
  OpenHours,
  type CalendarState,
  type CompiledSchedule,
} from '@slotkeeper/availability';
import type { Interval } from '@slotkeeper/time';
import type { BookedEvent, CalendarLedger, LinkedSchedule } from './ledger.js';

/**
 * Compiled schedules by calendar, version and schedule: a link's snapshot never changes within
 * one version of its calendar, so a store that reads a fresh copy for every request (MongoDB)
 * compiles each schedule once per version too. Bounded: emptied when full.
 */
const compiled = new Map<string, CompiledSchedule>();
const MAX_COMPILED = 10_000;

export function compiledOnce(ledger: Pick<CalendarLedger, 'calendarId' | 'version'>, schedule: LinkedSchedule) {
  const key = `${ledger.calendarId}/${ledger.version}/${schedule.id}`;
  let result = compiled.get(key);
  if (!result) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, (result = compileSchedule(schedule)));
  }
  return result;
}

/**
 * Open hours by calendar version, each computed once per UTC day and shared by every request
 * (availability, compare, booking) at that version. The key names the links and expiries too,
 * though a version pins them: ids are random and never reused, but tests reuse fixed ids.
 * Least recently used first out, within a budget of intervals held (about 40 bytes each).
 */
const hoursByVersion = new Map<string, OpenHours>();
const MAX_CALENDARS = 2_000;
const MAX_HELD_INTERVALS = 1_500_000;

export function openHoursOnce(ledger: CalendarLedger): OpenHours {
  const links = ledger.links.map((link) => `${link.schedule.id}@${link.expiresOn?.getTime() ?? ''}`).join();
  const key = `${ledger.calendarId}/${ledger.version}/${links}`;
  let hours = hoursByVersion.get(key);
  if (hours) hoursByVersion.delete(key);
  else {
    hours = new OpenHours(
      ledger.links.map((link) => ({
        schedule: compiledOnce(ledger, link.schedule),
        expiresOn: link.expiresOn?.getTime() ?? null,
      })),
    );
  }
  hoursByVersion.set(key, hours);
  trim(hours);
  return hours;
}

function trim(keep: OpenHours): void {
  let held = 0;
  for (const hours of hoursByVersion.values()) held += hours.size;
  for (const [key, hours] of hoursByVersion) {
    if (held <= MAX_HELD_INTERVALS && hoursByVersion.size <= MAX_CALENDARS) break;
    if (hours === keep) continue;
    held -= hours.size;
    hoursByVersion.delete(key);
  }
}

/**
 * The availability engine's view of a ledger, the events near the period in question and the
 * busy times of its outside calendars there (sorted, merged).
 */
export function calendarStateOf(
  ledger: CalendarLedger,
  events: readonly BookedEvent[],
  busy: readonly Interval[],
): CalendarState {
  return {
    hours: openHoursOnce(ledger),
    rules: ledger.rules,
    events: events.map((event) => ({ start: event.start.getTime(), end: event.end.getTime() })),
    busy,
  };
}

/**
 * How far around a period events and busy times still matter, and what a reservation must find
 * empty of events: each blocks the buffers of the calendar on either side (`blockedBy`).
 */
export function guardAround(ledger: CalendarLedger, period: Interval): Interval {
  return blockedBy(period, ledger.rules);
}
