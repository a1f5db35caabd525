import { assertOwner, ForbiddenError, type Principal } from '@slotkeeper/errors';
import { EARLIEST_INSTANT, LATEST_INSTANT } from '@slotkeeper/time';
import { CalendarInUseError } from './booking-errors.js';
import { findCalendar, type BookingDeps } from './booking-use-cases.js';
import type { EventListStatus, EventPage } from './ledger.js';

export interface EventListQuery {
  from?: Date | undefined;
  to?: Date | undefined;
  status: EventListStatus;
  limit: number;
  /** The last event of the previous page. */
  after?: { start: Date; id: string } | undefined;
}

/** One page of a calendar's events, for its owner: strongly consistent (read from the ledger). */
export async function listCalendarEvents(
  actor: Principal,
  calendarId: string,
  query: EventListQuery,
  deps: Pick<BookingDeps, 'ledgers'>,
): Promise<EventPage> {
  assertOwner(actor, (await findCalendar(calendarId, deps)).userId, 'calendar');
  return deps.ledgers.listEvents(calendarId, {
    range: { start: query.from?.getTime() ?? EARLIEST_INSTANT, end: query.to?.getTime() ?? LATEST_INSTANT },
    status: query.status,
    limit: query.limit,
    after: query.after,
  });
}

/**
 * Closes a calendar for good, for the calendar service about to delete it: refused while a
 * confirmed event has not ended (by the clock), in the same serialization as reservations, so
 * no booking slips in between the check and the close. Closing again changes nothing.
 */
export async function closeCalendar(
  actor: Principal,
  calendarId: string,
  deps: Pick<BookingDeps, 'ledgers' | 'serializer' | 'clock'>,
): Promise<void> {
  if (actor.kind !== 'service') throw new ForbiddenError('only the system’s services may close a calendar');
  const result = await deps.serializer.run(calendarId, () => deps.ledgers.close(calendarId, deps.clock.now()));
  if (result === 'busy') throw new CalendarInUseError(calendarId);
}

/**
 * A deleted calendar's message: the calendar service no longer has it, so it closes here too,
 * whatever it still holds (idempotent).
 */
export async function closeDeletedCalendar(
  calendarId: string,
  deps: Pick<BookingDeps, 'ledgers' | 'serializer'>,
): Promise<void> {
  await deps.serializer.run(calendarId, () => deps.ledgers.close(calendarId));
}
