import type { ComponentChildren } from 'preact';
import type { CalendarPublic } from './page-data';
import { ZoneSelect } from './zone-select';

interface CalendarFactsProps {
  calendar: CalendarPublic;
  zone: string;
  onZone: (zone: string) => void;
  children?: ComponentChildren;
}

/** The meeting length in minutes: the calendar's own, or the 30 the pages ask for when it has none. */
export const meetingMinutes = (calendar: CalendarPublic) => calendar.meeting_duration_minutes ?? 30;

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
