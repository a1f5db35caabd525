import ICAL from 'ical.js';
import type { Interval } from '@slotkeeper/time';
import { dayNumber, endOf, isBusy, lengthOf, startOf, type Length, type Start } from './occurrence.js';
import { instantOf, tzidOf, wallClockIn } from './zones.js';

const DAY = 86_400_000;

/** What one expansion shares: the owner's zone, the window, and the turn-taking. */
export interface Expansion {
  readonly ownerZone: string;
  readonly window: Interval;
  /** Iterator steps one series may take; a series needing more is skipped as broken. */
  readonly maxSteps: number;
  /** Counts one unit of work; true when the caller should now await `nextTurn`. */
  tick(): boolean;
  nextTurn(): Promise<void>;
}

/** A VEVENT with a RECURRENCE-ID: one occurrence of a series, moved, changed or canceled. */
export interface Override {
  readonly component: ICAL.Component;
  readonly recurrenceMs: number;
  readonly busy: boolean;
  readonly start: Start;
  readonly length: Length;
  readonly end: number;
  /** RANGE=THISANDFUTURE: how far later occurrences move (null for a single occurrence). */
  readonly shift: ICAL.Duration | null;
}

export function readOverride(component: ICAL.Component, ownerZone: string): Override {
  const property = component.getFirstProperty('recurrence-id');
  const recurrence = property?.getFirstValue();
  if (!property || !(recurrence instanceof ICAL.Time)) throw new Error('RECURRENCE-ID unreadable');
  const recurrenceMs = instantOf(recurrence, tzidOf(property), ownerZone);
  const start = startOf(component, ownerZone);
  const length = lengthOf(component, start, ownerZone);
  let shift: ICAL.Duration | null = null;
  if (property.getParameter('range') === 'THISANDFUTURE') {
    // On one wall clock the move is a wall-clock difference, so later occurrences keep their
    // local time across DST changes (as ical.js does); across clocks only the instants compare.
    const sameClock = tzidOf(property) === start.tzid && recurrence.isDate === start.time.isDate;
    shift = sameClock
      ? start.time.subtractDate(recurrence)
      : ICAL.Duration.fromSeconds((start.ms - recurrenceMs) / 1000);
  }
  const end = endOf(start.time, start.tzid, start.ms, length, ownerZone);
  return { component, recurrenceMs, busy: isBusy(component), start, length, end, shift };
}

/**
 * The busy intervals of a series (its master VEVENT and the overrides of its UID), from DTSTART
 * up to the window's end. Adds each override it applied to `applied`; throws for anything
 * unreadable, and the caller skips the series.
 */
export async function expandSeries(
  master: ICAL.Component,
  overrides: readonly Override[],
  x: Expansion,
  applied: Set<Override>,
): Promise<Interval[]> {
  const { ownerZone, window } = x;
  const start = startOf(master, ownerZone);
  const length = lengthOf(master, start, ownerZone);
  const busy = isBusy(master);
  const excluded = exclusionsOf(master, ownerZone);
  const exact = new Map(overrides.map((o) => [o.recurrenceMs, o]));
  const ranges = overrides.filter((o) => o.shift !== null).sort((a, b) => a.recurrenceMs - b.recurrenceMs);
  // A THISANDFUTURE override may move later occurrences earlier: look that far (and a day) beyond.
  const backwards = Math.max(0, ...ranges.map((r) => r.recurrenceMs - r.start.ms));
  const stopAt = window.end + (ranges.length > 0 ? backwards + DAY : 0);
  const intervals: Interval[] = [];
  const used: Override[] = [];
  const add = (from: number, to: number): void => {
    if (to > window.start && from < window.end && to > from) intervals.push({ start: from, end: to });
  };

  const occur = (time: ICAL.Time, ms: number): void => {
    if (excluded(time, ms)) return;
    const override = exact.get(ms);
    if (override) {
      used.push(override);
      if (override.busy) add(override.start.ms, override.end);
      return;
    }
    const range = ranges.findLast((r) => r.recurrenceMs <= ms);
    if (range?.shift) {
      if (!range.busy) return;
      const moved = time.clone();
      moved.addDuration(range.shift);
      const movedMs = instantOf(moved, start.tzid, ownerZone);
      add(movedMs, endOf(moved, start.tzid, movedMs, range.length, ownerZone));
    } else if (busy) {
      add(ms, endOf(time, start.tzid, ms, length, ownerZone));
    }
  };

  // DTSTART is always the first instance (RFC 5545 3.8.5.3), but ical.js drops it from an
  // RDATE-only series (fix PR #534 never released) and when it does not match the RRULE (#294):
  // it is taken from DTSTART here, and skipped when the rule yields it again.
  occur(start.time, start.ms);
  let previous = start.ms;
  for (const next of recurrences(master, start, x)) {
    if (x.tick()) await x.nextTurn();
    if (next.ms >= stopAt) break;
    // The same instant from RRULE and RDATE is one occurrence.
    if (next.ms === previous || next.ms === start.ms) continue;
    previous = next.ms;
    occur(next.time, next.ms);
  }
  for (const override of used) applied.add(override);
  return intervals;
}

/**
 * The EXDATEs, matched by instant (DATE ones by calendar day), so an EXDATE in UTC or another
 * TZID than DTSTART still excludes its occurrence (ical.js compares a floating time, which is
 * what it makes of a TZID without VTIMEZONE, with a UTC one as if both were UTC).
 */
function exclusionsOf(master: ICAL.Component, ownerZone: string): (time: ICAL.Time, ms: number) => boolean {
  const instants = new Set<number>();
  const days = new Set<number>();
  for (const property of master.getAllProperties('exdate')) {
    const tzid = tzidOf(property);
    for (const value of property.getValues()) {
      if (!(value instanceof ICAL.Time)) continue;
      if (value.isDate) days.add(dayNumber(value));
      else instants.add(instantOf(value, tzid, ownerZone));
    }
  }
  return (time, ms) => instants.has(ms) || days.has(dayNumber(time));
}

interface Next {
  time: ICAL.Time;
  ms: number;
}

/**
 * The occurrences of the RRULEs and RDATEs, merged in order of their instants (DTSTART and
 * EXDATEs are the caller's). Not ical.js's RecurExpansion: its rule iterators cannot be guarded
 * (below), and it yields an instant in both RRULE and RDATE twice (#1026).
 */
function* recurrences(master: ICAL.Component, start: Start, x: Expansion): Generator<Next> {
  let steps = 0;
  const rules = master.getAllProperties('rrule').map((property) => {
    const rule = property.getFirstValue();
    if (!(rule instanceof ICAL.Recur)) throw new Error('RRULE unreadable');
    const next = ruleOccurrences(rule, start, x.ownerZone, () => {
      if (++steps > x.maxSteps) throw new Error('too many recurrence steps');
    });
    return { next, head: next() };
  });
  const rdates: Next[] = master
    .getAllProperties('rdate')
    .flatMap((property) =>
      property.getValues().map((value: unknown) => {
        const time = value instanceof ICAL.Period ? value.start : value;
        if (!(time instanceof ICAL.Time)) throw new Error('RDATE unreadable');
        return { time, ms: instantOf(time, tzidOf(property), x.ownerZone) };
      }),
    )
    .sort((a, b) => a.ms - b.ms);
  let r = 0;
  for (;;) {
    let first: (typeof rules)[number] | undefined;
    for (const rule of rules) if (rule.head && (!first?.head || rule.head.ms < first.head.ms)) first = rule;
    const rdate = rdates[r];
    if (rdate && (!first?.head || rdate.ms <= first.head.ms)) {
      r++;
      yield rdate;
    } else if (first?.head) {
      yield first.head;
      first.head = first.next();
    } else {
      return;
    }
  }
}

/**
 * Checks of a rule's BY parts while it looks for one next occurrence (a daily rule for Feb 29
 * needs up to 1,461), and dates in a row it invents; beyond, the rule matches no date.
 */
const MAX_CHECKS = 3_000;
const MAX_INVENTED = 100;

/** The next occurrence of one RRULE on each call, null at its end. */
function ruleOccurrences(rule: ICAL.Recur, start: Start, ownerZone: string, step: () => void): () => Next | null {
  untilOnWallClock(rule, start, ownerZone);
  const invented = inventedDates(rule, start);
  // Always from DTSTART: starting at the window (event.iterator(windowStart)) takes the window for
  // DTSTART, misplaces occurrences and miscounts COUNT (the Cal.com bug; ical.js issue #148).
  const iterator = rule.iterator(start.time);
  // For a DAILY or finer rule whose BY parts match no date (BYMONTH=2;BYMONTHDAY=30), next()
  // loops for ever inside one call (its do/while checks neither UNTIL nor a count): give up.
  let checks = 0;
  const check = iterator.check_contracting_rules.bind(iterator);
  iterator.check_contracting_rules = () => {
    if (++checks > MAX_CHECKS) throw new Error('RRULE matches no date');
    return check();
  };
  return () => {
    for (let skipped = 0; skipped < MAX_INVENTED; skipped++) {
      step();
      checks = 0;
      const time = iterator.next() as ICAL.Time | null;
      if (!time) return null;
      if (!invented(time)) return { time, ms: instantOf(time, start.tzid, ownerZone) };
    }
    throw new Error('RRULE matches no date');
  };
}

/**
 * ical.js compares a UTC UNTIL with occurrences it left floating as if their wall clock were UTC,
 * so the last occurrence of an Outlook series without VTIMEZONE goes missing (or one too many
 * comes): give UNTIL as the wall-clock time of the zone the occurrences are read in.
 */
function untilOnWallClock(rule: ICAL.Recur, start: Start, ownerZone: string): void {
  const until = rule.until;
  if (start.time.isDate || start.time.zone !== ICAL.Timezone.localTimezone) return;
  if (!until || until.isDate || until.zone !== ICAL.Timezone.utcTimezone) return;
  rule.until = wallClockIn(instantOf(until, null, ownerZone), start.tzid, ownerZone);
}

/**
 * Dates ical.js yields that the rule excludes: a month outside BYMONTH (MONTHLY;BYMONTH=2;
 * BYMONTHDAY=31 gives Jan 31), or a day a month lacks rolled into the next month (a yearly Feb 29
 * lands on Mar 1 in common years, BYMONTHDAY=30 in February on Mar 2), which RFC 5545 says do
 * not occur. The day is checked for simple MONTHLY/YEARLY rules, where it is fixed.
 */
function inventedDates(rule: ICAL.Recur, start: Start): (time: ICAL.Time) => boolean {
  const { BYMONTH, BYDAY, BYYEARDAY, BYWEEKNO, BYSETPOS, BYMONTHDAY } = rule.parts;
  const months = BYMONTH?.length ? BYMONTH : null;
  let days: number[] | null = BYMONTHDAY?.length ? BYMONTHDAY : [start.time.day];
  const fixedDay =
    (rule.freq === 'MONTHLY' || rule.freq === 'YEARLY') &&
    !(BYDAY?.length || BYYEARDAY?.length || BYWEEKNO?.length || BYSETPOS?.length) &&
    days.every((d) => d > 0);
  if (!fixedDay) days = null;
  return (time) => (months !== null && !months.includes(time.month)) || (days !== null && !days.includes(time.day));
}
