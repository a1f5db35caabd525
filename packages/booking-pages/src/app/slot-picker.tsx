import { useEffect, useState } from 'preact/hooks';
import type { Slot } from './api';
import { describeFailure } from './api';
import { MonthPicker } from './month-picker';
import type { SlotSource } from './month-slots';
import { lastBookableMonth, useMonthSlots } from './month-slots';
import { SlotList } from './slot-list';
import { addMonths, todayIn } from './zoned-time';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** `?date=YYYY-MM-DD` or `?month=YYYY-MM` of the link; without either, the search for the first month with times. */
export function readDeepLink(zone: string): { month: string; date: string | null; lookAhead: boolean } {
  const query = new URLSearchParams(location.search);
  const today = todayIn(zone);
  const current = today.slice(0, 7);
  const date = query.get('date');
  const month = query.get('month');
  // A day already past is no day to book: the link then opens like one without a date.
  if (date && DATE.test(date) && date >= today) return { month: date.slice(0, 7), date, lookAhead: false };
  if (month && MONTH.test(month) && month >= current) return { month, date: null, lookAhead: false };
  return { month: current, date: null, lookAhead: true };
}

interface SlotPickerProps {
  source: SlotSource;
  zone: string;
  /** The month's heading level; the day's is the same. */
  heading: 'h2' | 'h3';
  chosen: string | null;
  onPick: (slot: Slot) => void;
  /** Changing it loads the times again (after a refusal: the slot was taken meanwhile). */
  reloadSignal: number;
}

/** Month grid and the chosen day's times, shared by the book page and the manage page. */
export function SlotPicker({ source, zone, heading, chosen, onPick, reloadSignal }: SlotPickerProps) {
  const [link] = useState(() => readDeepLink(zone));
  const { state, goTo, reload } = useMonthSlots(source, zone, link.month, link.lookAhead);
  const [picked, setPicked] = useState<string | null>(link.date);

  useEffect(() => {
    if (reloadSignal > 0) reload();
  }, [reloadSignal]);

  const month = state.month;
  const days = state.status === 'ready' ? state.days : null;
  const firstDay = days ? ([...days.keys()].sort()[0] ?? null) : null;
  // The day the invitee picked (or the link named) while it is in this month, else the first day with times.
  const selected = picked?.startsWith(month) && (days?.has(picked) || picked === link.date) ? picked : firstDay;
  const last = lastBookableMonth(source, zone);
  const canGoForward = last === null || addMonths(month, 1) <= last;

  return (
    <div class="picker">
      <MonthPicker
        month={month}
        days={days}
        selected={selected}
        heading={heading}
        canGoBack={month > todayIn(zone).slice(0, 7)}
        canGoForward={canGoForward}
        onMonth={(step) => goTo(addMonths(month, step))}
        onDay={setPicked}
      />
      <div class="slot-column" aria-busy={state.status === 'loading'}>
        {state.status === 'loading' && <p class="muted loading">Loading times…</p>}
        {state.status === 'error' && (
          <div class="notice error" role="alert">
            <p>The times could not be loaded. {describeFailure(state.failure)}</p>
            <button type="button" class="secondary" onClick={reload}>
              Try again
            </button>
          </div>
        )}
        {days && selected && (
          <SlotList
            dateKey={selected}
            slots={days.get(selected) ?? []}
            heading={heading}
            chosen={chosen}
            onPick={onPick}
          />
        )}
        {days && !selected && (
          <p class="muted">No times are open this month.{canGoForward && ' Try the next month.'}</p>
        )}
      </div>
    </div>
  );
}
