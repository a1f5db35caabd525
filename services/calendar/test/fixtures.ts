import type { ProjectedEvent } from '../src/domain/calendar.js';

/** An event of a calendar as the projection keeps it: Ann's call with Bob, from `start` to `end` (booked: version 1, canceled: 2). */
export const projectedEvent = (
  calendarId: string,
  id: string,
  [start, end]: [string, string],
  status: ProjectedEvent['status'] = 'confirmed',
  version = status === 'confirmed' ? 1 : 2,
): ProjectedEvent => ({
  id,
  calendarId,
  title: 'Call',
  start: new Date(start),
  end: new Date(end),
  bookedBy: 'ann@example.com',
  bookerName: null,
  notes: null,
  guests: ['bob@example.com'],
  status,
  createdAt: new Date('2030-06-01T00:00:00.000Z'),
  version,
});
