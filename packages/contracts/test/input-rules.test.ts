import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  calendarParams,
  calendarScheduleParams,
  canonicalZone,
  createCalendarBody,
  createEventBody,
  createScheduleBody,
  createUserBody,
  email,
  eventListQuery,
  eventParams,
  eventResponse,
  listSchedulesQuery,
  scheduleLinkInput,
  scheduleParams,
  tzQuery,
  userParams,
  zoneName,
  type CreateCalendarBody,
  type CreateEventBody,
  type CreateScheduleBody,
  type CreateUserBody,
  type EventListQuery,
  type EventResponse,
  type ScheduleLinkInput,
} from '../src/index.js';

const ID = '0123456789abcdef01234567';
const ID2 = '0123456789abcdef01234568';

/** The paths and messages of a refusal, or 'accepted'. */
const refusal = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  return result.success ? 'accepted' : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

const user = { name: 'Ann', email: 'ann@example.com' };
const schedule = {
  user_id: ID,
  name: 'Work hours',
  time_slots: [{ day_of_week: 'monday', start_time: '09:00', end_time: '17:00' }],
};
const calendar = { user_id: ID, name: 'Intro calls' };
const event = {
  calendar_id: ID,
  title: 'Intro call',
  start_time: '2030-06-24T09:00:00Z',
  end_time: '2030-06-24T09:30:00Z',
  booked_by: 'ann@example.com',
};

describe('emails: what an HTML email input accepts, with a dot in the domain', () => {
  it.each([
    'sales=eu@example.com',
    'ivan@xn--e1afmkfd.xn--p1ai',
    "o'brien@example.co.uk",
    'a+tag@sub.example.com',
    "!#$%&'*+/=?^_`{|}~-.@example.com",
    '.leading.and..double.dots.@example.com',
    'x@a-b.c0',
    `${'l'.repeat(64)}@${'d'.repeat(63)}.com`,
  ])('accepts %s', (address) => {
    expect(email.parse(address)).toBe(address.toLowerCase());
  });

  it.each([
    ['no dot in the domain', 'ann@localhost'],
    ['no domain', 'ann@'],
    ['no local part', '@example.com'],
    ['two @', 'ann@bob@example.com'],
    ['a space', 'ann lee@example.com'],
    ['a quoted local part', '"ann"@example.com'],
    ['a label starting with a hyphen', 'ann@-example.com'],
    ['a label ending with a hyphen', 'ann@example-.com'],
    ['an underscore in the domain', 'ann@exa_mple.com'],
    ['an empty label', 'ann@example..com'],
    ['a trailing dot', 'ann@example.com.'],
    ['a label of 64 characters', `ann@${'d'.repeat(64)}.com`],
    ['non-ASCII', 'änn@example.com'],
    ['an IP literal', 'ann@[127.0.0.1]'],
    ['a line break', 'ann@example.com\nbcc@example.com'],
    ['not a string', 42],
  ])('refuses %s', (_why, address) => {
    expect(email.safeParse(address).success).toBe(false);
  });

  it('lower-cases and trims what it accepts, up to 254 characters', () => {
    expect(email.parse('  Sales=EU@Example.COM ')).toBe('sales=eu@example.com');
    const longest = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.io`;
    expect(longest).toHaveLength(254);
    expect(email.safeParse(longest).success).toBe(true);
    expect(email.safeParse(`a${longest}`).success).toBe(false);
  });

  it('stores user and booker emails lower-cased, and refuses a bad one naming the field', () => {
    expect(createUserBody.parse({ ...user, email: 'Sales=EU@Example.com' }).email).toBe('sales=eu@example.com');
    expect(createEventBody.parse({ ...event, booked_by: 'Ivan@XN--E1AFMKFD.XN--P1AI' }).booked_by).toBe(
      'ivan@xn--e1afmkfd.xn--p1ai',
    );
    expect(refusal(createUserBody, { ...user, email: 'ann@localhost' })).toEqual([
      'email: must be a valid email address',
    ]);
  });
});

describe('time zones: matched case-insensitively, parsed to their canonical spelling', () => {
  it.each([
    ['america/new_york', 'America/New_York'],
    ['AMERICA/NEW_YORK', 'America/New_York'],
    ['utc', 'UTC'],
    ['Utc', 'UTC'],
    ['etc/utc', 'Etc/UTC'],
    ['etc/gmt+1', 'Etc/GMT+1'],
    ['europe/berlin', 'Europe/Berlin'],
    ['america/port-au-prince', 'America/Port-au-Prince'],
    ['antarctica/dumontdurville', 'Antarctica/DumontDUrville'],
    ['america/argentina/comodrivadavia', 'America/Argentina/ComodRivadavia'],
    ['est5edt', 'EST5EDT'],
    // Links keep their own name: the same IANA name, correctly spelled, never another one.
    ['us/eastern', 'US/Eastern'],
    ['asia/calcutta', 'Asia/Calcutta'],
    ['asia/kolkata', 'Asia/Kolkata'],
    ['europe/kiev', 'Europe/Kiev'],
    ['europe/kyiv', 'Europe/Kyiv'],
  ])('reads %s as %s', (sent, canonical) => {
    expect(zoneName.parse(sent)).toBe(canonical);
    expect(canonicalZone(sent)).toBe(canonical);
  });

  it.each([
    'Mars/Olympus',
    '',
    ' Europe/Berlin',
    'Europe/Berlin ',
    'Europe\\Berlin',
    '+01:00',
    'Z',
    'Factory',
    'x'.repeat(65),
  ])('refuses %j', (sent) => {
    expect(refusal(zoneName, sent)).not.toBe('accepted');
  });

  it('reads every zone the runtime knows, in any case, as itself', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.func(fc.boolean()), (zone, upper) => {
        const mixed = [...zone].map((ch, i) => (upper(i) ? ch.toUpperCase() : ch.toLowerCase())).join('');
        expect(zoneName.parse(mixed)).toBe(zone);
      }),
      { numRuns: 1_000 },
    );
    for (const zone of zones) expect(canonicalZone(zone)).toBe(zone);
  });

  it('canonicalises the zone of users, schedules and ?tz=', () => {
    expect(createUserBody.parse({ ...user, timezone: 'america/new_york' }).timezone).toBe('America/New_York');
    expect(createScheduleBody.parse({ ...schedule, timezone: 'utc' }).timezone).toBe('UTC');
    expect(tzQuery.parse({ tz: 'asia/tokyo' }).tz).toBe('Asia/Tokyo');
    expect(eventListQuery.parse({ tz: 'europe/berlin' }).tz).toBe('Europe/Berlin');
    expect(refusal(createUserBody, { ...user, timezone: 'Mars/Olympus' })).toEqual([
      'timezone: must be a known IANA time zone, e.g. Europe/Berlin',
    ]);
  });
});

describe('null for an optional field means the same as leaving it out', () => {
  const bodies: Array<[string, z.ZodObject, Record<string, unknown>]> = [
    ['createUserBody', createUserBody, { ...user, timezone: 'Europe/Berlin' }],
    [
      'createScheduleBody',
      createScheduleBody,
      { ...schedule, timezone: 'Europe/Berlin', date_overrides: [{ date: '2030-12-25', time_slots: [] }] },
    ],
    [
      'createCalendarBody',
      createCalendarBody,
      {
        ...calendar,
        availability_schedule_ids: [ID],
        availability_schedules: [{ availability_schedule_id: ID2, expires_on: '2030-12-31T00:00:00Z' }],
        meeting_duration_minutes: 30,
        buffer_before_minutes: 5,
        buffer_after_minutes: 10,
        min_notice_minutes: 60,
        slot_interval_minutes: 15,
        booking_horizon_days: 60,
      },
    ],
    ['scheduleLinkInput', scheduleLinkInput, { availability_schedule_id: ID, expires_on: '2030-12-31T00:00:00Z' }],
    [
      'createEventBody',
      createEventBody,
      { ...event, booker_name: 'Ann Lee', notes: 'About the offer', guests: ['bob@example.com'] },
    ],
  ];

  it.each(bodies)('%s: every field that may be left out may be null, with the same result', (_name, schema, full) => {
    const optional = Object.keys(full).filter((key) => {
      const { [key]: _left, ...rest } = full;
      return schema.safeParse(rest).success;
    });
    expect(optional.length).toBeGreaterThan(0);
    for (const key of optional) {
      const { [key]: _left, ...rest } = full;
      expect(schema.parse({ ...full, [key]: null }), key).toEqual(schema.parse(rest));
    }
  });

  it('takes a calendar’s rules back exactly as a GET returns them, null included', () => {
    // A GET answers every rule: those with a default as their number, the others as null.
    const numbers = { buffer_before_minutes: 0, buffer_after_minutes: 0, min_notice_minutes: 0 };
    const nulls = { meeting_duration_minutes: null, slot_interval_minutes: null, booking_horizon_days: null };
    const parsed = createCalendarBody.parse({
      ...calendar,
      ...numbers,
      ...nulls,
      availability_schedules: [{ availability_schedule_id: ID, expires_on: null }],
    });
    expect(parsed).toEqual({
      ...calendar,
      availability_schedule_ids: [],
      availability_schedules: [{ availability_schedule_id: ID }],
      ...numbers,
    });
  });

  it('gives a null with a default its default', () => {
    expect(createUserBody.parse({ ...user, timezone: null }).timezone).toBe('UTC');
    expect(createScheduleBody.parse({ ...schedule, date_overrides: null }).date_overrides).toEqual([]);
    const rules = createCalendarBody.parse({
      ...calendar,
      buffer_before_minutes: null,
      availability_schedule_ids: null,
    });
    expect(rules.buffer_before_minutes).toBe(0);
    expect(rules.availability_schedule_ids).toEqual([]);
    expect(createEventBody.parse({ ...event, guests: null }).guests).toEqual([]);
  });

  it('hands out a fresh default each time, so one request cannot change another’s', () => {
    const first = createScheduleBody.parse({ ...schedule, date_overrides: null });
    first.date_overrides.push({ date: '2030-01-01', time_slots: [] });
    expect(createScheduleBody.parse(schedule).date_overrides).toEqual([]);
    expect(createScheduleBody.parse({ ...schedule, date_overrides: null }).date_overrides).toEqual([]);
  });

  it('still refuses null where a field is required', () => {
    expect(refusal(createUserBody, { ...user, name: null })).not.toBe('accepted');
    expect(refusal(createEventBody, { ...event, title: null })).not.toBe('accepted');
    expect(refusal(createScheduleBody, { ...schedule, time_slots: null })).not.toBe('accepted');
  });

  it('keeps the types the services expect: undefined, never null', () => {
    expectTypeOf<CreateUserBody['timezone']>().toEqualTypeOf<string>();
    expectTypeOf<CreateScheduleBody['timezone']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<CreateScheduleBody['date_overrides']>().toEqualTypeOf<
      Array<{ date: string; time_slots: Array<{ start_time: string; end_time: string }> }>
    >();
    expectTypeOf<CreateCalendarBody['meeting_duration_minutes']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<CreateCalendarBody['buffer_before_minutes']>().toEqualTypeOf<number>();
    expectTypeOf<CreateCalendarBody['availability_schedule_ids']>().toEqualTypeOf<string[]>();
    expectTypeOf<ScheduleLinkInput['expires_on']>().toEqualTypeOf<Date | undefined>();
    expectTypeOf<CreateEventBody['booker_name']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<CreateEventBody['notes']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<CreateEventBody['guests']>().toEqualTypeOf<string[]>();
    expectTypeOf<CreateEventBody>().toHaveProperty('booker_name');
  });
});

describe('text fields refuse control characters and unpaired surrogates, naming the field', () => {
  const textFields: Array<[string, z.ZodType, Record<string, unknown>]> = [
    ['name', createUserBody, user],
    ['name', createScheduleBody, schedule],
    ['name', createCalendarBody, calendar],
    ['title', createEventBody, event],
    ['booker_name', createEventBody, event],
    ['notes', createEventBody, event],
  ];

  it.each(textFields)('%s refuses NUL, escapes, DEL, C1 controls and lone surrogates', (field, schema, body) => {
    for (const bad of ['A\u0000nn', 'A\u0007', '\u001b[31mAnn', 'Ann\u007f', 'Ann\u0085', 'Ann\u009b', 'Ann\u000b']) {
      const issues = refusal(schema, { ...body, [field]: bad });
      expect(issues, JSON.stringify(bad)).toEqual([
        expect.stringMatching(new RegExp(`^${field}: .*control characters`)),
      ]);
    }
    for (const bad of ['Ann\ud800', '\udc00Ann', 'A\ud83dnn', '\ude00\ud83d']) {
      expect(refusal(schema, { ...body, [field]: bad }), JSON.stringify(bad)).toEqual([
        `${field}: must not contain unpaired UTF-16 surrogates`,
      ]);
    }
    expect(schema.safeParse({ ...body, [field]: 'Ann 😀 Lee – Zoë, 李' }).success).toBe(true);
  });

  it.each(textFields.filter(([field]) => field !== 'notes'))(
    '%s is one line: line breaks and tabs are refused',
    (field, schema, body) => {
      for (const bad of ['Ann\nLee', 'Ann\r\nLee', 'Ann\tLee', 'Ann\n']) {
        expect(refusal(schema, { ...body, [field]: bad })).toEqual([`${field}: must not contain control characters`]);
      }
    },
  );

  it('lets notes carry tabs and line breaks, CRLF included, but not a lone carriage return', () => {
    const notes = 'Agenda:\n\t1. intro\r\n\t2. offer';
    expect(createEventBody.parse({ ...event, notes }).notes).toBe(notes);
    expect(refusal(createEventBody, { ...event, notes: 'one\rtwo' })).toEqual([
      'notes: must not contain control characters other than tab and line breaks',
    ]);
  });

  it('trims names and refuses a blank one', () => {
    expect(createUserBody.parse({ ...user, name: '  Ann  ' }).name).toBe('Ann');
    expect(refusal(createUserBody, { ...user, name: '   ' })).not.toBe('accepted');
  });
});

describe('the events body', () => {
  const guests = (n: number) => Array.from({ length: n }, (_, i) => `guest${i}@example.com`);

  it('takes at most 10 guests, as an array or a comma-separated string', () => {
    expect(createEventBody.parse({ ...event, guests: guests(10) }).guests).toEqual(guests(10));
    expect(createEventBody.parse({ ...event, guests: guests(10).join(', ') }).guests).toEqual(guests(10));
    expect(refusal(createEventBody, { ...event, guests: guests(11) })).toEqual(['guests: at most 10 guests']);
    expect(refusal(createEventBody, { ...event, guests: guests(11).join(',') })).toEqual(['guests: at most 10 guests']);
    // Eleven entries are refused even when two are one address: the limit is on what is sent.
    expect(refusal(createEventBody, { ...event, guests: [...guests(10), 'GUEST0@example.com'] })).not.toBe('accepted');
  });

  it('stores guests de-duplicated and lower-cased, and names a bad one', () => {
    const body = { ...event, guests: ['Bob@Example.com', 'bob@example.com', 'cy@example.com'] };
    expect(createEventBody.parse(body).guests).toEqual(['bob@example.com', 'cy@example.com']);
    expect(createEventBody.parse({ ...event, guests: 'BOB@example.com, bob@example.com,,' }).guests).toEqual([
      'bob@example.com',
    ]);
    expect(refusal(createEventBody, { ...event, guests: ['bob@example.com', 'bob@localhost'] })).toEqual([
      'guests.1: must be a valid email address',
    ]);
    expect(refusal(createEventBody, { ...event, guests: 'bob@example.com,bob@localhost' })).toEqual([
      'guests.1: must be a valid email address',
    ]);
  });

  it('takes an optional booker_name of 1–200 characters and notes of at most 2000', () => {
    const parsed = createEventBody.parse({ ...event, booker_name: ' Ann Lee ', notes: 'About the offer' });
    expect(parsed).toMatchObject({ booker_name: 'Ann Lee', notes: 'About the offer' });
    expect(createEventBody.parse(event)).not.toHaveProperty('booker_name');
    expect(createEventBody.safeParse({ ...event, booker_name: 'x'.repeat(200) }).success).toBe(true);
    expect(createEventBody.safeParse({ ...event, notes: 'x'.repeat(2000) }).success).toBe(true);
    expect(createEventBody.safeParse({ ...event, notes: '' }).success).toBe(true);
    expect(refusal(createEventBody, { ...event, booker_name: '' })).not.toBe('accepted');
    expect(refusal(createEventBody, { ...event, booker_name: 'x'.repeat(201) })).not.toBe('accepted');
    expect(refusal(createEventBody, { ...event, notes: 'x'.repeat(2001) })).not.toBe('accepted');
  });

  it('answers with booker_name and notes, null when not given', () => {
    const answered: EventResponse = {
      ...event,
      id: ID2,
      booker_name: null,
      notes: null,
      guests: [],
      status: 'confirmed',
      created_at: '2030-06-01T00:00:00.000Z',
    };
    expect(z.encode(eventResponse, answered)).toEqual(answered);
    expectTypeOf<EventResponse['booker_name']>().toEqualTypeOf<string | null>();
    expectTypeOf<EventResponse['notes']>().toEqualTypeOf<string | null>();
    // A reply must carry both (the serializer encodes); a message from before they existed still reads.
    const { booker_name: _name, notes: _notes, ...older } = answered;
    expect(z.safeEncode(eventResponse, older as EventResponse).success).toBe(false);
    expect(eventResponse.parse(older)).toEqual(answered);
  });
});

describe('the events list query', () => {
  it('refuses from after to, and accepts an empty or open range', () => {
    expect(refusal(eventListQuery, { from: '2030-06-02T00:00:00Z', to: '2030-06-01T00:00:00Z' })).toEqual([
      'to: to must not be before from',
    ]);
    expect(eventListQuery.safeParse({ from: '2030-06-01T00:00:00Z', to: '2030-06-01T00:00:00Z' }).success).toBe(true);
    expect(eventListQuery.safeParse({ from: '2030-06-01T00:00:00Z' }).success).toBe(true);
    expect(eventListQuery.safeParse({ to: '2030-06-01T00:00:00Z' }).success).toBe(true);
  });

  it('defaults status to confirmed and limit to 100', () => {
    expect(eventListQuery.parse({})).toEqual({ status: 'confirmed', limit: 100 });
    expectTypeOf<EventListQuery['status']>().toEqualTypeOf<'confirmed' | 'canceled' | 'all'>();
    expectTypeOf<EventListQuery['limit']>().toEqualTypeOf<number>();
    expectTypeOf<EventListQuery['cursor']>().toEqualTypeOf<string | undefined>();
  });

  it.each([
    [{ status: 'canceled' }, 'accepted'],
    [{ status: 'all' }, 'accepted'],
    [{ status: 'pending' }, 'refused'],
    [{ limit: '1' }, 'accepted'],
    [{ limit: '500' }, 'accepted'],
    [{ limit: '0' }, 'refused'],
    [{ limit: '501' }, 'refused'],
    [{ limit: '2.5' }, 'refused'],
    [{ limit: 'ten' }, 'refused'],
    [{ cursor: 'eyJzIjoxfQ_-.~' }, 'accepted'],
    [{ cursor: 'c'.repeat(200) }, 'accepted'],
    [{ cursor: 'c'.repeat(201) }, 'refused'],
    [{ cursor: '' }, 'refused'],
    [{ cursor: 'a>; rel="x"' }, 'refused'],
    [{ cursor: 'a\r\nSet-Cookie: x' }, 'refused'],
  ])('%j is %s', (query, expected) => {
    expect(eventListQuery.safeParse(query).success ? 'accepted' : 'refused').toBe(expected);
  });

  it('reads limit as a number', () => {
    expect(eventListQuery.parse({ limit: '25', status: 'all', cursor: 'abc' })).toEqual({
      limit: 25,
      status: 'all',
      cursor: 'abc',
    });
  });
});

describe('limits', () => {
  const slot = { day_of_week: 'monday', start_time: '09:00', end_time: '10:00' };
  const overrides = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      date: new Date(Date.UTC(2030, 0, 1 + i)).toISOString().slice(0, 10),
      time_slots: [],
    }));
  const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => (from + i).toString(16).padStart(24, '0'));

  it('takes at most 200 weekly slots and 400 date overrides per schedule', () => {
    expect(createScheduleBody.safeParse({ ...schedule, time_slots: Array(200).fill(slot) }).success).toBe(true);
    expect(refusal(createScheduleBody, { ...schedule, time_slots: Array(201).fill(slot) })).toEqual([
      'time_slots: Too big: expected array to have <=200 items',
    ]);
    expect(createScheduleBody.safeParse({ ...schedule, date_overrides: overrides(400) }).success).toBe(true);
    expect(refusal(createScheduleBody, { ...schedule, date_overrides: overrides(401) })).toEqual([
      'date_overrides: Too big: expected array to have <=400 items',
    ]);
  });

  it('links at most 10 schedules to a calendar, both forms together', () => {
    const links = (list: string[]) => list.map((id) => ({ availability_schedule_id: id }));
    expect(createCalendarBody.safeParse({ ...calendar, availability_schedule_ids: ids(10) }).success).toBe(true);
    expect(createCalendarBody.safeParse({ ...calendar, availability_schedules: links(ids(10)) }).success).toBe(true);
    const mixed = { ...calendar, availability_schedule_ids: ids(5), availability_schedules: links(ids(5, 5)) };
    expect(createCalendarBody.safeParse(mixed).success).toBe(true);
    expect(refusal(createCalendarBody, { ...mixed, availability_schedules: links(ids(6, 5)) })).toEqual([
      'availability_schedules: a calendar links at most 10 schedules (both forms together)',
    ]);
    expect(refusal(createCalendarBody, { ...calendar, availability_schedule_ids: ids(11) })).not.toBe('accepted');
  });

  it('passes expires_on through as a Date, past or not (the use case checks it against the clock)', () => {
    const link = scheduleLinkInput.parse({ availability_schedule_id: ID, expires_on: '2001-01-01T00:00:00+02:00' });
    expect(link.expires_on).toEqual(new Date('2000-12-31T22:00:00Z'));
  });
});

describe('ids: a malformed id of any length is refused, naming it', () => {
  const malformed = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.stringMatching(/^[0-9a-f]{0,100}$/),
    fc.stringMatching(/^[0-9A-F]{24}$/),
  );
  const idSchemas: Array<[string, z.ZodObject]> = [
    ['user_id', userParams],
    ['schedule_id', scheduleParams],
    ['calendar_id', calendarParams],
    ['event_id', eventParams],
    ['user_id', listSchedulesQuery],
  ];

  it.each(idSchemas)('%s', (field, schema) => {
    fc.assert(
      fc.property(
        malformed.filter((id) => !/^[0-9a-f]{24}$/.test(id)),
        (id) => {
          expect(refusal(schema, { [field]: id })).toEqual([`${field}: must be a 24-character lower-case hex id`]);
        },
      ),
      { numRuns: 300 },
    );
    expect(schema.parse({ [field]: ID })).toEqual({ [field]: ID });
  });

  it('checks both ids of a link path', () => {
    expect(refusal(calendarScheduleParams, { calendar_id: 'x'.repeat(500), schedule_id: ID.toUpperCase() })).toEqual([
      'calendar_id: must be a 24-character lower-case hex id',
      'schedule_id: must be a 24-character lower-case hex id',
    ]);
  });
});

describe('the OpenAPI view of the changed schemas', () => {
  const inputs = { createUserBody, createScheduleBody, createCalendarBody, scheduleLinkInput, createEventBody };
  type JsonSchema = { properties: Record<string, Record<string, unknown>>; required?: string[] };
  const input = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' }) as unknown as JsonSchema;
  const allowsNull = (property: Record<string, unknown>) => JSON.stringify(property).includes('"type":"null"');

  it.each(Object.entries(inputs))('%s documents null for every optional field', (_name, schema) => {
    const json = input(schema);
    for (const [key, property] of Object.entries(json.properties)) {
      if (!json.required?.includes(key)) expect(allowsNull(property), key).toBe(true);
    }
  });

  it('documents the defaults and the limits', () => {
    expect(input(createUserBody).properties.timezone?.default).toBe('UTC');
    expect(input(createCalendarBody).properties.buffer_before_minutes?.default).toBe(0);
    expect(input(createCalendarBody).properties.availability_schedules?.default).toEqual([]);
    expect(input(createEventBody).properties.guests?.default).toEqual([]);
    expect(JSON.stringify(input(createEventBody).properties.guests)).toContain('"maxItems":10');
    expect(input(eventListQuery).properties.limit).toMatchObject({ default: 100, minimum: 1, maximum: 500 });
  });

  it('documents booker_name and notes as always present in an event', () => {
    const json = z.toJSONSchema(eventResponse, { io: 'output' }) as unknown as { $defs: { Event: JsonSchema } };
    expect(json.$defs.Event.required).toEqual(expect.arrayContaining(['booker_name', 'notes']));
  });
});
