import type { Envelope } from '@slotkeeper/contracts';
import { MemoryOutbox } from '@slotkeeper/messaging';
import type { Calendar, CalendarRepository, NewCalendar, ProjectedEvent, ScheduleLink } from '../../domain/calendar.js';
import { mergeEvent } from '../../domain/event-projection.js';

export class MemoryCalendarRepository implements CalendarRepository {
  private readonly byId = new Map<string, Calendar>();
  readonly outbox = new MemoryOutbox();

  async create(input: NewCalendar, outbox: Envelope[]): Promise<Calendar> {
    const calendar: Calendar = { ...structuredClone(input), events: [] };
    this.byId.set(calendar.id, calendar);
    this.outbox.enqueue(calendar.id, outbox);
    return structuredClone(calendar);
  }

  async findById(id: string): Promise<Calendar | null> {
    const calendar = this.byId.get(id);
    return calendar ? structuredClone(calendar) : null;
  }

  async addLink(calendarId: string, link: ScheduleLink, outbox: Envelope[]): Promise<boolean> {
    const calendar = this.byId.get(calendarId);
    if (!calendar || calendar.links.some((l) => l.schedule.id === link.schedule.id)) return false;
    calendar.links.push(structuredClone(link));
    this.outbox.enqueue(calendarId, outbox);
    return true;
  }

  async removeLink(calendarId: string, scheduleId: string, outbox: Envelope[]): Promise<boolean> {
    const calendar = this.byId.get(calendarId);
    if (!calendar?.links.some((l) => l.schedule.id === scheduleId)) return false;
    calendar.links = calendar.links.filter((l) => l.schedule.id !== scheduleId);
    this.outbox.enqueue(calendarId, outbox);
    return true;
  }

  async applyEvent(calendarId: string, event: ProjectedEvent): Promise<void> {
    const calendar = this.byId.get(calendarId);
    if (calendar) calendar.events = mergeEvent(calendar.events, structuredClone(event));
  }
}
