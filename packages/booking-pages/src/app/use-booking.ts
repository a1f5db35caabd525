import { useEffect, useState } from 'preact/hooks';
import type { EventBody, Failure } from './api';
import { api, bearer, settle } from './api';
import type { CalendarPublic } from './page-data';

/** The token and the wished action from the link's fragment: `#token=…&action=reschedule|cancel`. */
export function readFragment(): { token: string | null; action: string | null } {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  return { token: fragment.get('token') || null, action: fragment.get('action') };
}

export type BookingState =
  | { status: 'loading' }
  | { status: 'invalid' }
  | { status: 'error'; failure: Failure }
  | { status: 'ready'; event: EventBody; calendar: CalendarPublic | null };

/** Loads one booking with its cancel token, then its calendar's public facts (name, owner, length). */
export function useBooking(eventId: string, token: string | null) {
  const [state, setState] = useState<BookingState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!token) return;
    let live = true;
    setState({ status: 'loading' });
    void (async () => {
      const found = await settle(
        api.GET('/api/event/events/{event_id}', { params: { path: { event_id: eventId } }, headers: bearer(token) }),
      );
      if (!live) return;
      if (!found.ok) {
        const status = found.failure.kind === 'http' ? found.failure.status : 0;
        return setState(
          [400, 401, 403, 404].includes(status) ? { status: 'invalid' } : { status: 'error', failure: found.failure },
        );
      }
      const calendar = await settle(
        api.GET('/api/calendar/calendars/{calendar_id}/public', {
          params: { path: { calendar_id: found.data.calendar_id } },
        }),
      );
      if (!live) return;
      setState({ status: 'ready', event: found.data, calendar: calendar.ok ? calendar.data : null });
    })();
    return () => {
      live = false;
    };
  }, [eventId, token, attempt]);

  return {
    state,
    retry: () => setAttempt((count) => count + 1),
    /** The booking after a change this page made (rescheduled or canceled). */
    update: (event: EventBody) => setState((current) => (current.status === 'ready' ? { ...current, event } : current)),
  };
}
