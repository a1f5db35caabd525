import { createRequire } from 'node:module';
import type sortedBtree from 'sorted-btree';
import { MemoryOutbox } from '@slotkeeper/messaging';
import { deepFreeze } from '@slotkeeper/mongo';
import type {
  Calendar,
  CalendarCreated,
  CalendarDeletion,
  CalendarRepository,
  CalendarUpdate,
  ProjectedEvent,
} from '../../domain/calendar.js';
import { mergeEvent, upcoming } from '../../domain/event-projection.js';
import { calendarMessages } from '../calendar-messages.js';

// A CommonJS module whose class is `exports.default`: required, so Node and vitest agree on it.
const { default: BTree } = createRequire(import.meta.url)('sorted-btree') as typeof sortedBtree;

/** Confirmed events by end, then id: the detail reads those that end after now, O(log n + k). */
const byEnd = (event: ProjectedEvent) => `${event.end.toISOString()}|${event.id}`;

export class MemoryCalendarRepository implements CalendarRepository {
  private readonly byId = new Map<string, Calendar>();
  /**
   * Each calendar's projected events by id, stored frozen and handed out as they are: applying
   * one costs the same on a calendar with thousands of events as on an empty one.
   */
  private readonly eventsOf = new Map<string, Map<string, ProjectedEvent>>();
  private readonly confirmedOf = new Map<string, InstanceType<typeof BTree<string, ProjectedEvent>>>();
  readonly outbox = new MemoryOutbox();

  async create(change: CalendarCreated, requestId?: string): Promise<Calendar> {
    const { calendar } = change;
    this.byId.set(calendar.id, structuredClone(calendar));
    this.outbox.enqueue(calendar.id, calendarMessages(change), requestId);
    return structuredClone(calendar);
  }

  async findById(id: string): Promise<Calendar | null> {
    const calendar = this.byId.get(id);
    return calendar ? structuredClone(calendar) : null;
  }

  async save(change: CalendarUpdate, expectedVersion: number, requestId?: string): Promise<boolean> {
    const next = change.calendar;
    if (this.byId.get(next.id)?.version !== expectedVersion) return false;
    this.byId.set(next.id, structuredClone(next));
    this.outbox.enqueue(next.id, calendarMessages(change), requestId);
    return true;
  }

  async remove(deletion: CalendarDeletion, expectedVersion: number, requestId?: string): Promise<boolean> {
    const { id } = deletion.calendar;
    if (this.byId.get(id)?.version !== expectedVersion) return false;
    this.byId.delete(id);
    this.eventsOf.delete(id);
    this.confirmedOf.delete(id);
    this.outbox.enqueue(id, calendarMessages(deletion), requestId);
    return true;
  }

  async listByUser(userId: string): Promise<Calendar[]> {
    return [...this.byId.values()]
      .filter((calendar) => calendar.userId === userId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((calendar) => structuredClone(calendar));
  }

  async findLinking(scheduleId: string): Promise<Calendar[]> {
    return [...this.byId.values()]
      .filter((calendar) => calendar.links.some((link) => link.schedule.id === scheduleId))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((calendar) => structuredClone(calendar));
  }

  async applyEvent(event: ProjectedEvent): Promise<void> {
    // Events may arrive before (or without) their calendar here: the projection keeps them anyway.
    let events = this.eventsOf.get(event.calendarId);
    let confirmed = this.confirmedOf.get(event.calendarId);
    if (!events || !confirmed) {
      this.eventsOf.set(event.calendarId, (events = new Map()));
      this.confirmedOf.set(event.calendarId, (confirmed = new BTree()));
    }
    const existing = events.get(event.id);
    const merged = mergeEvent(existing, event);
    if (!merged) return;
    const stored = deepFreeze(structuredClone(merged));
    events.set(event.id, stored);
    if (existing?.status === 'confirmed') confirmed.delete(byEnd(existing));
    if (stored.status === 'confirmed') confirmed.set(byEnd(stored), stored);
  }

  async upcomingEvents(calendarId: string, now: Date): Promise<ProjectedEvent[]> {
    const confirmed = this.confirmedOf.get(calendarId);
    if (!confirmed) return [];
    // Past every key of an event ending exactly now ('|' + id < '|' + U+FFFF).
    return upcoming(confirmed.values(`${now.toISOString()}|\uffff`), now);
  }
}
