import type { DaySlots } from './month-slots';
import { daysOfMonth, formatDay, formatMonth, weekdayIndex } from './zoned-time';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

interface MonthPickerProps {
  month: string;
  /** Null while the month's times are loading. */
  days: DaySlots | null;
  selected: string | null;
  canGoBack: boolean;
  canGoForward: boolean;
  heading: 'h2' | 'h3';
  onMonth: (step: -1 | 1) => void;
  onDay: (dateKey: string) => void;
}

const timesLabel = (count: number) => (count === 0 ? 'no times' : `${count} time${count === 1 ? '' : 's'}`);

/**
 * A month as a seven-column grid starting on Monday. Days with times are buttons; days without
 * are disabled buttons, so every day still reads as "Tuesday 25 June, no times".
 */
export function MonthPicker({
  month,
  days,
  selected,
  canGoBack,
  canGoForward,
  heading,
  onMonth,
  onDay,
}: MonthPickerProps) {
  const Heading = heading;
  const dates = daysOfMonth(month);
  const blanks = weekdayIndex(dates[0] ?? `${month}-01`);
  return (
    <div class="month">
      <div class="month-bar">
        <button type="button" class="nav" aria-label="Previous month" disabled={!canGoBack} onClick={() => onMonth(-1)}>
          <span aria-hidden="true">‹</span>
        </button>
        <Heading class="month-title" aria-live="polite">
          {formatMonth(month)}
        </Heading>
        <button type="button" class="nav" aria-label="Next month" disabled={!canGoForward} onClick={() => onMonth(1)}>
          <span aria-hidden="true">›</span>
        </button>
      </div>
      <div class="weekdays" aria-hidden="true">
        {WEEKDAYS.map((name) => (
          <span key={name}>{name}</span>
        ))}
      </div>
      <div class="days">
        {Array.from({ length: blanks }, (_, index) => (
          <span key={`blank-${index}`} class="blank" />
        ))}
        {dates.map((date) => {
          const count = days?.get(date)?.length ?? 0;
          return (
            <button
              key={date}
              type="button"
              class="day"
              disabled={count === 0}
              aria-pressed={date === selected}
              aria-label={days ? `${formatDay(date)}, ${timesLabel(count)}` : formatDay(date)}
              onClick={() => onDay(date)}
            >
              {Number(date.slice(8))}
            </button>
          );
        })}
      </div>
    </div>
  );
}
