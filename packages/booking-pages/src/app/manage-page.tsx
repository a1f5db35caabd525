import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { EventBody } from './api';
import { describeFailure } from './api';
import { BookingSummary } from './booking-summary';
import { CancelControl } from './cancel-control';
import { Notice } from './notice';
import { ReschedulePanel } from './reschedule-panel';
import { readFragment, useBooking } from './use-booking';
import { detectedZone, ZoneSelect } from './zone-select';

/** A page with one heading and a sentence or two: no booking to show. */
function Message({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <main class="page">
      <div class="card narrow">
        <div class="panel">
          <h1>{title}</h1>
          {children}
        </div>
      </div>
    </main>
  );
}

/** `/booking/{event_id}#token=…`: the booking, moved to another listed time or canceled. */
export function ManagePage({ eventId }: { eventId: string }) {
  const [{ token, action }] = useState(readFragment);
  const { state, retry, update } = useBooking(eventId, token);
  const [zone, setZone] = useState(detectedZone);
  const [canceled, setCanceled] = useState(false);
  // A change was refused because the booking was canceled meanwhile: it is loaded again to show so.
  const [gone, setGone] = useState(false);
  const onGone = () => {
    setGone(true);
    retry();
  };

  if (!token) {
    return (
      <Message title="Your booking">
        <p>
          To see or change your booking, open this page with the link from your booking confirmation (its Reschedule or
          Cancel link).
        </p>
      </Message>
    );
  }
  if (state.status === 'invalid') {
    return (
      <Message title="This booking link is not valid">
        <p>
          Check that you opened the whole Reschedule or Cancel link shown when you booked. A link stops working when it
          is changed.
        </p>
      </Message>
    );
  }
  if (state.status !== 'ready') {
    return (
      <Message title="Your booking">
        {state.status === 'loading' ? (
          <p class="muted" aria-busy="true">
            Loading your booking…
          </p>
        ) : (
          <Notice kind="alert">
            <p>Your booking could not be loaded. {describeFailure(state.failure)}</p>
            <button type="button" class="secondary" onClick={retry}>
              Try again
            </button>
          </Notice>
        )}
      </Message>
    );
  }

  const { event, calendar, calendarGone } = state;
  const ended = Date.parse(event.end_time) <= Date.now();
  const open = event.status === 'confirmed' && !ended;
  const onCanceled = (next: EventBody) => {
    update(next);
    setCanceled(true);
  };
  const cancelControl = (
    <CancelControl
      event={event}
      token={token}
      focusButton={action === 'cancel'}
      onCanceled={onCanceled}
      onGone={onGone}
    />
  );

  if (!open || !calendar) {
    return (
      <main class="page">
        <div class="card narrow">
          <div class="panel">
            {canceled && (
              <Notice kind="status" focus>
                <p>This booking is canceled.</p>
              </Notice>
            )}
            {gone && event.status === 'canceled' && (
              <Notice kind="alert" focus>
                <p>This booking was canceled, so it can no longer be changed.</p>
              </Notice>
            )}
            <BookingSummary event={event} calendar={calendar} zone={zone} />
            <ZoneSelect zone={zone} onChange={setZone} />
            <p class="closing muted">
              {event.status === 'canceled'
                ? 'This booking is canceled; it can no longer be changed.'
                : ended
                  ? 'This meeting has already taken place.'
                  : calendarGone
                    ? 'This calendar no longer takes bookings, so this booking cannot be moved; you can still cancel it.'
                    : 'Rescheduling is not available right now; please try again later.'}
            </p>
            {open && cancelControl}
          </div>
        </div>
      </main>
    );
  }

  return (
    <main class="page">
      <div class="card">
        <div class="facts">
          <BookingSummary event={event} calendar={calendar} zone={zone} />
          <ZoneSelect zone={zone} onChange={setZone} />
          {cancelControl}
        </div>
        <div class="panel">
          <ReschedulePanel
            event={event}
            calendar={calendar}
            token={token}
            zone={zone}
            focusHeading={action === 'reschedule'}
            onRescheduled={update}
            onGone={onGone}
          />
        </div>
      </div>
    </main>
  );
}
