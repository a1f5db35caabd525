import type { CalendarServiceClient } from '@slotkeeper/service-clients';
import { LRUCache } from 'lru-cache';
import type { CalendarOwners } from '../domain/webhook-use-cases.js';

/**
 * Calendar owners through the calendar service's API, asked as the webhook service (a service
 * principal reads any calendar). A calendar never changes owner, so an answer is kept for as long
 * as it stays among the `max` most used; concurrent lookups of one calendar share one call. A
 * calendar that does not exist is not remembered (it may be created later). When the calendar
 * service cannot answer, the lookup throws: the message waits on the bus and is tried again.
 */
export class CachedCalendarOwners implements CalendarOwners {
  private readonly cache: LRUCache<string, string, { requestId?: string | undefined }>;

  constructor(calendars: Pick<CalendarServiceClient, 'find'>, { max = 50_000 }: { max?: number } = {}) {
    this.cache = new LRUCache({
      max,
      fetchMethod: async (calendarId, _stale, { context }) =>
        (await calendars.find(calendarId, context))?.user_id ?? undefined,
    });
  }

  async ownerOf(calendarId: string, options: { requestId?: string | undefined } = {}): Promise<string | null> {
    return (await this.cache.fetch(calendarId, { context: options })) ?? null;
  }
}
