import { z } from 'zod';
import { instantOutput, instantQuery, intervalOutput, isoDate, objectId, zoneName } from './common.js';

export const MAX_RANGE_DAYS = 31;
/** A range spans at most 31 days and 1 hour, so a whole local month fits across a DST change. */
export const MAX_RANGE_MS = MAX_RANGE_DAYS * 86_400_000 + 3_600_000;
export const MAX_COMPARE_CALENDARS = 20;
/**
 * The shortest slot length a request may ask for, and the shortest step between listed slots
 * (the smallest `slot_interval_minutes`): it bounds an answer to about 9,000 slots a month.
 */
export const MIN_SLOT_MINUTES = 5;
/**
 * The most intervals one quorum comparison answers; beyond it the request is a 400. Each lists
 * up to 20 calendar ids, so this bounds the answer to about 600 KiB; without a limit, a month of
 * 20 busy calendars at a low quorum finds hundreds of thousands of overlapping intervals.
 */
export const MAX_QUORUM_OVERLAPS = 1_000;

const durationQuery = z.coerce
  .number()
  .int('must be whole minutes')
  .min(MIN_SLOT_MINUTES)
  .max(24 * 60);

export const availabilityQuery = z
  .object({
    from: instantQuery,
    to: instantQuery,
    duration: durationQuery
      .optional()
      .describe(
        `the slot length in minutes (at least ${MIN_SLOT_MINUTES}); default the calendar's meeting length, ` +
          'and on a calendar with a meeting length any other value is a 400',
      ),
    tz: zoneName.optional(),
    explain: z
      .stringbool()
      .optional()
      .describe(
        "true adds `unavailable`: every unavailable range of the period with its reason. Owner only: the calendar owner's api key (401 without credentials, 403 with another user's)",
      ),
  })
  .superRefine(rangeRules);

export const unavailableReason = z
  .enum(['min_notice', 'horizon', 'event', 'buffer', 'busy_source', 'link_expired', 'date_override', 'outside_hours'])
  .describe(
    'first that applies, in this order: min_notice (before now + notice, the past included), horizon (after ' +
      'now + booking_horizon_days), event, buffer (where an event keeps new meetings away: its buffers plus ' +
      "the new meeting's), busy_source, link_expired, date_override (a date override closed weekly hours), " +
      'outside_hours',
  );

export const availabilityResponse = z
  .object({
    calendar_id: objectId,
    from: instantOutput,
    to: instantOutput,
    free: z.array(intervalOutput),
    slots: z.array(intervalOutput).optional(),
    unavailable: z.array(intervalOutput.extend({ reason: unavailableReason })).optional(),
  })
  .meta({ id: 'Availability' });
export type AvailabilityResponse = z.infer<typeof availabilityResponse>;

export const compareQuery = z
  .object({
    calendar_ids: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      )
      .pipe(z.array(objectId).min(2).max(MAX_COMPARE_CALENDARS)),
    date: isoDate.optional(),
    from: instantQuery.optional(),
    to: instantQuery.optional(),
    tz: zoneName.optional(),
    duration: durationQuery.optional(),
    quorum: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_COMPARE_CALENDARS)
      .optional()
      .describe(
        'return the intervals in which at least this many of the calendars are free throughout and that cannot ' +
          'be made longer without losing one of them; each lists in `calendar_ids` every calendar free throughout ' +
          `it, and they may overlap one another. At most ${MAX_QUORUM_OVERLAPS} intervals: a comparison that ` +
          'finds more is a 400 (narrow the range, or raise quorum or duration)',
      ),
  })
  .superRefine((query, ctx) => {
    if (!Array.isArray(query.calendar_ids)) return;
    if (typeof query.quorum === 'number' && query.quorum > query.calendar_ids.length) {
      ctx.addIssue({ code: 'custom', path: ['quorum'], message: 'quorum is larger than the number of calendars' });
    }
    if (new Set(query.calendar_ids).size !== query.calendar_ids.length) {
      ctx.addIssue({ code: 'custom', path: ['calendar_ids'], message: 'a calendar is listed twice' });
    }
    if (query.date && (query.from || query.to)) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'give either date or from/to, not both' });
    } else if (!query.date && !(query.from && query.to)) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'give date, or both from and to' });
    } else if (query.from && query.to) {
      rangeRules({ from: query.from, to: query.to }, ctx);
    }
  });

function rangeRules(range: { from: Date; to: Date }, ctx: z.RefinementCtx): void {
  // Zod runs this even when the fields failed; compare only real dates.
  if (!(range.from instanceof Date && range.to instanceof Date)) return;
  const span = range.to.getTime() - range.from.getTime();
  if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
  else if (span > MAX_RANGE_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `the range may span at most ${MAX_RANGE_DAYS} days and 1 hour`,
    });
  }
}

export const compareResponse = z
  .object({
    calendar_ids: z.array(objectId),
    from: instantOutput,
    to: instantOutput,
    overlaps: z.array(intervalOutput.extend({ calendar_ids: z.array(objectId).optional() })),
  })
  .meta({ id: 'Comparison' });
export type CompareResponse = z.infer<typeof compareResponse>;
