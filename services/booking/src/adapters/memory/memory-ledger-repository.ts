import type { Envelope } from '@slotkeeper/contracts';
import { deepFreeze, MemoryOutbox } from '@slotkeeper/messaging';
import type { Interval } from '@slotkeeper/time';
import type {
  BookedEvent,
  CalendarLedger,
  CalendarSettings,
  LedgerRepository,
  Link,
  NewEvent,
  ReserveResult,
} from '../../domain/ledger.js';

const keyOf = (calendarId: string, key: string) => `${calendarId} ${key}`;

/**
 * In-memory ledgers. Each method runs to completion without awaiting, so `reserve`'s checks and
 * write are atomic by construction.
 */
export class MemoryLedgerRepository implements LedgerRepository {
  private readonly calendars = new Map<string, CalendarLedger>();
  /** Confirmed events per calendar, by start; disjoint, so also by end. */
  private readonly confirmedByCalendar = new Map<string, BookedEvent[]>();
  private readonly eventsById = new Map<string, BookedEvent>();
  /** By calendar and key: keys are scoped to their calendar. */
  private readonly eventsByKey = new Map<string, BookedEvent>();
  readonly outbox = new MemoryOutbox();

  // Ledgers and events are stored deeply frozen and replaced, never changed, so reads can share
  // them: cloning them on every booking was a visible cost.
  private store(settings: CalendarSettings, links: (existing: Link[]) => Link[]): void {
    const existing = this.calendars.get(settings.calendarId);
    this.calendars.set(
      settings.calendarId,
      deepFreeze({
        ...structuredClone(settings),
        links: links(existing?.links ?? []),
        version: (existing?.version ?? 0) + 1,
      }),
    );
  }

  async saveCalendar(calendar: CalendarSettings): Promise<void> {
    this.store(calendar, (links) => links);
  }

  async link(calendar: CalendarSettings, link: Link): Promise<void> {
    this.store(calendar, (links) => [
      ...links.filter((l) => l.schedule.id !== link.schedule.id),
      structuredClone(link),
    ]);
  }

  async unlink(calendarId: string, scheduleId: string): Promise<void> {
    const calendar = this.calendars.get(calendarId);
    if (calendar) this.store(calendar, (links) => links.filter((l) => l.schedule.id !== scheduleId));
  }

  async findCalendar(calendarId: string): Promise<CalendarLedger | null> {
    return this.calendars.get(calendarId) ?? null;
  }

  async eventsBetween(calendarId: string, range: Interval): Promise<BookedEvent[]> {
    const events = this.confirmedByCalendar.get(calendarId) ?? [];
    const found: BookedEvent[] = [];
    for (
      let i = firstEndingAfter(events, range.start);
      i < events.length && events[i]!.start.getTime() < range.end;
      i++
    )
      found.push(events[i]!);
    return found;
  }

  async reserve(input: NewEvent, guard: Interval, outbox: Envelope[], version: number): Promise<ReserveResult> {
    if (this.calendars.get(input.calendarId)?.version !== version) return { outcome: 'stale' };
    if (input.idempotencyKey && this.eventsByKey.has(keyOf(input.calendarId, input.idempotencyKey)))
      return { outcome: 'duplicate-key' };
    const events = this.confirmedByCalendar.get(input.calendarId) ?? [];
    const next = events[firstEndingAfter(events, guard.start)];
    if (next && next.start.getTime() < guard.end) return { outcome: 'conflict' };
    const event: BookedEvent = deepFreeze({ ...input, status: 'confirmed' });
    events.splice(firstEndingAfter(events, event.start.getTime()), 0, event);
    this.confirmedByCalendar.set(event.calendarId, events);
    this.eventsById.set(event.id, event);
    if (event.idempotencyKey) this.eventsByKey.set(keyOf(event.calendarId, event.idempotencyKey), event);
    this.outbox.enqueue(event.calendarId, outbox);
    return { outcome: 'reserved', event };
  }

  async findEvent(eventId: string): Promise<BookedEvent | null> {
    return this.eventsById.get(eventId) ?? null;
  }

  async findByIdempotencyKey(calendarId: string, key: string): Promise<BookedEvent | null> {
    return this.eventsByKey.get(keyOf(calendarId, key)) ?? null;
  }

  async cancel(eventId: string, outbox: Envelope[]): Promise<BookedEvent | null> {
    const event = this.eventsById.get(eventId);
    if (!event || event.status !== 'confirmed') return null;
    const canceled = deepFreeze({ ...event, status: 'canceled' as const });
    this.eventsById.set(eventId, canceled);
    if (event.idempotencyKey) this.eventsByKey.set(keyOf(event.calendarId, event.idempotencyKey), canceled);
    const events = this.confirmedByCalendar.get(event.calendarId)!;
    events.splice(firstEndingAfter(events, event.start.getTime()), 1);
    this.outbox.enqueue(event.calendarId, outbox);
    return canceled;
  }
}

/** Index of the first of the disjoint, sorted `events` that ends after `instant` (binary search). */
function firstEndingAfter(events: readonly BookedEvent[], instant: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.end.getTime() > instant) high = mid;
    else low = mid + 1;
  }
  return low;
}
