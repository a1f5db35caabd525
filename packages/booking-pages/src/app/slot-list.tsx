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

/** "UTC+02:00" for the offset an ISO instant is written with. */
const utcOffset = (iso: string) => `UTC${/[+-]\d{2}:\d{2}$/.exec(iso)?.[0] ?? '+00:00'}`;

let marking = false;
let shown = false;
const waiting: (() => void)[] = [];

/** Runs `work` once the first times are on screen, so it cannot delay them. */
export function whenSlotsVisible(work: () => void): void {
  if (shown) work();
  else waiting.push(work);
}

/** The times of one day as buttons, each named by its local start `HH:MM`. */
export function SlotList({ dateKey, slots, heading, chosen, onPick }: SlotListProps) {
  const Heading = heading;
  useLayoutEffect(() => {
    // The bench measures navigation to this mark: the first frame that shows times, right after their commit.
    if (!marking && slots.length > 0) {
      marking = true;
      requestAnimationFrame(() => {
        performance.mark('slotkeeper:slots-visible');
        shown = true;
        for (const work of waiting.splice(0)) setTimeout(work, 0);
      });
    }
  }, [slots]);
  // With `tz`, a start is written in the zone: characters 11–16 are its HH:MM. A clock set back
  // shows one HH:MM twice in a day; those say their offset too.
  const times = slots.map((slot) => slot.start_time.slice(11, 16));
  const repeated = new Set(times.filter((time, index) => times.indexOf(time) !== index));
  return (
    <div class="slot-day">
      <Heading class="day-title">{formatDay(dateKey)}</Heading>
      {slots.length === 0 ? (
        <p class="muted">No times on this day. Please choose another day.</p>
      ) : (
        <ul class="slots">
          {slots.map((slot, index) => (
            <li key={slot.start_time}>
              <button
                type="button"
                class="slot"
                data-start={slot.start_time}
                aria-pressed={chosen === null ? undefined : chosen === slot.start_time}
                onClick={() => onPick(slot)}
              >
                {times[index]}
                {repeated.has(times[index] ?? '') && ` (${utcOffset(slot.start_time)})`}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
