import { ErrorCode, ServiceUnavailableError } from '@slotkeeper/errors';
import { PROBLEM_BASE, type Upstream, type UpstreamResponse } from '@slotkeeper/http-kit';
import { requestIdHeaders } from '@slotkeeper/service-clients';
import { z } from 'zod';
import type { CalendarOwner, CalendarOwners } from '../domain/ports.js';

const ownerResponse = z.object({
  calendar_id: z.string(),
  user_id: z.string(),
  timezone: z.string(),
  name: z.string(),
});

const NOT_FOUND = PROBLEM_BASE + ErrorCode.notFound;

/**
 * Whether a 404 is the calendar service's own "no such calendar": a problem document of the
 * not-found type. Any other 404 (a proxy's page, another server at CALENDAR_SERVICE_URL) says
 * nothing of the calendar. (A Slotkeeper service's router answers an unknown path with the same
 * type; nothing irreversible follows from a null here: syncs only show the source failing.)
 */
function isNotFoundProblem(response: UpstreamResponse): boolean {
  if (!/^application\/problem\+json\b/i.test(response.headers['content-type'] ?? '')) return false;
  try {
    return (JSON.parse(response.body) as { type?: unknown } | null)?.type === NOT_FOUND;
  } catch {
    return false;
  }
}

/**
 * Asks the calendar service's internal route (with this service's identity) who owns a
 * calendar: null for its not-found problem, ServiceUnavailableError when it cannot say (any
 * other answer, a 404 that is not its problem document among them).
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
    if (response?.statusCode === 404 && isNotFoundProblem(response)) return null;
    if (response?.statusCode !== 200) {
      throw new ServiceUnavailableError(
        `the calendar service cannot say who owns calendar ${calendarId} now (${response ? `it answered ${response.statusCode}` : 'unreachable'})`,
      );
    }
    const owner = ownerResponse.parse(JSON.parse(response.body));
    return { calendarId: owner.calendar_id, userId: owner.user_id, timezone: owner.timezone, name: owner.name };
  }
}
