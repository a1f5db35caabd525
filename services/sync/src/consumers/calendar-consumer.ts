import type { MessageData } from '@slotkeeper/contracts';
import type { Delivery } from '@slotkeeper/messaging';
import { removeCalendarSources } from '../domain/busy-source-use-cases.js';
import type { RemoveDeps } from '../domain/sync-source.js';

export const SYNC_QUEUE = 'sync';

/**
 * The busy-source half's handlers, merged with the outbound half's into the service's one
 * subscription: a deleted calendar's events, feed token and write-back jobs go first (the bookers'
 * names, emails and notes with them), then its sources, each withdrawing its busy times
 * (idempotent: a repeated message finds nothing left).
 */
export const calendarHandlers = (deps: RemoveDeps, forgetOutbound: (calendarId: string) => Promise<void>) => ({
  CalendarDeleted: async ({ calendar_id }: MessageData<'CalendarDeleted'>, _message: unknown, delivery?: Delivery) => {
    await forgetOutbound(calendar_id);
    await removeCalendarSources(calendar_id, deps, delivery?.requestId);
  },
});
