import type { OutboundDeps } from '../deps.js';

/**
 * `CalendarDeleted`, the outbound half's part: nothing of the calendar is kept, neither its events
 * (the bookers' emails, names and notes), nor its feed token, nor its write-back jobs. Not a
 * handler of its own: the service subscribes once, and its one `CalendarDeleted` handler (which
 * also removes the calendar's busy sources) calls this. A repeated message finds nothing left.
 */
export async function forgetCalendar(calendarId: string, deps: Pick<OutboundDeps, 'store'>): Promise<void> {
  await deps.store.forgetCalendar(calendarId);
}
