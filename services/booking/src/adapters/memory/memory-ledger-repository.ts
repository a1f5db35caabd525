import { defaultRules } from '@slotkeeper/contracts';
import { MemoryOutbox } from '@slotkeeper/messaging';
import { deepFreeze } from '@slotkeeper/mongo';
import type { Interval } from '@slotkeeper/time';
import { createRequire } from 'node:module';
import type sortedBtree from 'sorted-btree';

// A CommonJS module whose class is `exports.default`: required, so Node and vitest agree on it.
const { default: BTree } = createRequire(import.meta.url)('sorted-btree') as typeof sortedBtree;
type BTree<K, V> = InstanceType<typeof BTree<K, V>>;
import type {
  BookedEvent,
  CalendarLedger,
  CloseResult,
  EventChange,
  EventPage,
  EventPageRequest,
  LedgerRepository,
  NewEvent,
  RescheduleClaim,
  RescheduleRequest,
  RescheduleResult,
  ReserveResult,
} from '../../domain/ledger.js';
import { toEventMessage } from '../event-messages.js';

const keyOf = (calendarId: string, key: string) => `${calendarId} ${key}`;

/** Events of every status in the order of the events list: by start, then id. */
type Position = [start: number, id: string];
const byPosition = (a: Position, b: Position) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
const positionOf = (event: BookedEvent): Position => [event.start.getTime(), event.id];

/**
 * In-memory ledgers. Each method runs to completion without awaiting, so `reserve`'s checks and
 * write are atomic by construction, and so are `reschedule`'s and `close`'s.
 */
export class MemoryLedgerRepository implements LedgerRepository {
  private readonly calendars = new Map<string, CalendarLedger>();
  /**
   * Confirmed events per calendar in a B+ tree by start (disjoint, so also by end): a booking
   * or cancel costs O(log n) on a calendar with 100,000 events, where a sorted array's splice
   * moved half of them.
   */
  private readonly confirmedByCalendar = new Map<string, BTree<number, BookedEvent>>();
  /** Every event per calendar, by (start, id): what the events list pages through. */
  private readonly allByCalendar = new Map<string, BTree<Position, BookedEvent>>();
  private readonly eventsById = new Map<string, BookedEvent>();
  /** By calendar and key: keys are scoped to their calendar. */
  private readonly eventsByKey = new Map<string, BookedEvent>();
  private readonly rescheduleClaims = new Map<string, RescheduleClaim>();
  readonly outbox = new MemoryOutbox();

  // Ledgers and events are stored deeply frozen and replaced, never changed, so reads can share
  // them: cloning them on every booking was a visible cost.
  async applyCalendar(calendar: CalendarLedger): Promise<boolean> {
    const stored = this.calendars.get(calendar.calendarId);
    if (stored && stored.version >= calendar.version) return false;
    // A closed calendar stays closed, whatever state arrives late.
    const state = stored?.closed ? { ...calendar, closed: true } : calendar;
    this.calendars.set(calendar.calendarId, deepFreeze(structuredClone(state)));
    return true;
  }

  async findCalendar(calendarId: string): Promise<CalendarLedger | null> {
    return this.calendars.get(calendarId) ?? null;
  }

  async eventsBetween(calendarId: string, range: Interval): Promise<BookedEvent[]> {
    const events = this.confirmedByCalendar.get(calendarId);
    if (!events) return [];
    // The last event starting before the range may reach into it; the others start inside it.
    const before = events.nextLowerPair(range.start)?.[1];
    const found = before && before.end.getTime() > range.start ? [before] : [];
    for (const [start, event] of events.entries(range.start)) {
      if (start >= range.end) break;
      found.push(event);
    }
    return found;
  }

  async listEvents(calendarId: string, request: EventPageRequest): Promise<EventPage> {
    const events = this.allByCalendar.get(calendarId);
    const found: BookedEvent[] = [];
    if (!events) return { events: found, more: false };
    const after = request.after ? ([request.after.start.getTime(), request.after.id] as Position) : undefined;
    for (const [position, event] of events.entries(after)) {
      if (after && byPosition(position, after) === 0) continue;
      if (position[0] >= request.range.end) break;
      if (event.end.getTime() <= request.range.start) continue;
      if (request.status !== 'all' && event.status !== request.status) continue;
      if (found.length === request.limit) return { events: found, more: true };
      found.push(event);
    }
    return { events: found, more: false };
  }

  /** The calendar's version, if it is at `version` and open. */
  private inForce(calendarId: string, version: number): boolean {
    const calendar = this.calendars.get(calendarId);
    return calendar?.version === version && !calendar.closed;
  }

  /** The confirmed events of the calendar, created on first use. */
  private confirmed(calendarId: string): BTree<number, BookedEvent> {
    let events = this.confirmedByCalendar.get(calendarId);
    if (!events) this.confirmedByCalendar.set(calendarId, (events = new BTree()));
    return events;
  }

  /** Stores a new or changed event in every index; `previous` is what it replaces. */
  private store(event: BookedEvent, previous?: BookedEvent): void {
    let all = this.allByCalendar.get(event.calendarId);
    if (!all) this.allByCalendar.set(event.calendarId, (all = new BTree(undefined, byPosition)));
    const confirmed = this.confirmed(event.calendarId);
    if (previous) {
      all.delete(positionOf(previous));
      if (previous.status === 'confirmed') confirmed.delete(previous.start.getTime());
    }
    all.set(positionOf(event), event);
    if (event.status === 'confirmed') confirmed.set(event.start.getTime(), event);
    this.eventsById.set(event.id, event);
    if (event.idempotencyKey) this.eventsByKey.set(keyOf(event.calendarId, event.idempotencyKey), event);
  }

  /** Whether a confirmed event of the calendar, other than `except`, overlaps `guard`. */
  private overlaps(calendarId: string, guard: Interval, except?: string): boolean {
    const events = this.confirmed(calendarId);
    // Disjoint events: only the last one starting before the guard's end can reach into it
    // (or, skipping `except`, the one before that).
    let latest = events.nextLowerPair(guard.end);
    if (latest && latest[1].id === except) latest = events.nextLowerPair(latest[0]);
    return latest !== undefined && latest[1].end.getTime() > guard.start;
  }

  async reserve(
    input: NewEvent,
    guard: Interval,
    changes: readonly EventChange[],
    version: number,
    requestId?: string,
  ): Promise<ReserveResult> {
    if (!this.inForce(input.calendarId, version)) return { outcome: 'stale' };
    if (input.idempotencyKey && this.eventsByKey.has(keyOf(input.calendarId, input.idempotencyKey)))
      return { outcome: 'duplicate-key' };
    if (this.overlaps(input.calendarId, guard)) return { outcome: 'conflict' };
    const event: BookedEvent = deepFreeze({ ...input, status: 'confirmed', version: 1 });
    this.store(event);
    this.outbox.enqueue(event.calendarId, changes.map(toEventMessage), requestId);
    return { outcome: 'reserved', event };
  }

  async findEvent(eventId: string): Promise<BookedEvent | null> {
    return this.eventsById.get(eventId) ?? null;
  }

  async findByIdempotencyKey(calendarId: string, key: string): Promise<BookedEvent | null> {
    return this.eventsByKey.get(keyOf(calendarId, key)) ?? null;
  }

  async cancel(eventId: string, occurredAt: Date, requestId?: string): Promise<BookedEvent | null> {
    const event = this.eventsById.get(eventId);
    if (!event || event.status !== 'confirmed') return null;
    const canceled = deepFreeze({ ...event, status: 'canceled' as const, version: event.version + 1 });
    this.store(canceled, event);
    this.outbox.enqueue(
      event.calendarId,
      [toEventMessage({ kind: 'canceled', event: canceled, occurredAt })],
      requestId,
    );
    return canceled;
  }

  async reschedule(request: RescheduleRequest): Promise<RescheduleResult> {
    const { eventId, calendarId, claim } = request;
    if (!this.inForce(calendarId, request.version)) return { outcome: 'stale' };
    const event = this.eventsById.get(eventId);
    if (!event || event.calendarId !== calendarId) return { outcome: 'not-found' };
    if (event.status !== 'confirmed') return { outcome: 'not-confirmed' };
    if (claim && this.rescheduleClaims.has(keyOf(calendarId, claim.key))) return { outcome: 'duplicate-key' };
    if (this.overlaps(calendarId, request.guard, eventId)) return { outcome: 'conflict' };
    const moved: BookedEvent = deepFreeze({
      ...event,
      start: request.start,
      end: request.end,
      version: event.version + 1,
      bookedTimes: event.bookedTimes ?? { start: event.start, end: event.end },
    });
    this.store(moved, event);
    if (claim) {
      this.rescheduleClaims.set(keyOf(calendarId, claim.key), {
        eventId,
        requestHash: claim.requestHash,
        start: moved.start,
        end: moved.end,
        version: moved.version,
      });
    }
    const previous = { start: event.start, end: event.end };
    const change: EventChange = { kind: 'rescheduled', event: moved, previous, occurredAt: request.occurredAt };
    this.outbox.enqueue(calendarId, [toEventMessage(change)], request.requestId);
    return { outcome: 'rescheduled', event: moved };
  }

  async findRescheduleClaim(calendarId: string, key: string): Promise<RescheduleClaim | null> {
    return this.rescheduleClaims.get(keyOf(calendarId, key)) ?? null;
  }

  async close(calendarId: string, now?: Date): Promise<CloseResult> {
    // Disjoint confirmed events: the last to start is the last to end.
    const latest = this.confirmedByCalendar.get(calendarId)?.maxKey();
    const last = latest === undefined ? undefined : this.confirmedByCalendar.get(calendarId)!.get(latest);
    if (now && last && last.end.getTime() > now.getTime()) return 'busy';
    const stored = this.calendars.get(calendarId);
    if (stored?.closed) return 'closed';
    // Not known yet (its messages are late): a closed stub that older states never open.
    const closed = stored ? { ...stored, closed: true } : { ...unknownCalendar(calendarId), closed: true };
    this.calendars.set(calendarId, deepFreeze(structuredClone(closed)));
    return 'closed';
  }
}

/** A calendar known only as closed: no owner, no links, below every version its messages carry. */
export const unknownCalendar = (calendarId: string): CalendarLedger => ({
  calendarId,
  userId: '',
  rules: { ...defaultRules },
  links: [],
  version: 0,
});
