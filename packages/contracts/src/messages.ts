import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { dayOfWeek, objectId } from './common.js';
import { bookingRules } from './calendars.js';
import { eventResponse } from './events.js';

/** The most busy intervals one source may have in its window (a source with more is `failing`). */
export const MAX_BUSY_INTERVALS = 100_000;

/** Every message on the bus: `{ id, type, occurred_at, data }`, instants in UTC. */
export const envelope = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  occurred_at: z.iso.datetime(),
  data: z.unknown(),
});
export type Envelope<T = unknown> = Omit<z.infer<typeof envelope>, 'data'> & { data: T };

export const scheduleSnapshot = z
  .object({
    id: objectId,
    timezone: z.string(),
    time_slots: z.array(z.object({ day_of_week: dayOfWeek, start_time: z.string(), end_time: z.string() })),
    date_overrides: z.array(
      z.object({ date: z.string(), time_slots: z.array(z.object({ start_time: z.string(), end_time: z.string() })) }),
    ),
  })
  .meta({ id: 'ScheduleSnapshot' });
export type ScheduleSnapshot = z.infer<typeof scheduleSnapshot>;

/**
 * What booking needs of a calendar, whole, at one `version` (raised by every change of the
 * calendar). Every calendar message carries it, so a consumer keeps the state of the highest
 * version it has seen: late, repeated or reordered messages never bring back an older state.
 */
export const calendarSnapshot = z
  .object({
    calendar_id: objectId,
    user_id: objectId,
    version: z.number().int().min(1),
    rules: bookingRules,
    links: z.array(z.object({ schedule: scheduleSnapshot, expires_on: z.iso.datetime().nullable() })),
  })
  .meta({ id: 'CalendarSnapshot' });
export type CalendarSnapshot = z.infer<typeof calendarSnapshot>;

/** The version of the aggregate a message changes: 1 when created, raised by every change. */
const version = z.number().int().min(1);

/**
 * An event as its messages carry it: as the API shows it, in UTC, with its version, and the nonce
 * its cancel token is derived from (never the token, nor its hash).
 */
const eventMessage = eventResponse.extend({
  version,
  cancel_token_nonce: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The nonce the event's cancel token is derived from (with a key only the services hold): " +
        'not a secret, and useless without that key. The notification service derives the ' +
        "booker's link from it. Absent from messages published before it was added.",
    ),
});

export const messageSchemas = {
  /** Added type: lets consumers know a calendar and its rules before any schedule is linked. */
  CalendarCreated: calendarSnapshot,
  ScheduleLinked: calendarSnapshot.extend({
    schedule: scheduleSnapshot,
    expires_on: z.iso.datetime().nullable(),
  }),
  ScheduleUnlinked: calendarSnapshot.extend({ availability_schedule_id: objectId }),
  /** A calendar's name, rules or links changed (a PATCH, or a linked schedule changed): its whole state. */
  CalendarUpdated: calendarSnapshot,
  /** A calendar was deleted (it had no confirmed event still to come). */
  CalendarDeleted: z.object({ calendar_id: objectId, user_id: objectId, version }),
  /** A schedule changed: its whole snapshot at its new version. */
  ScheduleUpdated: z.object({ schedule: scheduleSnapshot, user_id: objectId, version }),
  /** A schedule was deleted (no calendar linked it). */
  ScheduleDeleted: z.object({ availability_schedule_id: objectId, user_id: objectId, version }),
  /** A booking: the event, confirmed, at version 1. */
  EventBooked: eventMessage.extend({ status: z.literal('confirmed') }),
  /** A cancellation: the event, canceled, at the version after its last change. */
  EventCanceled: eventMessage.extend({ status: z.literal('canceled') }),
  /** A reschedule: the event at its new times and version, and the times it had before. */
  EventRescheduled: eventMessage.extend({
    status: z.literal('confirmed'),
    previous_start_time: z.iso.datetime(),
    previous_end_time: z.iso.datetime(),
  }),
  /** A user's api key was replaced: every gateway instance forgets the old one. */
  ApiKeyRotated: z.object({ user_id: objectId }),
  /**
   * A busy source's busy times, whole, at the source's `version` (raised by every change of
   * them): sorted, merged `[start, end)` pairs in epoch milliseconds within the synced window
   * (`window_start`, `window_end`). `removed`: the source was deleted (its busy times are gone,
   * and no older message brings them back). Published by the sync service, consumed by booking.
   */
  BusyTimesChanged: z.object({
    calendar_id: objectId,
    source_id: objectId,
    version,
    removed: z.boolean(),
    window_start: z.iso.datetime(),
    window_end: z.iso.datetime(),
    busy: z.array(z.tuple([z.number().int(), z.number().int()])).max(MAX_BUSY_INTERVALS),
  }),
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
