import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Failure, Result, Slot } from './api';
import { api, settle } from './api';
import type { CalendarPublic } from './page-data';
import { addMonths, monthRange, todayIn } from './zoned-time';

/** Where slots come from: one calendar, and the slot length to ask for when it has no meeting length. */
export interface SlotSource {
  calendarId: string;
  /** Sent as `duration` only when the calendar has no meeting length of its own. */
  duration: number | null;
  horizonDays: number | null;
}

/** A month's slots by date key (`YYYY-MM-DD` in the zone), only days that have some, in time order. */
export type DaySlots = Map<string, Slot[]>;

export type MonthState =
  | { status: 'loading'; month: string }
  | { status: 'ready'; month: string; days: DaySlots }
  | { status: 'error'; month: string; failure: Failure };

const DAY = 86_400_000;
/** How many months the page looks ahead for the first one with times, when the link names none. */
const LOOK_AHEAD_MONTHS = 12;

/** The last month the calendar's booking horizon reaches into, or null when it has none. */
export function lastBookableMonth(source: SlotSource, zone: string): string | null {
  return source.horizonDays === null ? null : todayIn(zone, Date.now() + source.horizonDays * DAY).slice(0, 7);
}

/** The meeting length in minutes: the calendar's own, or the 30 the pages ask for when it has none. */
export const meetingMinutes = (calendar: Pick<CalendarPublic, 'meeting_duration_minutes'>) =>
  calendar.meeting_duration_minutes ?? 30;

/** The slot source of a book page: its calendar's own meeting length, or 30-minute slots when it has none. */
export const bookingSource = (calendar: CalendarPublic): SlotSource => ({
  calendarId: calendar.id,
  duration: calendar.meeting_duration_minutes === null ? meetingMinutes(calendar) : null,
  horizonDays: calendar.booking_horizon_days,
});

const requestKey = (source: SlotSource, month: string, zone: string) =>
  `${source.calendarId} ${source.duration ?? ''} ${zone} ${month}`;
/** Requests started before the first render (`prefetchMonthSlots`), each taken once. */
const prefetched = new Map<string, Promise<Result<DaySlots>>>();

/**
 * Asks for a month's slots at once, before anything renders: the page's first slots then wait
 * for the network alone, not for the first render as well. The first load of that month takes it.
 */
export function prefetchMonthSlots(source: SlotSource, month: string, zone: string): void {
  prefetched.set(requestKey(source, month, zone), fetchMonthSlots(source, month, zone));
}

function takePrefetched(source: SlotSource, month: string, zone: string): Promise<Result<DaySlots>> | undefined {
  const key = requestKey(source, month, zone);
  const request = prefetched.get(key);
  prefetched.delete(key);
  return request;
}

export async function fetchMonthSlots(source: SlotSource, month: string, zone: string): Promise<Result<DaySlots>> {
  const { from, to } = monthRange(month, zone);
  const result = await settle(
    api.GET('/api/calendar/calendars/{calendar_id}/availability', {
      params: {
        path: { calendar_id: source.calendarId },
        query: { from, to, tz: zone, ...(source.duration !== null && { duration: source.duration }) },
      },
    }),
  );
  if (!result.ok) return result;
  const days: DaySlots = new Map();
  // With `tz`, instants come in the zone's own offset: the first ten characters are the local day.
  for (const slot of result.data.slots ?? []) {
    const key = slot.start_time.slice(0, 10);
    const list = days.get(key) ?? [];
    list.push({ start_time: slot.start_time, end_time: slot.end_time });
    days.set(key, list);
  }
  return { ok: true, data: days };
}

/**
 * The slots of the shown month in the zone. With `lookAhead`, the first load moves on month by
 * month (within the horizon) until one has times. Months already loaded are kept until `reload`.
 */
export function useMonthSlots(source: SlotSource, zone: string, firstMonth: string, lookAhead: boolean) {
  const [month, setMonth] = useState(firstMonth);
  const [state, setState] = useState<MonthState>({ status: 'loading', month: firstMonth });
  const [generation, setGeneration] = useState(0);
  const searching = useRef(lookAhead);
  const cache = useRef(new Map<string, DaySlots>());

  // A layout effect starts the request right after the first render, not after the first paint.
  useLayoutEffect(() => {
    let live = true;
    void (async () => {
      const last = lastBookableMonth(source, zone);
      let key = month;
      let remaining = searching.current ? LOOK_AHEAD_MONTHS : 0;
      for (;;) {
        let days = cache.current.get(`${zone} ${key}`);
        if (!days) {
          setState({ status: 'loading', month: key });
          const result = await (takePrefetched(source, key, zone) ?? fetchMonthSlots(source, key, zone));
          if (!live) return;
          if (!result.ok) return setState({ status: 'error', month: key, failure: result.failure });
          days = result.data;
          cache.current.set(`${zone} ${key}`, days);
        }
        const next = addMonths(key, 1);
        if (days.size === 0 && remaining-- > 0 && (last === null || next <= last)) {
          key = next;
          continue;
        }
        searching.current = false;
        // No month with times at all: stay on the month the search began with.
        if (days.size === 0 && key !== month) key = month;
        setMonth(key);
        setState({ status: 'ready', month: key, days: cache.current.get(`${zone} ${key}`) ?? days });
        return;
      }
    })();
    return () => {
      live = false;
    };
  }, [source, zone, month, generation]);

  return {
    state,
    goTo(next: string) {
      searching.current = false;
      setMonth(next);
    },
    /** Forgets every loaded month and loads the shown one again (a slot was taken meanwhile). */
    reload() {
      cache.current.clear();
      setGeneration((value) => value + 1);
    },
  };
}
