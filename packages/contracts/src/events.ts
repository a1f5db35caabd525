import { z } from 'zod';
import { email, instantInput, instantOutput, instantQuery, objectId, zoneName } from './common.js';

const MAX_GUESTS = 100;

/** An array of emails, or the seed's comma-separated string; de-duplicated, lower-cased. */
export const guestsInput = z
  .union([
    z.array(email).max(MAX_GUESTS),
    z
      .string()
      .max(MAX_GUESTS * 256)
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .pipe(z.array(email).max(MAX_GUESTS)),
  ])
  .transform((guests) => [...new Set(guests)])
  .default([]);

export const createEventBody = z
  .strictObject({
    calendar_id: objectId,
    title: z.string().trim().min(1).max(200),
    start_time: instantInput,
    end_time: instantInput,
    booked_by: email,
    guests: guestsInput,
  })
  .superRefine((body, ctx) => {
    // Zod runs this even when the fields failed; compare only real dates.
    if (!(body.start_time instanceof Date && body.end_time instanceof Date)) return;
    if (body.end_time.getTime() <= body.start_time.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['end_time'], message: 'end_time must be after start_time' });
    }
  });
export type CreateEventBody = z.infer<typeof createEventBody>;

export const eventStatus = z.enum(['confirmed', 'canceled']);

export const eventResponse = z
  .object({
    id: objectId,
    calendar_id: objectId,
    title: z.string(),
    start_time: instantOutput,
    end_time: instantOutput,
    booked_by: z.string(),
    guests: z.array(z.string()),
    status: eventStatus,
    created_at: instantOutput,
  })
  .meta({ id: 'Event' });
export type EventResponse = z.infer<typeof eventResponse>;

/** The 201 of a booking: the event and, this once (and on its idempotent replays), its cancel token. */
export const bookedEventResponse = eventResponse
  .extend({
    cancel_token: z
      .string()
      .describe('Bearer secret that lets the booker read and cancel this one event; stored hashed'),
  })
  .meta({ id: 'BookedEvent' });

export const eventParams = z.object({ event_id: objectId });

export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional(),
});

export const eventListQuery = z.object({
  from: instantQuery.optional(),
  to: instantQuery.optional(),
  tz: zoneName.optional(),
});
