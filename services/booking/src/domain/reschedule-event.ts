import { checkBookable } from '@slotkeeper/availability';
import {
  IdempotencyKeyReusedError,
  NotBookableError,
  NotFoundError,
  ServiceUnavailableError,
  SlotTakenError,
} from '@slotkeeper/errors';
import { EventNotConfirmedError, OwnerBusyError } from './booking-errors.js';
import {
  findCalendar,
  getEvent,
  type BookingDeps,
  type EventAccess,
  type RequestContext,
} from './booking-use-cases.js';
import { calendarStateOf, guardAround } from './calendar-state.js';
import type { BookedEvent, RescheduleRequest } from './ledger.js';

export interface NewTimes {
  start: Date;
  end: Date;
}

const MAX_ATTEMPTS = 5;

/**
 * Moves an event to new times, checked exactly as a new booking with the event's own interval
 * left out, in one atomic ledger step: the event holds either its old time or its new one,
 * never both and never neither. With an Idempotency-Key (scoped to the calendar), a retry gets
 * the original answer, and the key with other times is refused.
 */
export async function rescheduleEvent(
  eventId: string,
  times: NewTimes,
  idempotencyKey: string | undefined,
  access: EventAccess,
  deps: BookingDeps,
  context: RequestContext = {},
): Promise<BookedEvent> {
  const event = await getEvent(eventId, access, deps);
  // A deleted (closed) calendar's events are not moved: 404 before anything else is said.
  await findCalendar(event.calendarId, deps);
  const claim = idempotencyKey
    ? {
        key: idempotencyKey,
        requestHash: deps.digest(JSON.stringify({ eventId, start: times.start, end: times.end })),
      }
    : null;
  const replay = () => replayed(event, claim, deps);
  const original = await replay();
  if (original) return original;
  if (event.status !== 'confirmed') throw new EventNotConfirmedError(eventId);

  const moved = await deps.serializer.run(event.calendarId, async () => {
    const again = await replay();
    if (again) return again;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ledger = await findCalendar(event.calendarId, deps);
      const candidate = { start: times.start.getTime(), end: times.end.getTime() };
      const guard = guardAround(ledger, candidate);
      const [events, busy] = await Promise.all([
        deps.ledgers.eventsBetween(ledger.calendarId, guard),
        deps.busyTimes.busyBetween(ledger.calendarId, guard),
      ]);
      // Its own old time does not count against it.
      const others = events.filter((e) => e.id !== eventId);
      const now = deps.clock.now();
      const verdict = checkBookable(calendarStateOf(ledger, others, busy), candidate, now.getTime());
      if (verdict?.kind === 'conflict') return (await replay()) ?? refuse(new SlotTakenError());
      // Checked here only, as in `bookEvent`: busy times are a snapshot of the last sync.
      if (verdict?.kind === 'busy') throw new OwnerBusyError();
      if (verdict) throw new NotBookableError(verdict.kind, verdict.message);
      const request: RescheduleRequest = {
        eventId,
        calendarId: ledger.calendarId,
        start: times.start,
        end: times.end,
        guard,
        version: ledger.version,
        occurredAt: now,
        claim,
        requestId: context.requestId,
      };
      const result = await deps.ledgers.reschedule(request);
      switch (result.outcome) {
        case 'rescheduled':
          return result.event;
        case 'stale':
          continue;
        case 'not-found':
          throw new NotFoundError('event', eventId);
        case 'not-confirmed':
          return (await replay()) ?? refuse(new EventNotConfirmedError(eventId));
        case 'conflict':
        case 'duplicate-key':
          return (await replay()) ?? refuse(new SlotTakenError());
      }
    }
    throw new ServiceUnavailableError('the calendar kept changing while this reschedule was checked; try again');
  });
  void deps.outbox.flush(event.calendarId);
  return moved;
}

const refuse = (error: Error): never => {
  throw error;
};

/**
 * The answer a keyed reschedule gave, for a retry of it: the event at the times and version it
 * answered, confirmed (as it was then); null when the key is unused; 422 when it was used with
 * other times or for another event.
 */
async function replayed(
  event: BookedEvent,
  claim: { key: string; requestHash: string } | null,
  { ledgers }: Pick<BookingDeps, 'ledgers'>,
): Promise<BookedEvent | null> {
  if (!claim) return null;
  const original = await ledgers.findRescheduleClaim(event.calendarId, claim.key);
  if (!original) return null;
  if (original.requestHash !== claim.requestHash || original.eventId !== event.id)
    throw new IdempotencyKeyReusedError();
  const current = (await ledgers.findEvent(event.id)) ?? event;
  return { ...current, start: original.start, end: original.end, version: original.version, status: 'confirmed' };
}
