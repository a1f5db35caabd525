import type { ComponentChildren } from 'preact';
import { meetingMinutes } from './month-slots';
import type { CalendarPublic } from './page-data';
import { ZoneSelect } from './zone-select';

interface CalendarFactsProps {
  calendar: CalendarPublic;
  zone: string;
  onZone: (zone: string) => void;
  children?: ComponentChildren;
}

/** The card's side: what is being booked, with whom, how long, and the zone times are shown in. */
export function CalendarFacts({ calendar, zone, onZone, children }: CalendarFactsProps) {
  return (
    <div class="facts">
      <h1>{calendar.name}</h1>
      <p class="owner">with {calendar.owner_name}</p>
      <p class="length">
        <span class="icon" aria-hidden="true">
          ◷
        </span>
        {meetingMinutes(calendar)} min
      </p>
      {children}
      <ZoneSelect zone={zone} onChange={onZone} />
    </div>
  );
}
