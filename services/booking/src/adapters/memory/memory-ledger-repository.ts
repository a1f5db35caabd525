import { generateId } from '@slotkeeper/contracts';
import { overlaps, type Interval } from '@slotkeeper/time';
import type { BookedEvent, CalendarLedger, LedgerRepository, NewEvent, ReserveResult } from '../../domain/ledger.js';

/**
 * In-memory ledgers. Each method runs to completion without awaiting, so `reserve`'s check and
 * write are atomic by construction.
 */
export class MemoryLedgerRepository implements LedgerRepository {
  private readonly calendars = new Map<string, CalendarLedger>();
  /** Events per calendar, by start. */
  private readonly eventsByCalendar = new Map<string, BookedEvent[]>();
  private readonly eventsById = new Map<string, BookedEvent>();
  private readonly eventsByKey = new Map<string, BookedEvent>();

  async saveCalendar(calendar: Omit<CalendarLedger, 'links'>): Promise<void> {
    const existing = this.calendars.get(calendar.calendarId);
    this.calendars.set(calendar.calendarId, { ...structuredClone(calendar), links: existing?.links ?? [] });
  }

  async link(calendar: Omit<CalendarLedger, 'links'>, link: CalendarLedger['links'][number]): Promise<void> {
    const links = (this.calendars.get(calendar.calendarId)?.links ?? []).filter(
      (l) => l.schedule.id !== link.schedule.id,
    );
    this.calendars.set(calendar.calendarId, { ...structuredClone(calendar), links: [...links, structuredClone(link)] });
  }

  async unlink(calendarId: string, scheduleId: string): Promise<void> {
    const calendar = this.calendars.get(calendarId);
    if (calendar) calendar.links = calendar.links.filter((l) => l.schedule.id !== scheduleId);
  }

  async findCalendar(calendarId: string): Promise<CalendarLedger | null> {
    const calendar = this.calendars.get(calendarId);
    return calendar ? structuredClone(calendar) : null;
  }

  async eventsBetween(calendarId: string, range: Interval): Promise<BookedEvent[]> {
    return (this.eventsByCalendar.get(calendarId) ?? [])
      .filter((e) => e.status === 'confirmed' && overlaps({ start: e.start.getTime(), end: e.end.getTime() }, range))
      .map((e) => structuredClone(e));
  }

  async reserve(input: NewEvent, guard: Interval): Promise<ReserveResult> {
    if (input.idempotencyKey && this.eventsByKey.has(input.idempotencyKey)) return { outcome: 'duplicate-key' };
    const events = this.eventsByCalendar.get(input.calendarId) ?? [];
    const taken = events.some(
      (e) => e.status === 'confirmed' && overlaps({ start: e.start.getTime(), end: e.end.getTime() }, guard),
    );
    if (taken) return { outcome: 'conflict' };
    const event: BookedEvent = { ...structuredClone(input), id: generateId(), status: 'confirmed' };
    const at = events.findIndex((e) => e.start.getTime() > event.start.getTime());
    events.splice(at === -1 ? events.length : at, 0, event);
    this.eventsByCalendar.set(event.calendarId, events);
    this.eventsById.set(event.id, event);
    if (event.idempotencyKey) this.eventsByKey.set(event.idempotencyKey, event);
    return { outcome: 'reserved', event: structuredClone(event) };
  }

  async findEvent(eventId: string): Promise<BookedEvent | null> {
    const event = this.eventsById.get(eventId);
    return event ? structuredClone(event) : null;
  }

  async findByIdempotencyKey(key: string): Promise<BookedEvent | null> {
    const event = this.eventsByKey.get(key);
    return event ? structuredClone(event) : null;
  }

  async cancel(eventId: string): Promise<BookedEvent | null> {
    const event = this.eventsById.get(eventId);
    if (!event || event.status !== 'confirmed') return null;
    event.status = 'canceled';
    return structuredClone(event);
  }
}
