import { randomBytes } from 'node:crypto';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

const OBJECT_ID = /^[0-9a-f]{24}$/;

export const objectId = z
  .string()
  .regex(OBJECT_ID, 'must be a 24-character lower-case hex id')
  .meta({ example: '665f1c2b9d3e4a0012345678' });

/**
 * A new id: 96 random bits as 24 hex characters, so knowing one id tells nothing about another
 * (ids from a counter led from one's own calendar to others' in a few dozen guesses).
 */
export function generateId(): string {
  return randomBytes(12).toString('hex');
}

export const zoneName = z
  .string()
  .max(64)
  .refine((zone) => IANAZone.isValidZone(zone), 'must be a known IANA time zone, e.g. Europe/Berlin')
  .meta({ example: 'Europe/Berlin' });

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The instant of a string zod has already checked is `YYYY-MM-DDTHH:mm:ss[.s+](Z|±HH:mm)`, or
 * null for a day the month does not have (which Date.parse would roll over into the next).
 * Parsing every booking's two instants with luxon was a tenth of the booking service's time.
 */
function realInstant(value: string): number | null {
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (days === undefined || day < 1 || day > days) return null;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? null : millis;
}

/** An ISO-8601 instant that carries an offset or `Z`; a bare local time is refused. */
export const instantInput = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 instant with an offset or Z' })
  .transform((value, context) => {
    const millis = realInstant(value);
    if (millis !== null) return new Date(millis);
    context.addIssue({ code: 'custom', message: 'is not a real date and time', input: value });
    return z.NEVER;
  });

/**
 * Instants in query strings: a `+` offset sent unencoded arrives as a space; read it back
 * rather than refusing a request every shell user will make.
 */
export const instantQuery = z.preprocess(
  (value) => (typeof value === 'string' ? value.replace(/ (\d{2}:?\d{2})$/, '+$1') : value),
  instantInput,
);

export const instantOutput = z.string().meta({
  format: 'date-time',
  description: 'UTC with Z, or in the `tz` zone of the request with its offset',
});

export const isoDate = z.iso
  .date('must be a date YYYY-MM-DD')
  .refine((value) => DateTime.fromISO(value).isValid, 'is not a real date');

const WALL_CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const wallClock = z
  .string()
  .regex(WALL_CLOCK, 'must be a 24-hour time HH:mm between 00:00 and 24:00')
  .meta({ example: '09:00' });

export const DAYS_OF_WEEK = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const dayOfWeek = z.enum(DAYS_OF_WEEK);
export type DayOfWeek = z.infer<typeof dayOfWeek>;

export const email = z
  .email('must be a valid email address')
  .max(254)
  .transform((value) => value.toLowerCase());

export const minutes = (max: number) => z.number().int('must be whole minutes').min(0).max(max);

/** `?tz=` on every GET that returns instants. */
export const tzQuery = z.object({ tz: zoneName.optional() });

export const intervalOutput = z.object({ start_time: instantOutput, end_time: instantOutput });

export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem document (application/problem+json)' });
export type Problem = z.infer<typeof problem>;
