import { ServiceUnavailableError } from '@slotkeeper/errors';
import type { Upstream } from '@slotkeeper/http-kit';
import { requestIdHeaders } from '@slotkeeper/service-clients';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BookingBusySync } from '../domain/busy-source.js';

/**
 * Asks the booking service (with this service's identity) which version of a source's busy times
 * it has applied, until it has the one just written. The change itself travels over the broker;
 * this only waits for its arrival, at most `timeoutMs`. Works with any number of instances of
 * both services: whichever booking instance answers reads the shared store.
 */
export class BookingServiceBusySync implements BookingBusySync {
  constructor(
    private readonly booking: Upstream,
    private readonly timeoutMs = 5_000,
  ) {}

  async awaitApplied(calendarId: string, sourceId: string, version: number): Promise<void> {
    const until = Date.now() + this.timeoutMs;
    for (let delay = 2; ; delay = Math.min(2 * delay, 100)) {
      if ((await this.appliedVersion(calendarId, sourceId, until)) >= version) return;
      if (Date.now() + delay > until) {
        throw new ServiceUnavailableError(
          `busy source ${sourceId} is saved, but bookings do not see this change yet; ` +
            'it comes into force when the booking service catches up',
        );
      }
      await sleep(delay);
    }
  }

  /** The version applied, 0 when the booking service cannot say by `until`. */
  private async appliedVersion(calendarId: string, sourceId: string, until: number): Promise<number> {
    const asked = this.booking
      .request({
        method: 'GET',
        url: `/internal/calendars/${encodeURIComponent(calendarId)}/busy_sources/${encodeURIComponent(sourceId)}/version`,
        headers: requestIdHeaders(),
      })
      .then((response) =>
        response.statusCode === 200 ? (JSON.parse(response.body) as { version: number }).version : 0,
      )
      // The booking service is restarting or unreachable: ask again until the deadline.
      .catch(() => 0);
    const late = new AbortController();
    const deadline = sleep(Math.max(0, until - Date.now()), 0, { signal: late.signal }).catch(() => 0);
    try {
      return await Promise.race([asked, deadline]);
    } finally {
      late.abort();
    }
  }
}
