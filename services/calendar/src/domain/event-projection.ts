import type { ProjectedEvent } from './calendar.js';

/**
 * The rule both adapters apply to an incoming event: canceled is final, so a repeated or late
 * EventBooked never revives a canceled event. Returns the state to store, or null when the
 * stored one stands.
 */
export function mergeEvent(existing: ProjectedEvent | undefined, incoming: ProjectedEvent): ProjectedEvent | null {
  if (!existing) return incoming;
  if (existing.status === 'canceled' || existing.status === incoming.status) return null;
  return incoming;
}

/** Confirmed events that have not ended at `now`, in start order: what the calendar detail shows. */
export function upcoming(events: Iterable<ProjectedEvent>, now: Date): ProjectedEvent[] {
  return [...events]
    .filter((event) => event.status === 'confirmed' && event.end.getTime() > now.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime() || a.id.localeCompare(b.id));
}
