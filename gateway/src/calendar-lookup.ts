import { IDENTITY_HEADER } from '@slotkeeper/auth';
import type { CalendarPublic, PublicLookup } from '@slotkeeper/booking-pages';
import type { Upstream } from '@slotkeeper/http-kit';

/**
 * A calendar's public facts for its booking page, from the calendar service's public route
 * (`GET /api/calendar/calendars/{id}/public`), asked as an anonymous client: found, not found, or
 * unavailable (the service did not answer, or answered anything else).
 */
export function calendarLookup(calendar: Upstream, anonymousIdentity: () => string) {
  return async (calendarId: string, requestId: string): Promise<PublicLookup> => {
    const response = await calendar
      .request({
        method: 'GET',
        url: `/api/calendar/calendars/${calendarId}/public`,
        headers: { accept: 'application/json', 'x-request-id': requestId, [IDENTITY_HEADER]: anonymousIdentity() },
      })
      .catch(() => null);
    if (response?.statusCode === 200) {
      try {
        return { found: true, calendar: JSON.parse(response.body) as CalendarPublic };
      } catch {
        return { unavailable: true };
      }
    }
    if (response?.statusCode === 404) return { found: false };
    return { unavailable: true };
  };
}
