import type { CalendarServiceClient, CallOptions, UserServiceClient } from '@slotkeeper/service-clients';
import { LRUCache } from 'lru-cache';
import type { Owner } from '../../domain/notification.js';
import type { OwnerDirectory } from '../../domain/ports.js';

export interface OwnerDirectoryOptions {
  /** How long an answer is reused: owners' names change rarely, and then show within this. */
  ttlMs?: number;
  /** Calendars remembered at most. */
  max?: number;
}

/**
 * Calendar owners through the calendar and user services' APIs, asked as the notification
 * service (a service principal reads any calendar and user). Answers are cached per calendar,
 * bounded and for a few minutes; concurrent lookups of one calendar share one call; while a
 * service cannot answer, a calendar asked before keeps its last answer, and one never asked
 * throws, so its message waits on the bus.
 */
export class HttpOwnerDirectory implements OwnerDirectory {
  private readonly cache: LRUCache<string, Owner, CallOptions>;

  constructor(
    private readonly services: {
      calendars: Pick<CalendarServiceClient, 'find'>;
      users: Pick<UserServiceClient, 'find'>;
    },
    { ttlMs = 5 * 60_000, max = 10_000 }: OwnerDirectoryOptions = {},
  ) {
    this.cache = new LRUCache<string, Owner, CallOptions>({
      max,
      ttl: ttlMs,
      // A failed lookup keeps the last answer, for `ownerOf` to fall back on. (Not
      // `allowStaleOnFetchRejection`: with nothing stale, it answers undefined instead of throwing.)
      noDeleteOnFetchRejection: true,
      fetchMethod: (calendarId, _stale, { context }) => this.lookUp(calendarId, context),
    });
  }

  async ownerOf(calendarId: string, context: CallOptions): Promise<Owner | null> {
    try {
      return (await this.cache.fetch(calendarId, { context })) ?? null;
    } catch (error) {
      const last = this.cache.peek(calendarId, { allowStale: true });
      if (last) return last;
      throw error;
    }
  }

  /** Undefined (not cached) when the calendar or its owner is gone. */
  private async lookUp(calendarId: string, context: CallOptions): Promise<Owner | undefined> {
    const calendar = await this.services.calendars.find(calendarId, context);
    if (!calendar) return undefined;
    const user = await this.services.users.find(calendar.user_id, context);
    if (!user) return undefined;
    return { name: user.name, email: user.email, timezone: user.timezone };
  }
}
