import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { dayOfWeek, objectId } from './common.js';
import { bookingRules } from './calendars.js';
import { eventResponse } from './events.js';

/** Every message on the bus: `{ id, type, occurred_at, data }`, instants in UTC. */
export const envelope = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  occurred_at: z.iso.datetime(),
  data: z.unknown(),
});
export type Envelope<T = unknown> = Omit<z.infer<typeof envelope>, 'data'> & { data: T };

export const scheduleSnapshot = z.object({
  id: objectId,
  timezone: z.string(),
  time_slots: z.array(z.object({ day_of_week: dayOfWeek, start_time: z.string(), end_time: z.string() })),
  date_overrides: z.array(
    z.object({ date: z.string(), time_slots: z.array(z.object({ start_time: z.string(), end_time: z.string() })) }),
  ),
});
export type ScheduleSnapshot = z.infer<typeof scheduleSnapshot>;

export const messageSchemas = {
  /** Added type: lets consumers know a calendar and its rules before any schedule is linked. */
  CalendarCreated: z.object({ calendar_id: objectId, user_id: objectId, rules: bookingRules }),
  ScheduleLinked: z.object({
    calendar_id: objectId,
    user_id: objectId,
    schedule: scheduleSnapshot,
    expires_on: z.iso.datetime().nullable(),
    rules: bookingRules,
  }),
  ScheduleUnlinked: z.object({ calendar_id: objectId, availability_schedule_id: objectId }),
  EventBooked: eventResponse,
  EventCanceled: eventResponse,
} as const;

export type MessageType = keyof typeof messageSchemas;
export type MessageData<T extends MessageType> = z.infer<(typeof messageSchemas)[T]>;

export function createEnvelope<T extends MessageType>(
  type: T,
  data: MessageData<T>,
  now: Date,
): Envelope<MessageData<T>> {
  return { id: randomUUID(), type, occurred_at: now.toISOString(), data };
}
