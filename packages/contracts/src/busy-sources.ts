import { z } from 'zod';
import { instantOutput, objectId, optionalInput, singleLineText } from './common.js';
import { outboundUrl } from './outbound-url.js';

/** How many busy sources one calendar may have. */
export const MAX_BUSY_SOURCES_PER_CALENDAR = 10;

export const busySourceKind = z.enum(['ics', 'caldav']);
export type BusySourceKind = z.infer<typeof busySourceKind>;

export const busySourceStatus = z.enum(['pending', 'ok', 'failing']);
export type BusySourceStatus = z.infer<typeof busySourceStatus>;

/**
 * A source's URL as given: `webcal:`, `https:` or `http:` (webcal is read as https), without
 * credentials in it (they go in `username` and `password`). Whether its host resolves to a public
 * address is checked by the service (a 400 too), after DNS.
 */
const sourceUrl = outboundUrl({
  schemes: ['webcal:', 'https:', 'http:'],
  schemeMessage: 'must be a webcal:, https: or http: URL',
  credentialsMessage: 'must not carry credentials: send them as username and password',
  example: 'https://calendar.example.com/alice/work.ics',
});

export const createBusySourceBody = z
  .strictObject({
    kind: busySourceKind,
    url: sourceUrl,
    // Basic authentication cannot carry a colon in the user name (RFC 7617).
    username: optionalInput(singleLineText(1, 200).refine((value) => !value.includes(':'), 'must not contain ":"')),
    password: optionalInput(
      z
        .string()
        .min(1)
        .max(1_000)
        .refine((value) => !/[\r\n]/.test(value), 'must not contain line breaks'),
    ),
    write_bookings: z
      .boolean()
      .nullish()
      .transform((value) => value ?? false)
      .prefault(false),
  })
  .superRefine((body, ctx) => {
    if (body.write_bookings && body.kind !== 'caldav') {
      ctx.addIssue({
        code: 'custom',
        path: ['write_bookings'],
        message: 'bookings can be written to caldav sources only',
      });
    }
    if ((body.username === undefined) !== (body.password === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [body.username === undefined ? 'username' : 'password'],
        message: 'username and password go together',
      });
    }
  });
export type CreateBusySourceBody = z.infer<typeof createBusySourceBody>;

export const busySourceResponse = z
  .object({
    id: objectId,
    calendar_id: objectId,
    kind: busySourceKind,
    url: z.string().describe('As given (never with credentials)'),
    username: z.string().nullable(),
    write_bookings: z.boolean(),
    status: busySourceStatus,
    last_synced_at: instantOutput.nullable().describe('The last sync that succeeded'),
    last_error: z.string().nullable().describe('Why the last sync failed; null when it succeeded'),
    created_at: instantOutput,
  })
  .meta({ id: 'BusySource', description: 'An outside calendar whose busy times block this calendar' });
export type BusySourceResponse = z.infer<typeof busySourceResponse>;

export const busySourceParams = z.object({ calendar_id: objectId, source_id: objectId });

export const feedTokenResponse = z
  .object({
    feed_url: z.string().describe('The secret URL of the feed; a new one revokes the old. Shown this one time.'),
  })
  .meta({ id: 'FeedToken' });

export const feedQuery = z.object({
  token: z.string().min(1).max(200).describe('The secret of the feed URL; opens nothing else'),
});
