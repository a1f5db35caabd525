import ICAL from 'ical.js';
import { localTimeToInstant } from '@slotkeeper/time';
import { instantOf, tzidOf } from './zones.js';

/**
 * How long each occurrence of a VEVENT lasts, read once per component (RFC 5545 3.8.5.3):
 * DTEND gives the same exact length to every occurrence; DURATION adds its days on the wall
 * clock (23 or 25 hours across a DST change) and the rest exactly; all-day events last whole days.
 */
export type Length =
  { kind: 'days'; days: number } | { kind: 'exact'; ms: number } | { kind: 'nominal'; days: number; ms: number };

/** A VEVENT's own start, as read from DTSTART (throws for a missing or unreadable one). */
export interface Start {
  time: ICAL.Time;
  tzid: string | null;
  ms: number;
}

export function startOf(component: ICAL.Component, ownerZone: string): Start {
  const property = component.getFirstProperty('dtstart');
  const time = property?.getFirstValue();
  if (!property || !(time instanceof ICAL.Time)) throw new Error('VEVENT without a DTSTART');
  const tzid = tzidOf(property);
  return { time, tzid, ms: instantOf(time, tzid, ownerZone) };
}

export function lengthOf(component: ICAL.Component, start: Start, ownerZone: string): Length {
  const endProperty = component.getFirstProperty('dtend');
  const end = endProperty?.getFirstValue();
  const duration = component.getFirstPropertyValue('duration');
  if (start.time.isDate) {
    let days = 1;
    if (endProperty && end instanceof ICAL.Time) {
      const timeOfDay = end.isDate ? 0 : end.hour + end.minute + end.second;
      days = dayNumber(end) - dayNumber(start.time) + (timeOfDay > 0 ? 1 : 0);
    } else if (duration instanceof ICAL.Duration && !duration.isNegative) {
      days = Math.ceil(duration.toSeconds() / 86_400);
    }
    // DTEND on DTSTART (seen in the wild) means the one day, as calendar apps show it.
    return { kind: 'days', days: Math.max(1, days) };
  }
  if (endProperty && end instanceof ICAL.Time) {
    return { kind: 'exact', ms: Math.max(0, instantOf(end, tzidOf(endProperty), ownerZone) - start.ms) };
  }
  if (duration instanceof ICAL.Duration && !duration.isNegative) {
    const days = duration.weeks * 7 + duration.days;
    const ms = ((duration.hours * 60 + duration.minutes) * 60 + duration.seconds) * 1000;
    return { kind: 'nominal', days, ms };
  }
  // A DATE-TIME start without DTEND or DURATION is an instant (RFC 5545 3.6.1): it blocks nothing.
  return { kind: 'exact', ms: 0 };
}

/** The end (epoch ms) of an occurrence starting at `time` (whose instant is `ms`). */
export function endOf(time: ICAL.Time, tzid: string | null, ms: number, length: Length, ownerZone: string): number {
  switch (length.kind) {
    case 'exact':
      return ms + length.ms;
    case 'days': {
      // All-day: from local midnight to local midnight in the owner's zone (23 or 25 hours on DST days).
      const end = new Date(Date.UTC(time.year, time.month - 1, time.day + length.days));
      const date = { year: end.getUTCFullYear(), month: end.getUTCMonth() + 1, day: end.getUTCDate() };
      return localTimeToInstant(date, 0, ownerZone);
    }
    case 'nominal': {
      if (length.days === 0) return ms + length.ms;
      const end = time.clone();
      end.addDuration(new ICAL.Duration({ days: length.days }));
      return instantOf(end, tzid, ownerZone) + length.ms;
    }
  }
}

/** Days since the epoch of the calendar date of `time`: whole-day differences without zones. */
export function dayNumber(time: ICAL.Time): number {
  return Date.UTC(time.year, time.month - 1, time.day) / 86_400_000;
}

/** Whether a VEVENT (a master or an override) blocks time. */
export function isBusy(component: ICAL.Component): boolean {
  const value = (name: string): string => String(component.getFirstPropertyValue(name) ?? '').toUpperCase();
  if (value('transp') === 'TRANSPARENT' || value('status') === 'CANCELLED') return false;
  // Outlook/Exchange's "Show as". FREE never blocks. WORKINGELSEWHERE does not either: it says
  // where one works (typically an all-day "working from home" that would otherwise block whole
  // days) and means "still available for meetings"; schedulers differ here (OnceHub blocks it
  // through Graph, not through EWS), so we follow the meaning. TENTATIVE, BUSY and OOF block.
  const shownAs = value('x-microsoft-cdo-busystatus');
  return shownAs !== 'FREE' && shownAs !== 'WORKINGELSEWHERE';
}
