import { checkBookable } from '@slotkeeper/availability';
import { generateId } from '@slotkeeper/contracts';
import {
  ForbiddenError,
  IdempotencyKeyReusedError,
  isOwner,
  NotBookableError,
  NotFoundError,
  ServiceUnavailableError,
  SlotTakenError,
  UnauthorizedError,
  type Principal,
} from '@slotkeeper/errors';
import type { Clock } from '@slotkeeper/time';
import { OwnerBusyError } from './booking-errors.js';
import type { BusyTimesRepository } from './busy-times.js';
import type { CalendarSerializer } from './calendar-serializer.js';
import { calendarStateOf, guardAround } from './calendar-state.js';
import type { BookedEvent, CalendarLedger, EventChange, LedgerRepository, NewEvent } from './ledger.js';
import type { CancelTokens, Digest, NextTurn, OutboxPublisher } from './ports.js';

export interface BookingDeps {
  ledgers: LedgerRepository;
  /** The busy times of the calendars' outside calendars, as last synced. */
  busyTimes: BusyTimesRepository;
  outbox: OutboxPublisher;
  clock: Clock;
  serializer: CalendarSerializer;
  cancelTokens: CancelTokens;
  /** Fingerprints requests that come with an Idempotency-Key. */
  digest: Digest;
  /** Availability reads pause on it between chunks of work. */
  nextTurn: NextTurn;
}

/** An event as a booker asks for it. */
export interface BookingRequest {
  calendarId: string;
  title: string;
  start: Date;
  end: Date;
  bookedBy: string;
  bookerName?: string | undefined;
  notes?: string | undefined;
  guests: string[];
}

/** The request a use case serves: its id is stored with the messages it writes. */
export interface RequestContext {
  requestId?: string;
}

export async function findCalendar(
  calendarId: string,
  { ledgers }: Pick<BookingDeps, 'ledgers'>,
): Promise<CalendarLedger> {
  const ledger = await ledgers.findCalendar(calendarId);
  // A closed calendar was deleted: unknown from then on.
  if (!ledger || ledger.closed) throw new NotFoundError('calendar', calendarId);
  return ledger;
}

/** The request as parsed: a retry of it has the same fingerprint, another request under its key not. */
const fingerprint = (input: BookingRequest, digest: Digest): string => digest(JSON.stringify(input));

/** An Idempotency-Key and the fingerprint of the request that came with it. */
interface Keyed {
  key: string;
  hash: string;
}

async function replay(calendarId: string, keyed: Keyed | null, ledgers: LedgerRepository): Promise<BookedEvent | null> {
  if (!keyed) return null;
  const original = await ledgers.findByIdempotencyKey(calendarId, keyed.key);
  if (original && original.requestHash !== keyed.hash) throw new IdempotencyKeyReusedError();
  return original;
}

/**
 * Books an event and hands out its cancel token. Reservations of one calendar are serialized in
 * this process; the ledger's atomic `reserve` refuses overlaps across processes. With an
 * idempotency key, a retry gets the original event, and the same token, back.
 */
export async function bookEvent(
  input: BookingRequest,
  idempotencyKey: string | undefined,
  deps: BookingDeps,
  context: RequestContext = {},
) {
  const { event, token } = await reserveEvent(input, idempotencyKey, deps, context);
  if (token) return { event, cancelToken: token };
  // A replay answers what the first answer said, even if the event changed since (it was
  // confirmed then, at version 1 and its booked times), and derives the same token again.
  const { bookedTimes, ...current } = event;
  return {
    event: { ...current, ...bookedTimes, status: 'confirmed' as const, version: 1 },
    cancelToken: deps.cancelTokens.reissue(event.id, event.cancelToken),
  };
}

async function reserveEvent(
  input: BookingRequest,
  idempotencyKey: string | undefined,
  deps: BookingDeps,
  context: RequestContext,
): Promise<{ event: BookedEvent; token?: string }> {
  // Only a request with a key is ever compared with another.
  const keyed = idempotencyKey ? { key: idempotencyKey, hash: fingerprint(input, deps.digest) } : null;
  const original = await replay(input.calendarId, keyed, deps.ledgers);
  if (original) return { event: original };
  const reserved = await deps.serializer.run(input.calendarId, async () => {
    // A concurrent retry may have booked while this one waited for the calendar's turn.
    const replayed = await replay(input.calendarId, keyed, deps.ledgers);
    if (replayed) return { event: replayed };
    // The calendar's rules or links may change between the check and the write; the write
    // then refuses (stale) and the request is checked again against what is in force.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const result = await attemptReservation(input, keyed, deps, context);
      if (result) return result;
    }
    throw new ServiceUnavailableError('the calendar kept changing while this booking was checked; try again');
  });
  // The message is stored with the event, so the answer need not wait for the broker's confirm:
  // the flush runs on (outside the calendar's turn), and the sweep retries what it could not send.
  void deps.outbox.flush(reserved.event.calendarId);
  return reserved;
}

const MAX_ATTEMPTS = 5;

/** One check-and-write of a booking; null when the calendar changed in between. */
async function attemptReservation(
  input: BookingRequest,
  keyed: Keyed | null,
  deps: BookingDeps,
  context: RequestContext,
): Promise<{ event: BookedEvent; token?: string } | null> {
  const ledger = await findCalendar(input.calendarId, deps);
  const candidate = { start: input.start.getTime(), end: input.end.getTime() };
  const guard = guardAround(ledger, candidate);
  const [events, busy] = await Promise.all([
    deps.ledgers.eventsBetween(ledger.calendarId, guard),
    deps.busyTimes.busyBetween(ledger.calendarId, guard),
  ]);
  const state = calendarStateOf(ledger, events, busy);
  const now = deps.clock.now();
  const verdict = checkBookable(state, candidate, now.getTime());
  if (verdict?.kind === 'conflict') return originalOrTaken(input.calendarId, keyed, deps.ledgers);
  // Busy times are checked here and not again in `reserve`: they are a snapshot of an outside
  // calendar's last sync (minutes old, by design), not something this service serializes, so a
  // sync landing between this check and the write is no different from one landing just after
  // it. The guarantee against double booking is about our own events and stays whole: `reserve`
  // still refuses any overlap with them atomically.
  if (verdict?.kind === 'busy') throw new OwnerBusyError();
  if (verdict) throw new NotBookableError(verdict.kind, verdict.message);

  const id = generateId();
  const token = deps.cancelTokens.issue(id);
  const candidateEvent: NewEvent = {
    id,
    calendarId: ledger.calendarId,
    title: input.title,
    start: input.start,
    end: input.end,
    bookedBy: input.bookedBy,
    bookerName: input.bookerName ?? null,
    notes: input.notes ?? null,
    guests: input.guests,
    createdAt: now,
    idempotencyKey: keyed?.key ?? null,
    requestHash: keyed?.hash ?? null,
    cancelToken: token.stored,
  };
  const booked: EventChange = {
    kind: 'booked',
    event: { ...candidateEvent, status: 'confirmed', version: 1 },
    occurredAt: now,
  };
  const result = await deps.ledgers.reserve(candidateEvent, guard, [booked], ledger.version, context.requestId);
  switch (result.outcome) {
    case 'reserved':
      return { event: result.event, token: token.token };
    case 'stale':
      return null;
    case 'conflict':
    case 'duplicate-key':
      return originalOrTaken(input.calendarId, keyed, deps.ledgers);
  }
}

/**
 * A slot found taken, or a key found claimed: by this very request's earlier try, when a
 * concurrent retry with the same key committed first (in another process, say). Then the
 * original answers; otherwise 409.
 */
async function originalOrTaken(calendarId: string, keyed: Keyed | null, ledgers: LedgerRepository) {
  const original = await replay(calendarId, keyed, ledgers);
  if (original) return { event: original };
  throw new SlotTakenError();
}

/** Who may read or cancel an event: the calendar's owner (or a service), or its cancel token. */
export interface EventAccess {
  actor: Principal;
  /** The bearer token the request carried when it was not an api key. */
  token?: string | undefined;
}

export async function getEvent(
  eventId: string,
  { actor, token }: EventAccess,
  { ledgers, cancelTokens }: Pick<BookingDeps, 'ledgers' | 'cancelTokens'>,
): Promise<BookedEvent> {
  if (actor.kind === 'anonymous' && token === undefined)
    throw new UnauthorizedError('an api key or cancel token is needed');
  const event = await ledgers.findEvent(eventId);
  if (!event) throw new NotFoundError('event', eventId);
  if (actor.kind !== 'anonymous') {
    const ledger = await findCalendar(event.calendarId, { ledgers });
    if (isOwner(actor, ledger.userId)) return event;
    throw new ForbiddenError("this event is on another user's calendar");
  }
  const tokenFor = cancelTokens.idOf(token!);
  if (tokenFor === null) throw new UnauthorizedError('not a cancel token');
  if (tokenFor !== eventId) throw new ForbiddenError('this cancel token is for another event');
  if (!cancelTokens.matches(token!, event.cancelToken)) throw new UnauthorizedError('unknown cancel token');
  return event;
}

/** Cancels a confirmed event and frees its time; canceling again changes nothing. */
export async function cancelEvent(
  eventId: string,
  access: EventAccess,
  deps: BookingDeps,
  context: RequestContext = {},
): Promise<void> {
  const event = await getEvent(eventId, access, deps);
  // The ledger announces the event as it stores it: a reschedule may have moved it meanwhile.
  const canceled = await deps.serializer.run(event.calendarId, () =>
    deps.ledgers.cancel(eventId, deps.clock.now(), context.requestId),
  );
  if (canceled) void deps.outbox.flush(event.calendarId);
}

/**
 * Which version of a calendar booking has applied (0: none yet). Services only: the calendar
 * service asks it before answering a change, so the change is in force when it answers.
 */
export async function appliedVersion(
  actor: Principal,
  calendarId: string,
  { ledgers }: Pick<BookingDeps, 'ledgers'>,
): Promise<number> {
  if (actor.kind !== 'service') throw new ForbiddenError('only the system’s services may ask this');
  return (await ledgers.findCalendar(calendarId))?.version ?? 0;
}
