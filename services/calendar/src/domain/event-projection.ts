import type { ProjectedEvent } from './calendar.js';

/**
 * The rule both adapters apply to an incoming event: the highest version wins, so a repeated,
 * late or reordered message never brings back an older state. An event stored before events had
 * versions (0) gives way to any versioned message, unless it was canceled (final then as now).
 * Returns the state to store, or null when the stored one stands.
 */
export function mergeEvent(existing: ProjectedEvent | undefined, incoming: ProjectedEvent): ProjectedEvent | null {
  if (!existing) return incoming;
  return storedVersion(existing) < incoming.version ? incoming : null;
}

/** The version a stored event counts as: one stored before versions is older than any, unless canceled. */
export const storedVersion = (event: ProjectedEvent): number =>
  event.version > 0 || event.status !== 'canceled' ? event.version : Number.POSITIVE_INFINITY;

/** Confirmed events that have not ended at `now`, in start order: what the calendar detail shows. */
export function upcoming(events: Iterable<ProjectedEvent>, now: Date): ProjectedEvent[] {
  return [...events]
    .filter((event) => event.status === 'confirmed' && event.end.getTime() > now.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime() || a.id.localeCompare(b.id));
}
