import type { EventBody } from './api';
import type { CalendarPublic } from './page-data';
import { formatMeeting, minutesBetween } from './zoned-time';

interface BookingSummaryProps {
  event: EventBody;
  calendar: CalendarPublic | null;
  zone: string;
}

/** One booking's facts: status, time in the chosen zone, who booked it, guests and notes. */
export function BookingSummary({ event, calendar, zone }: BookingSummaryProps) {
  const canceled = event.status === 'canceled';
  return (
    <>
      <h1>{event.title}</h1>
      {calendar && (
        <p class="owner">
          with {calendar.owner_name} · {minutesBetween(event.start_time, event.end_time)} min
        </p>
      )}
      <dl class="details">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`badge ${canceled ? 'canceled' : 'confirmed'}`}>{canceled ? 'Canceled' : 'Confirmed'}</span>
          </dd>
        </div>
        <div>
          <dt>When</dt>
          <dd class={canceled ? 'struck' : undefined}>{formatMeeting(event.start_time, event.end_time, zone)}</dd>
        </div>
        <div>
          <dt>Booked by</dt>
          <dd>{event.booker_name ? `${event.booker_name} (${event.booked_by})` : event.booked_by}</dd>
        </div>
        {event.guests.length > 0 && (
          <div>
            <dt>Guests</dt>
            <dd>{event.guests.join(', ')}</dd>
          </div>
        )}
        {event.notes && (
          <div>
            <dt>Notes</dt>
            <dd class="notes">{event.notes}</dd>
          </div>
        )}
      </dl>
    </>
  );
}
