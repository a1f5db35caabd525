import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  availabilityQuery,
  compareQuery,
  createCalendarBody,
  createEventBody,
  createScheduleBody,
  createUserBody,
  eventListQuery,
  instantInput,
  scheduleLinkInput,
  timeSlotInput,
  dateOverrideInput,
} from '../src/index.js';

const requestSchemas = {
  createUserBody,
  createScheduleBody,
  createCalendarBody,
  scheduleLinkInput,
  createEventBody,
  eventListQuery,
  availabilityQuery,
  compareQuery,
};

/** Objects that share the real field names, so refinements see half-valid bodies too. */
/** Every field name of the request schemas, to mix with hostile values. */
const FIELD_NAMES = [
  ...new Set(
    [
      createUserBody,
      createScheduleBody,
      createCalendarBody,
      scheduleLinkInput,
      createEventBody,
      timeSlotInput,
      dateOverrideInput,
    ].flatMap((schema) => Object.keys(schema.shape)),
  ),
];
const plausible = fc.oneof(
  fc.constantFrom(
    '2030-06-24T09:00:00Z',
    '2030-02-30T09:00:00Z',
    '09:00',
    '24:00',
    'monday',
    '0123456789abcdef01234567',
    'a@b.co',
    'UTC',
  ),
  fc.anything(),
);
const nearlyValid = fc.dictionary(
  fc.constantFrom(...FIELD_NAMES),
  fc.oneof(plausible, fc.array(plausible), fc.array(fc.dictionary(fc.constantFrom(...FIELD_NAMES), plausible))),
);

describe('request schemas', () => {
  it.each(Object.entries(requestSchemas))('%s never throws, whatever JSON arrives', (_name, schema) => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), nearlyValid), (input) => {
        expect(() => schema.safeParse(input)).not.toThrow();
      }),
      { numRuns: 400 },
    );
  });

  it('accepts instants with Z or an offset and refuses bare local times and impossible dates', () => {
    expect(instantInput.parse('2030-06-24T09:00:00+02:00').toISOString()).toBe('2030-06-24T07:00:00.000Z');
    expect(instantInput.parse('2030-06-24T09:00:00.5Z').toISOString()).toBe('2030-06-24T09:00:00.500Z');
    expect(instantInput.safeParse('2030-06-24T09:00:00').success).toBe(false);
    expect(instantInput.safeParse('2030-02-30T09:00:00Z').success).toBe(false);
    expect(instantInput.safeParse('2030-06-24').success).toBe(false);
  });

  it('reads an unencoded + offset in a query string back from the space it became', () => {
    const parsed = eventListQuery.parse({ from: '2030-06-24T09:00:00 02:00' });
    expect(parsed.from?.toISOString()).toBe('2030-06-24T07:00:00.000Z');
  });

  it('limits availability to 31 days and 1 hour and requires to after from', () => {
    const query = (from: string, to: string) => availabilityQuery.safeParse({ from, to }).success;
    expect(query('2030-06-01T00:00:00Z', '2030-07-02T01:00:00Z')).toBe(true);
    expect(query('2030-06-01T00:00:00Z', '2030-07-02T01:00:01Z')).toBe(false);
    expect(query('2030-06-02T00:00:00Z', '2030-06-01T00:00:00Z')).toBe(false);
  });
});

describe('instants', () => {
  it('reads every instant exactly as luxon does, refusing the days a month does not have', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const instant = fc
      .tuple(
        fc.integer({ min: 1900, max: 2400 }),
        two(12).filter((m) => m !== '00'),
        two(31).filter((d) => d !== '00'),
        two(23),
        two(59),
        two(59),
        fc.constantFrom('', '.5', '.123', '.123456'),
        fc.constantFrom('Z', '+00:00', '+05:30', '-03:30', '+14:00', '-12:00', '+13:45'),
      )
      .map(([y, mo, d, h, mi, s, frac, off]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${off}`);
    fc.assert(
      fc.property(instant, (value) => {
        const expected = DateTime.fromISO(value, { setZone: true });
        const parsed = instantInput.safeParse(value);
        expect(parsed.success).toBe(expected.isValid);
        if (parsed.success) expect(parsed.data.getTime()).toBe(expected.toMillis());
      }),
      { numRuns: 3_000 },
    );
  });
});
