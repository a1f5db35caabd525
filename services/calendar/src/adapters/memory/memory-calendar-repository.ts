import { generateId } from '@slotkeeper/contracts';
import type { Calendar, CalendarRepository, NewCalendar, ProjectedEvent, ScheduleLink } from '../../domain/calendar.js';
import { mergeEvent } from '../../domain/event-projection.js';

export class MemoryCalendarRepository implements CalendarRepository {
  private readonly byId = new Map<string, Calendar>();

  async create(input: NewCalendar): Promise<Calendar> {
    const calendar: Calendar = { ...structuredClone(input), id: generateId(), events: [] };
    this.byId.set(calendar.id, calendar);
    return structuredClone(calendar);
  }

  async findById(id: string): Promise<Calendar | null> {
    const calendar = this.byId.get(id);
    return calendar ? structuredClone(calendar) : null;
  }

  async addLink(calendarId: string, link: ScheduleLink): Promise<boolean> {
    const calendar = this.byId.get(calendarId);
    if (!calendar || calendar.links.some((l) => l.schedule.id === link.schedule.id)) return false;
    calendar.links.push(structuredClone(link));
    return true;
  }

  async removeLink(calendarId: string, scheduleId: string): Promise<boolean> {
    const calendar = this.byId.get(calendarId);
    const before = calendar?.links.length ?? 0;
    if (calendar) calendar.links = calendar.links.filter((l) => l.schedule.id !== scheduleId);
    return (calendar?.links.length ?? 0) < before;
  }

  async applyEvent(calendarId: string, event: ProjectedEvent): Promise<void> {
    const calendar = this.byId.get(calendarId);
    if (calendar) calendar.events = mergeEvent(calendar.events, structuredClone(event));
  }
}
