import type ICAL from 'ical.js';
import { MAX_BUSY_INTERVALS } from '@slotkeeper/contracts';
import { clipIntervals, mergeIntervals, type Interval } from '@slotkeeper/time';
import { expandSeries, readOverride, type Expansion, type Override } from './expand.js';
import { BusyLimitError } from './errors.js';
import { textReader, type Turns } from './parse.js';

export { BusyLimitError, IcsParseError } from './errors.js';

export interface BusyOptions {
  /** IANA zone of the calendar's owner: all-day days, floating times and unknown TZIDs. */
  ownerZone: string;
  window: Interval;
  /** Skips VEVENTs whose X-SLOTKEEPER-CALENDAR is this id: our own write-back copies. */
  ownCalendarId?: string;
  ignoreUids?: ReadonlySet<string>;
  /** Awaited whenever the work has held the event loop for ~8 ms since the last turn. */
  nextTurn?: () => Promise<void>;
  /** Milliseconds of a monotonic clock that times the turns (default performance.now). */
  clock?: () => number;
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
  /** Units of work taken (occurrences and VEVENTs), counted against `maxSteps`. */
  steps: number;
}

/**
 * How long the work may hold the event loop before it awaits a turn: an availability request
 * answered in the same process waits behind it. Units of work take from microseconds (a parsed
 * VEVENT, an iterator step) to milliseconds (a rule searching years for a date, the first use of
 * a VTIMEZONE), so turns follow the clock, not a count.
 */
const SLICE_MS = 8;
/**
 * Units of work between two readings of the clock: under a millisecond of typical work, so a
 * slice overruns SLICE_MS by little, and reading the clock costs nothing even for the cheapest units.
 */
const CHECK_EVERY = 50;
/** Busy intervals collected before they are merged with the ones before: ~1 ms to sort. */
const MERGE_EVERY = 2_000;

/** The shape of our event ids (`generateId`): the UID of every copy written back. */
const EVENT_ID = /^[0-9a-f]{24}$/;

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
  const turns = turnsOf(options.nextTurn ?? (() => Promise.resolve()), options.clock ?? (() => performance.now()));
  let work = 0;
  const maxWork = options.maxSteps ?? 2_000_000;
  const x: Expansion = {
    ownerZone,
    window,
    maxSteps: options.maxStepsPerSeries ?? 50_000,
    tick: () => {
      // Many long series, each under its own cap, could still hold the sync for hours.
      if (++work > maxWork) throw new BusyLimitError(`more than ${maxWork} occurrences and events to expand`);
      return turns.due();
    },
    nextTurn: turns.nextTurn,
  };

  // Grouped by UID before relating overrides: ical.js would relate every RECURRENCE-ID of the
  // file to each master, whatever its UID (wrong overrides, O(n²)).
  const readText = textReader(turns);
  const series = new Map<string, Series>();
  const skippedUids = new Set<string>();
  let events = 0;
  let skipped = 0;
  for (const [index, text] of icsTexts.entries()) {
    const which = icsTexts.length > 1 ? `object ${index + 1} of ${icsTexts.length}` : 'the source';
    const { vevents, unreadable } = await readText(text, which);
    events += unreadable;
    skipped += unreadable;
    for (const vevent of vevents) {
      const uid = String(vevent.getFirstPropertyValue('uid') ?? '');
      // A VEVENT without UID is invalid but seen: it stands alone.
      const key = uid === '' ? `\u0000${series.size}` : uid;
      // Our copy: the calendar's mark and one of our event ids as UID. Calendar ids are public (in
      // booking links), so the mark alone could make anyone's invite free time.
      const own =
        options.ownCalendarId !== undefined &&
        EVENT_ID.test(uid) &&
        String(vevent.getFirstPropertyValue('x-slotkeeper-calendar') ?? '').trim() === options.ownCalendarId;
      if (own || options.ignoreUids?.has(uid)) skippedUids.add(key);
      let entry = series.get(key);
      if (!entry) series.set(key, (entry = { masters: [], overrides: [] }));
      (vevent.hasProperty('recurrence-id') ? entry.overrides : entry.masters).push(vevent);
      if (x.tick()) await x.nextTurn();
    }
  }

  // Merged a few thousand at a time, and no fewer than are merged so far (so the passes over
  // those stay in proportion to the new ones): one sort of all of them, 50,000 for 5,000 events
  // in a year, holds the event loop for 30–50 ms.
  let busy: Interval[] = [];
  let intervals: Interval[] = [];
  for (const [key, { masters, overrides }] of series) {
    // Not a unit of maxSteps (its VEVENTs were counted when read), but one that may take
    // milliseconds (the first time of a VTIMEZONE): the clock is read for each.
    if (turns.due(CHECK_EVERY)) await turns.nextTurn();
    if (intervals.length >= Math.max(MERGE_EVERY, busy.length)) {
      busy = unionOf(busy, mergeIntervals(clipIntervals(intervals, window)));
      intervals = [];
    }
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

  busy = unionOf(busy, mergeIntervals(clipIntervals(intervals, window)));
  const limit = options.maxIntervals ?? MAX_BUSY_INTERVALS;
  if (busy.length > limit) {
    throw new BusyLimitError(`${busy.length} busy intervals, more than the limit of ${limit}`);
  }
  return { busy, events, skipped, steps: work };
}

/** Turns by the clock, read once every CHECK_EVERY units. */
function turnsOf(nextTurn: () => Promise<void>, clock: () => number): Turns {
  let units = 0;
  let since = clock();
  return {
    due: (count = 1) => {
      units += count;
      if (units < CHECK_EVERY) return false;
      units = 0;
      return clock() - since >= SLICE_MS;
    },
    nextTurn: async () => {
      await nextTurn();
      since = clock();
    },
  };
}

/** Two sorted, merged lists as one, in one pass (mergeIntervals' rule: touching intervals join). */
function unionOf(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const merged: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j === b.length || (i < a.length && a[i]!.start <= b[j]!.start) ? a[i++]! : b[j++]!;
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end) last.end = Math.max(last.end, next.end);
    else merged.push({ start: next.start, end: next.end });
  }
  return merged;
}
