import { ServiceUnavailableError } from '@slotkeeper/errors';
import type { Upstream } from '@slotkeeper/http-kit';
import { requestIdHeaders } from '@slotkeeper/service-clients';
import { z } from 'zod';
import type { CalendarOwner, CalendarOwners } from '../domain/ports.js';

const ownerResponse = z.object({
  calendar_id: z.string(),
  user_id: z.string(),
  timezone: z.string(),
  name: z.string(),
});

/**
 * Asks the calendar service's internal route (with this service's identity) who owns a
 * calendar: null for a 404, ServiceUnavailableError when it cannot say.
 */
export class CalendarServiceOwners implements CalendarOwners {
  constructor(private readonly calendar: Upstream) {}

  async ownerOf(calendarId: string): Promise<CalendarOwner | null> {
    const response = await this.calendar
      .request({
        method: 'GET',
        url: `/internal/calendars/${encodeURIComponent(calendarId)}/owner`,
        headers: requestIdHeaders(),
      })
      .catch(() => null);
    if (response?.statusCode === 404) return null;
    if (response?.statusCode !== 200) {
      throw new ServiceUnavailableError(
        `the calendar service cannot say who owns calendar ${calendarId} now (${response ? `it answered ${response.statusCode}` : 'unreachable'})`,
      );
    }
    const owner = ownerResponse.parse(JSON.parse(response.body));
    return { calendarId: owner.calendar_id, userId: owner.user_id, timezone: owner.timezone, name: owner.name };
  }
}
