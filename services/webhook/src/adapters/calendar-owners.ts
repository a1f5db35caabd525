import type { CalendarServiceClient } from '@slotkeeper/service-clients';
import type { CalendarOwners } from '../domain/webhook-use-cases.js';

/**
 * Calendar owners through the calendar service's API, asked as the webhook service (a service
 * principal reads any calendar): null for no such calendar; a throw when the service cannot answer.
 * Asked only to check a new webhook's calendars and for a calendar the service's own projection
 * does not know yet (`ownerOfCalendar` remembers the answer), so nothing is cached here.
 */
export const calendarServiceOwners = (calendars: Pick<CalendarServiceClient, 'find'>): CalendarOwners => ({
  ownerOf: async (calendarId, options = {}) => (await calendars.find(calendarId, options))?.user_id ?? null,
});
