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
  EventChange,
  LedgerRepository,
  NewEvent,
  ReserveResult,
} from '../../domain/ledger.js';
import { toEventMessage } from '../event-messages.js';

const keyOf = (calendarId: string, key: string) => `${calendarId} ${key}`;

/**
 * In-memory ledgers. Each method runs to completion without awaiting, so `reserve`'s checks and
 * write are atomic by construction.
 */
export class MemoryLedgerRepository implements LedgerRepository {
  private readonly calendars = new Map<string, CalendarLedger>();
  /**
   * Confirmed events per calendar in a B+ tree by start (disjoint, so also by end): a booking
   * or cancel costs O(log n) on a calendar with 100,000 events, where a sorted array's splice
   * moved half of them.
   */
  private readonly confirmedByCalendar = new Map<string, BTree<number, BookedEvent>>();
  private readonly eventsById = new Map<string, BookedEvent>();
  /** By calendar and key: keys are scoped to their calendar. */
  private readonly eventsByKey = new Map<string, BookedEvent>();
  readonly outbox = new MemoryOutbox();

  // Ledgers and events are stored deeply frozen and replaced, never changed, so reads can share
  // them: cloning them on every booking was a visible cost.
  async applyCalendar(calendar: CalendarLedger): Promise<boolean> {
    const stored = this.calendars.get(calendar.calendarId);
    if (stored && stored.version >= calendar.version) return false;
    this.calendars.set(calendar.calendarId, deepFreeze(structuredClone(calendar)));
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

  async reserve(
    input: NewEvent,
    guard: Interval,
    changes: readonly EventChange[],
    version: number,
    requestId?: string,
  ): Promise<ReserveResult> {
    if (this.calendars.get(input.calendarId)?.version !== version) return { outcome: 'stale' };
    if (input.idempotencyKey && this.eventsByKey.has(keyOf(input.calendarId, input.idempotencyKey)))
      return { outcome: 'duplicate-key' };
    let events = this.confirmedByCalendar.get(input.calendarId);
    if (!events) this.confirmedByCalendar.set(input.calendarId, (events = new BTree()));
    // Disjoint events: only the last one starting before the guard's end can reach into it.
    const latest = events.nextLowerPair(guard.end)?.[1];
    if (latest && latest.end.getTime() > guard.start) return { outcome: 'conflict' };
    const event: BookedEvent = deepFreeze({ ...input, status: 'confirmed' });
    events.set(event.start.getTime(), event);
    this.eventsById.set(event.id, event);
    if (event.idempotencyKey) this.eventsByKey.set(keyOf(event.calendarId, event.idempotencyKey), event);
    this.outbox.enqueue(event.calendarId, changes.map(toEventMessage), requestId);
    return { outcome: 'reserved', event };
  }

  async findEvent(eventId: string): Promise<BookedEvent | null> {
    return this.eventsById.get(eventId) ?? null;
  }

  async findByIdempotencyKey(calendarId: string, key: string): Promise<BookedEvent | null> {
    return this.eventsByKey.get(keyOf(calendarId, key)) ?? null;
  }

  async cancel(eventId: string, changes: readonly EventChange[], requestId?: string): Promise<BookedEvent | null> {
    const event = this.eventsById.get(eventId);
    if (!event || event.status !== 'confirmed') return null;
    const canceled = deepFreeze({ ...event, status: 'canceled' as const });
    this.eventsById.set(eventId, canceled);
    if (event.idempotencyKey) this.eventsByKey.set(keyOf(event.calendarId, event.idempotencyKey), canceled);
    this.confirmedByCalendar.get(event.calendarId)!.delete(event.start.getTime());
    this.outbox.enqueue(event.calendarId, changes.map(toEventMessage), requestId);
    return canceled;
  }
}
