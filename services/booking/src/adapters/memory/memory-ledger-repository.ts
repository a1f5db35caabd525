import type { Envelope } from '@slotkeeper/contracts';
import { deepFreeze, MemoryOutbox } from '@slotkeeper/messaging';
import type { Interval } from '@slotkeeper/time';
import type { BookedEvent, CalendarLedger, LedgerRepository, NewEvent, ReserveResult } from '../../domain/ledger.js';

/**
 * In-memory ledgers. Each method runs to completion without awaiting, so `reserve`'s check and
 * write are atomic by construction.
 */
export class MemoryLedgerRepository implements LedgerRepository {
  private readonly calendars = new Map<string, CalendarLedger>();
  /** Confirmed events per calendar, by start; disjoint, so also by end. */
  private readonly confirmedByCalendar = new Map<string, BookedEvent[]>();
  private readonly eventsById = new Map<string, BookedEvent>();
  private readonly eventsByKey = new Map<string, BookedEvent>();
  readonly outbox = new MemoryOutbox();

  // Ledgers and events are stored deeply frozen and replaced, never changed, so reads can share
  // them: cloning them on every booking was a visible cost.
  async saveCalendar(calendar: Omit<CalendarLedger, 'links'>): Promise<void> {
    const existing = this.calendars.get(calendar.calendarId);
    this.calendars.set(calendar.calendarId, deepFreeze({ ...structuredClone(calendar), links: existing?.links ?? [] }));
  }

  async link(calendar: Omit<CalendarLedger, 'links'>, link: CalendarLedger['links'][number]): Promise<void> {
    const links = (this.calendars.get(calendar.calendarId)?.links ?? []).filter(
      (l) => l.schedule.id !== link.schedule.id,
    );
    this.calendars.set(
      calendar.calendarId,
      deepFreeze({ ...structuredClone(calendar), links: [...links, structuredClone(link)] }),
    );
  }

  async unlink(calendarId: string, scheduleId: string): Promise<void> {
    const calendar = this.calendars.get(calendarId);
    if (calendar) {
      this.calendars.set(
        calendarId,
        deepFreeze({ ...calendar, links: calendar.links.filter((l) => l.schedule.id !== scheduleId) }),
      );
    }
  }

  async findCalendar(calendarId: string): Promise<CalendarLedger | null> {
    return this.calendars.get(calendarId) ?? null;
  }

  async eventsBetween(calendarId: string, range: Interval): Promise<BookedEvent[]> {
    return this.overlapping(calendarId, range);
  }

  /** Confirmed events overlapping `range`: a binary search, then only the events inside it. */
  private overlapping(calendarId: string, range: Interval): BookedEvent[] {
    const events = this.confirmedByCalendar.get(calendarId) ?? [];
    let low = 0;
    let high = events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (events[mid]!.end.getTime() > range.start) high = mid;
      else low = mid + 1;
    }
    const found: BookedEvent[] = [];
    for (let i = low; i < events.length && events[i]!.start.getTime() < range.end; i++) found.push(events[i]!);
    return found;
  }

  async reserve(input: NewEvent, guard: Interval, outbox: Envelope[]): Promise<ReserveResult> {
    if (input.idempotencyKey && this.eventsByKey.has(input.idempotencyKey)) return { outcome: 'duplicate-key' };
    if (this.overlapping(input.calendarId, guard).length > 0) return { outcome: 'conflict' };
    const event: BookedEvent = deepFreeze({ ...input, status: 'confirmed' });
    const events = this.confirmedByCalendar.get(event.calendarId) ?? [];
    const at = events.findLastIndex((e) => e.start.getTime() < event.start.getTime()) + 1;
    events.splice(at, 0, event);
    this.confirmedByCalendar.set(event.calendarId, events);
    this.eventsById.set(event.id, event);
    if (event.idempotencyKey) this.eventsByKey.set(event.idempotencyKey, event);
    this.outbox.enqueue(event.calendarId, outbox);
    return { outcome: 'reserved', event };
  }

  async findEvent(eventId: string): Promise<BookedEvent | null> {
    return this.eventsById.get(eventId) ?? null;
  }

  async findByIdempotencyKey(key: string): Promise<BookedEvent | null> {
    return this.eventsByKey.get(key) ?? null;
  }

  async cancel(eventId: string, outbox: Envelope[]): Promise<BookedEvent | null> {
    const event = this.eventsById.get(eventId);
    if (!event || event.status !== 'confirmed') return null;
    const canceled = deepFreeze({ ...event, status: 'canceled' as const });
    this.eventsById.set(eventId, canceled);
    if (event.idempotencyKey) this.eventsByKey.set(event.idempotencyKey, canceled);
    const events = this.confirmedByCalendar.get(event.calendarId)!;
    events.splice(events.indexOf(event), 1);
    this.outbox.enqueue(event.calendarId, outbox);
    return canceled;
  }
}
