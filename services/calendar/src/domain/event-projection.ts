import type { ProjectedEvent } from './calendar.js';

/**
 * The rule both adapters apply to an incoming event: canceled is final, so a repeated or late
 * EventBooked never revives a canceled event. Returns the list to store.
 */
export function mergeEvent(events: readonly ProjectedEvent[], incoming: ProjectedEvent): ProjectedEvent[] {
  const existing = events.find((event) => event.id === incoming.id);
  if (!existing) return [...events, incoming];
  if (existing.status === 'canceled' || existing.status === incoming.status) return [...events];
  return events.map((event) => (event.id === incoming.id ? incoming : event));
}

/** Confirmed events in start order: what the calendar detail shows. */
export function confirmedEvents(events: readonly ProjectedEvent[]): ProjectedEvent[] {
  return events
    .filter((event) => event.status === 'confirmed')
    .sort((a, b) => Date.parse(a.start_time) - Date.parse(b.start_time) || a.id.localeCompare(b.id));
}
