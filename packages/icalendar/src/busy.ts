import type ICAL from 'ical.js';
import { MAX_BUSY_INTERVALS } from '@slotkeeper/contracts';
import { clipIntervals, mergeIntervals, type Interval } from '@slotkeeper/time';
import { expandSeries, readOverride, type Expansion, type Override } from './expand.js';
import { BusyLimitError } from './errors.js';
import { parseText } from './parse.js';

export { BusyLimitError, IcsParseError } from './errors.js';

export interface BusyOptions {
  /** IANA zone of the calendar's owner: all-day days, floating times and unknown TZIDs. */
  ownerZone: string;
  window: Interval;
  /** Skips VEVENTs whose X-SLOTKEEPER-CALENDAR is this id: our own write-back copies. */
  ownCalendarId?: string;
  ignoreUids?: ReadonlySet<string>;
  /** Awaited every ~1,000 units of work (iterator steps, parsed VEVENTs). */
  nextTurn?: () => Promise<void>;
  /** Default MAX_BUSY_INTERVALS; more merged intervals throw BusyLimitError. */
  maxIntervals?: number;
  /** Iterator steps one series may take (default 50,000, a daily series of 137 years); beyond, it is skipped. */
  maxStepsPerSeries?: number;
  /** Occurrences and VEVENTs the whole source may take (default 2,000,000); beyond, BusyLimitError. */
  maxSteps?: number;
}

export interface BusyResult {
  /** Sorted, merged, clipped to the window. */
  busy: Interval[];
  /** VEVENTs read (our own copies and ignored UIDs not counted). */
  events: number;
  /** VEVENTs that could not be read (a broken series counts once; its overrides still count). */
  skipped: number;
}

const TURN_EVERY = 1_000;

interface Series {
  masters: ICAL.Component[];
  overrides: ICAL.Component[];
}

/**
 * The busy time of one source, whose content may come as several iCalendar texts (a CalDAV
 * collection gives one per object). A broken event is skipped, never the source.
 *
 * Busy: a VEVENT (or an override, by its own properties) that is not TRANSP:TRANSPARENT, not
 * STATUS:CANCELLED, and not shown as FREE or WORKINGELSEWHERE by X-MICROSOFT-CDO-BUSYSTATUS.
 * Recurrences: RRULE, RDATE, EXDATE and RECURRENCE-ID overrides (RANGE=THISANDFUTURE too), per
 * UID, from DTSTART up to the window's end; an override no occurrence matched blocks at its own
 * time. Times: UTC; a TZID with its VTIMEZONE in the text; without one, the IANA or Windows zone it
 * names, else the owner's zone; floating times in the owner's zone; all-day events from midnight to
 * midnight in the owner's zone. Lengths: DTEND, else DURATION, else one day (all-day) or none (a
 * timed event without either is an instant and blocks nothing).
 */
export async function busyTimesOf(icsTexts: readonly string[], options: BusyOptions): Promise<BusyResult> {
  const { ownerZone, window } = options;
  let work = 0;
  const maxWork = options.maxSteps ?? 2_000_000;
  const x: Expansion = {
    ownerZone,
    window,
    maxSteps: options.maxStepsPerSeries ?? 50_000,
    tick: () => {
      // Many long series, each under its own cap, could still hold the sync for hours.
      if (++work > maxWork) throw new BusyLimitError(`more than ${maxWork} occurrences and events to expand`);
      return work % TURN_EVERY === 0;
    },
    nextTurn: options.nextTurn ?? (() => Promise.resolve()),
  };

  // Grouped by UID before relating overrides: ical.js would relate every RECURRENCE-ID of the
  // file to each master, whatever its UID (wrong overrides, O(n²)).
  const series = new Map<string, Series>();
  const skippedUids = new Set<string>();
  let events = 0;
  let skipped = 0;
  for (const [index, text] of icsTexts.entries()) {
    const which = icsTexts.length > 1 ? `object ${index + 1} of ${icsTexts.length}` : 'the source';
    const { vevents, unreadable } = parseText(text, which);
    events += unreadable;
    skipped += unreadable;
    for (const vevent of vevents) {
      const uid = String(vevent.getFirstPropertyValue('uid') ?? '');
      // A VEVENT without UID is invalid but seen: it stands alone.
      const key = uid === '' ? `\u0000${series.size}` : uid;
      const own =
        options.ownCalendarId !== undefined &&
        String(vevent.getFirstPropertyValue('x-slotkeeper-calendar') ?? '').trim() === options.ownCalendarId;
      if (own || options.ignoreUids?.has(uid)) skippedUids.add(key);
      let entry = series.get(key);
      if (!entry) series.set(key, (entry = { masters: [], overrides: [] }));
      (vevent.hasProperty('recurrence-id') ? entry.overrides : entry.masters).push(vevent);
      if (x.tick()) await x.nextTurn();
    }
  }

  const intervals: Interval[] = [];
  for (const [key, { masters, overrides }] of series) {
    // One of our copies marks its whole UID as ours (overrides of it included).
    if (skippedUids.has(key)) continue;
    events += masters.length + overrides.length;
    const readable: Override[] = [];
    for (const component of overrides) {
      try {
        readable.push(readOverride(component, ownerZone));
      } catch {
        skipped++;
      }
    }
    const applied = new Set<Override>();
    for (const master of masters) {
      try {
        for (const interval of await expandSeries(master, readable, x, applied)) intervals.push(interval);
      } catch (error) {
        if (error instanceof BusyLimitError) throw error;
        // ical.js parses values lazily (DTSTART:garbage throws only now) and throws on some
        // impossible rules; the series goes, the rest of the source stays.
        skipped++;
      }
    }
    // An override no occurrence matched (its series broken, missing, or its RECURRENCE-ID beyond
    // the window) still stands for a real meeting at its own time: blocking it is the safe side.
    for (const override of readable) {
      if (!applied.has(override) && override.busy) intervals.push({ start: override.start.ms, end: override.end });
    }
  }

  const busy = mergeIntervals(clipIntervals(intervals, window));
  const limit = options.maxIntervals ?? MAX_BUSY_INTERVALS;
  if (busy.length > limit) {
    throw new BusyLimitError(`${busy.length} busy intervals, more than the limit of ${limit}`);
  }
  return { busy, events, skipped };
}
