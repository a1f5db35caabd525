import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { BookedEvent } from './api';
import { icsFile } from './ics';
import type { CalendarPublic } from './page-data';
import { formatMeeting } from './zoned-time';

interface ConfirmationProps {
  event: BookedEvent;
  calendar: CalendarPublic;
  zone: string;
}

/** The page of one booking, with its token in the fragment (never sent to a server). */
export const manageLink = (event: { id: string; cancel_token: string }, action: 'reschedule' | 'cancel') =>
  `/booking/${event.id}#token=${encodeURIComponent(event.cancel_token)}&action=${action}`;

/** What was booked, in the invitee's zone; the heading takes focus so a screen reader starts here. */
export function Confirmation({ event, calendar, zone }: ConfirmationProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const icsUrl = useMemo(() => {
    const text = icsFile({
      uid: event.id,
      start: event.start_time,
      end: event.end_time,
      summary: event.title,
      description: `${calendar.name} with ${calendar.owner_name}`,
    });
    return URL.createObjectURL(new Blob([text], { type: 'text/calendar;charset=utf-8' }));
  }, [event, calendar]);
  useEffect(() => () => URL.revokeObjectURL(icsUrl), [icsUrl]);

  return (
    <section class="confirmation" aria-labelledby="confirmed-heading">
      <div class="confirmed-head">
        <span class="check" aria-hidden="true">
          ✓
        </span>
        <h2 id="confirmed-heading" ref={heading} tabIndex={-1}>
          Booking confirmed
        </h2>
      </div>
      <p class="when">{formatMeeting(event.start_time, event.end_time, zone)}</p>
      <p>
        {calendar.name} with {calendar.owner_name}, booked by <strong>{event.booked_by}</strong>
        {event.guests.length > 0 && ` with ${event.guests.length} guest${event.guests.length === 1 ? '' : 's'}`}.
      </p>
      <p>
        <a class="button primary" href={icsUrl} download="slotkeeper-booking.ics">
          Download .ics
        </a>
      </p>
      <p class="muted">
        Save these links now (bookmark one): they hold your booking’s key and are the only way to reschedule or cancel
        it later.
      </p>
      <ul class="links">
        <li>
          <a href={manageLink(event, 'reschedule')}>Reschedule</a>
        </li>
        <li>
          <a href={manageLink(event, 'cancel')}>Cancel</a>
        </li>
      </ul>
    </section>
  );
}
