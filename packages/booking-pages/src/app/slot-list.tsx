import { useLayoutEffect } from 'preact/hooks';
import type { Slot } from './api';
import { formatDay } from './zoned-time';

interface SlotListProps {
  dateKey: string;
  slots: Slot[];
  heading: 'h2' | 'h3';
  /** The start of the slot already chosen, if any (shown pressed). */
  chosen: string | null;
  onPick: (slot: Slot) => void;
}

let marked = false;
const waiting: (() => void)[] = [];

/** Runs `work` once the first times are on screen, so it cannot delay them. */
export function whenSlotsVisible(work: () => void): void {
  if (marked) work();
  else waiting.push(work);
}

/** The times of one day as buttons, each named by its local start `HH:MM`. */
export function SlotList({ dateKey, slots, heading, chosen, onPick }: SlotListProps) {
  const Heading = heading;
  useLayoutEffect(() => {
    // The bench measures navigation to this mark: the moment the first times are on screen.
    if (!marked && slots.length > 0) {
      marked = true;
      performance.mark('slotkeeper:slots-visible');
      for (const work of waiting.splice(0)) setTimeout(work, 0);
    }
  }, [slots]);
  return (
    <div class="slot-day">
      <Heading class="day-title">{formatDay(dateKey)}</Heading>
      {slots.length === 0 ? (
        <p class="muted">No times on this day. Please choose another day.</p>
      ) : (
        <ul class="slots">
          {slots.map((slot) => (
            <li key={slot.start_time}>
              <button
                type="button"
                class="slot"
                data-start={slot.start_time}
                aria-pressed={chosen === null ? undefined : chosen === slot.start_time}
                onClick={() => onPick(slot)}
              >
                {/* With `tz`, the start is written in the zone: characters 11–16 are its HH:MM. */}
                {slot.start_time.slice(11, 16)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
