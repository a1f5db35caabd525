import type { Upstream } from '@slotkeeper/http-kit';
import { awaitAppliedVersion } from '@slotkeeper/service-clients';
import type { BookingBusySync } from '../domain/busy-source.js';

/**
 * Waits until the booking service (asked with this service's identity) has applied the version
 * of a source's busy times just written, at most `timeoutMs` (`awaitAppliedVersion`).
 */
export class BookingServiceBusySync implements BookingBusySync {
  constructor(
    private readonly booking: Upstream,
    private readonly timeoutMs = 5_000,
  ) {}

  awaitApplied(calendarId: string, sourceId: string, version: number): Promise<void> {
    const url = `/internal/calendars/${encodeURIComponent(calendarId)}/busy_sources/${encodeURIComponent(sourceId)}/version`;
    return awaitAppliedVersion(this.booking, url, version, {
      timeoutMs: this.timeoutMs,
      detail:
        `busy source ${sourceId} is saved, but bookings do not see this change yet; ` +
        'it comes into force when the booking service catches up',
    });
  }
}
