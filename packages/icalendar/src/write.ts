// Placeholder with the agreed signatures (/tmp/c16/plan.md); H5 replaces it.
export interface CalendarItem {
  id: string;
  calendarId: string;
  start: Date;
  end: Date;
  status: 'confirmed' | 'canceled';
  version: number;
  title: string;
  description?: string;
  organizer?: { name: string; email: string } | null;
  updatedAt: Date;
}
export function eventIcs(_item: CalendarItem, _options: { prodId?: string }): string {
  throw new Error('not yet');
}
export function feedIcs(_items: readonly CalendarItem[], _options: { name: string }): string {
  throw new Error('not yet');
}
