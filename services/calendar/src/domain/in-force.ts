import type { Calendar } from './calendar.js';
import type { CalendarDeps } from './calendar-use-cases.js';

/**
 * Publishes what a change wrote and answers only once the booking service has applied it, so
 * the very next booking or availability request sees the change (read your writes).
 */
export async function inForce(calendar: Calendar, deps: Pick<CalendarDeps, 'outbox' | 'bookings'>): Promise<void> {
  // Not awaited: a broker that holds its confirms must not hold the answer past the bounded wait.
  void deps.outbox.flush(calendar.id);
  await deps.bookings.awaitApplied(calendar.id, calendar.version);
}
