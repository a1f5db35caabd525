import { useEffect, useState } from 'preact/hooks';
import type { EventBody, Failure } from './api';
import { api, bearer, settle, statusOf } from './api';
import type { CalendarPublic } from './page-data';

/** A cancel token's shape, `ct_<event id>_<secret>`: anything else cannot open a booking (nor go in a header). */
const TOKEN = /^ct_[0-9a-f]{24}_[A-Za-z0-9_-]+$/;

/** The token and the wished action from the link's fragment: `#token=…&action=reschedule|cancel`. */
export function readFragment(): { token: string | null; action: string | null } {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  return { token: fragment.get('token') || null, action: fragment.get('action') };
}

export type BookingState =
  | { status: 'loading' }
  | { status: 'invalid' }
  | { status: 'error'; failure: Failure }
  /** `calendar` is null when it could not be read; `calendarGone` when it no longer exists (404). */
  | { status: 'ready'; event: EventBody; calendar: CalendarPublic | null; calendarGone: boolean };

/** One booking, read with its cancel token. */
export const fetchEvent = (eventId: string, token: string) =>
  settle(api.GET('/api/event/events/{event_id}', { params: { path: { event_id: eventId } }, headers: bearer(token) }));

/** Loads one booking with its cancel token, then its calendar's public facts (name, owner, length). */
export function useBooking(eventId: string, token: string | null) {
  const [state, setState] = useState<BookingState>(() =>
    token && !TOKEN.test(token) ? { status: 'invalid' } : { status: 'loading' },
  );
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!token || !TOKEN.test(token)) return;
    let live = true;
    setState({ status: 'loading' });
    void (async () => {
      const found = await fetchEvent(eventId, token);
      if (!live) return;
      if (!found.ok) {
        const invalid = [400, 401, 403, 404].includes(statusOf(found.failure));
        return setState(invalid ? { status: 'invalid' } : { status: 'error', failure: found.failure });
      }
      const calendar = await settle(
        api.GET('/api/calendar/calendars/{calendar_id}/public', {
          params: { path: { calendar_id: found.data.calendar_id } },
        }),
      );
      if (!live) return;
      setState({
        status: 'ready',
        event: found.data,
        calendar: calendar.ok ? calendar.data : null,
        calendarGone: !calendar.ok && statusOf(calendar.failure) === 404,
      });
    })();
    return () => {
      live = false;
    };
  }, [eventId, token, attempt]);

  return {
    state,
    /** Loads the booking again (after a failure, or when a change was refused because it was canceled meanwhile). */
    retry: () => setAttempt((count) => count + 1),
    /** The booking after a change this page made (rescheduled or canceled). */
    update: (event: EventBody) => setState((current) => (current.status === 'ready' ? { ...current, event } : current)),
  };
}
