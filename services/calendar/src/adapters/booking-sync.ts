import { ServiceUnavailableError } from '@slotkeeper/errors';
import type { Upstream } from '@slotkeeper/http-kit';
import { awaitAppliedVersion, requestIdHeaders } from '@slotkeeper/service-clients';
import type { BookingSync } from '../domain/calendar.js';

/**
 * Waits until the booking service (asked with this service's identity) has applied the version
 * of a calendar just written, at most `timeoutMs` (`awaitAppliedVersion`), and asks it to close a
 * calendar before its deletion.
 */
export class BookingServiceSync implements BookingSync {
  constructor(
    private readonly booking: Upstream,
    private readonly timeoutMs = 5_000,
  ) {}

  awaitApplied(calendarId: string, version: number): Promise<void> {
    return awaitAppliedVersion(this.booking, `/internal/calendars/${encodeURIComponent(calendarId)}/version`, version, {
      timeoutMs: this.timeoutMs,
      detail:
        `calendar ${calendarId} is saved, but bookings do not see this change yet; ` +
        'it comes into force when the booking service catches up',
    });
  }

  async close(calendarId: string): Promise<'closed' | 'upcoming-events'> {
    const response = await this.booking
      .request({
        method: 'POST',
        url: `/internal/calendars/${encodeURIComponent(calendarId)}/close`,
        headers: requestIdHeaders(),
      })
      .catch(() => null);
    if (response?.statusCode === 204) return 'closed';
    if (response?.statusCode === 409) return 'upcoming-events';
    throw new ServiceUnavailableError(
      `the booking service could not close calendar ${calendarId} (${response ? `answered ${response.statusCode}` : 'unreachable'}); nothing was deleted`,
    );
  }
}
