import { z } from 'zod';
import {
  email,
  inputWithDefault,
  instantInput,
  instantOutput,
  instantQuery,
  multilineText,
  objectId,
  optionalInput,
  singleLineText,
  zoneName,
} from './common.js';

export const MAX_GUESTS = 10;
export const MAX_EVENTS_PAGE = 500;

const guestList = z.array(email);

/**
 * An array of at most 10 emails, or the seed's comma-separated string; de-duplicated and
 * lower-cased. The string is split and the limit checked after the union, so a bad address is
 * named by its index (`guests.2`) rather than as "invalid input" for the union, and both forms
 * show in the OpenAPI document (a union branch that transforms is dropped from it).
 */
export const guestsInput = inputWithDefault(
  z
    .union([guestList.meta({ maxItems: MAX_GUESTS }), z.string().max(MAX_GUESTS * 256)])
    .transform((guests) =>
      typeof guests === 'string'
        ? guests
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
        : guests,
    )
    .pipe(guestList.max(MAX_GUESTS, `at most ${MAX_GUESTS} guests`))
    .transform((guests) => [...new Set(guests)])
    .meta({ description: `At most ${MAX_GUESTS} emails; a comma-separated string is also accepted` }),
  [],
);

/** An event's `end_time` after its `start_time`. */
function endsAfterStart(body: { start_time: unknown; end_time: unknown }, ctx: z.RefinementCtx): void {
  // Zod runs this even when the fields failed; compare only real dates.
  if (!(body.start_time instanceof Date && body.end_time instanceof Date)) return;
  if (body.end_time.getTime() <= body.start_time.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['end_time'], message: 'end_time must be after start_time' });
  }
}

export const createEventBody = z
  .strictObject({
    calendar_id: objectId,
    title: singleLineText(1, 200),
    start_time: instantInput,
    end_time: instantInput,
    booked_by: email,
    booker_name: optionalInput(singleLineText(1, 200)),
    notes: optionalInput(multilineText(2_000)),
    guests: guestsInput,
  })
  .superRefine(endsAfterStart);
export type CreateEventBody = z.infer<typeof createEventBody>;

export const eventStatus = z.enum(['confirmed', 'canceled']);

/**
 * `booker_name` and `notes` are null when not given. Their default only serves reading
 * messages and stored events written before they existed; a reply must carry them.
 */
export const eventResponse = z
  .object({
    id: objectId,
    calendar_id: objectId,
    title: z.string(),
    start_time: instantOutput,
    end_time: instantOutput,
    booked_by: z.string(),
    booker_name: z.string().nullable().default(null),
    notes: z.string().nullable().default(null),
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
export type BookedEventResponse = z.infer<typeof bookedEventResponse>;

export const eventParams = z.object({ event_id: objectId });

export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional(),
});

export const eventListStatus = z.enum(['confirmed', 'canceled', 'all']);

export const eventListQuery = z
  .object({
    from: instantQuery.optional(),
    to: instantQuery.optional(),
    tz: zoneName.optional(),
    status: eventListStatus.default('confirmed'),
    limit: z.coerce.number().int().min(1).max(MAX_EVENTS_PAGE).default(100),
    cursor: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\w.~-]+$/, 'must be a cursor from a Link header')
      .optional()
      .describe('Opaque; the `cursor` of the `Link: <…>; rel="next"` of the previous page'),
  })
  .superRefine((query, ctx) => {
    // Zod runs this even when the fields failed; compare only real dates.
    if (!(query.from instanceof Date && query.to instanceof Date)) return;
    if (query.from.getTime() > query.to.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
    }
  });
export type EventListQuery = z.infer<typeof eventListQuery>;

/** `POST …/reschedule`: the event's new times, checked exactly as a new booking's. */
export const rescheduleBody = z
  .strictObject({ start_time: instantInput, end_time: instantInput })
  .superRefine(endsAfterStart);
export type RescheduleBody = z.infer<typeof rescheduleBody>;
