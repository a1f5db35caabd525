import { z } from 'zod';
import { instantOutput, instantQuery, intervalOutput, isoDate, objectId, zoneName } from './common.js';

export const MAX_RANGE_DAYS = 31;
export const MAX_COMPARE_CALENDARS = 20;

const durationQuery = z.coerce
  .number()
  .int('must be whole minutes')
  .min(1)
  .max(24 * 60);

export const availabilityQuery = z
  .object({
    from: instantQuery,
    to: instantQuery,
    duration: durationQuery.optional(),
    tz: zoneName.optional(),
    explain: z
      .stringbool()
      .optional()
      .describe('true adds `unavailable`: every unavailable range of the period with its reason'),
  })
  .superRefine(rangeRules);

export const unavailableReason = z
  .enum(['outside_hours', 'date_override', 'link_expired', 'event', 'buffer', 'min_notice'])
  .describe(
    'first that applies, in this order: min_notice (before now + notice, the past included), event, buffer, ' +
      'link_expired, date_override (a date override closed weekly hours), outside_hours',
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
        'return the times when at least this many of the calendars are free; each interval then lists in ' +
          '`calendar_ids` the calendars free throughout it, and is cut wherever that set changes',
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
  else if (span > MAX_RANGE_DAYS * 86_400_000) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
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
