import {
  ALL_DAYS,
  apiSetup,
  ApiError,
  booking,
  inProcessClient,
  wallClock,
  type ApiSetup,
  type NewCalendar,
  type Owner,
  type TimeSlot,
  type Weekday,
} from '@slotkeeper/testing/api';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.js';

/*
 * An owner edits hours and rules while invitees book and reschedule. The test keeps its own model
 * of the schedules, links, rules and events (wall clocks read with luxon, by the contract's DST
 * policy; never the availability engine) and predicts every answer from it: a booking or move the
 * model finds inside the hours in force and clear of other events (with the buffers in force) must
 * be 201 (200); one clear of events but outside the hours, the notice, the horizon or the meeting
 * length 422; one that only meets another event 409; nothing is ever a 5xx, and every edit 200.
 * After each command the ledger holds exactly the model's events; whenever slots are listed (right
 * after an edit, among others) the free time is the model's, every slot passes the model, and
 * the one picked is booked (read your writes). The owner's key is also replaced now and then: the
 * old one is refused at once.
 */

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
/**
 * The ten days the runs book in, from 06:00 UTC on the first: a June without any DST change, and
 * ten days in which Berlin springs forward (2030-03-31) and Auckland falls back (2030-04-07).
 */
const SEASONS = [
  { name: 'in June', first: '2030-06-03', zones: ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata'] },
  { name: 'across DST changes', first: '2030-03-28', zones: ['Europe/Berlin', 'Pacific/Auckland', 'Asia/Kolkata'] },
] as const;
const OWNER_ZONE = 'Europe/Berlin';
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Auckland'] as const;
const SCHEDULES = 3;
const CALENDARS = 2;

// ---------------------------------------------------------------------------------------------
// The model

interface Range {
  start: number; // minutes after local midnight
  end: number; // ≤ 1440
}
interface ModelSchedule {
  id: string;
  zone: string;
  weekly: Map<Weekday, Range[]>;
  overrides: Map<string, Range[]>; // local date → ranges; empty closes the day
}
interface ModelRules {
  duration: number | null;
  before: number;
  after: number;
  notice: number;
  horizonDays: number | null;
}
interface ModelCalendar {
  id: string;
  links: Array<{ schedule: number; expiresOn: number | null }>;
  rules: ModelRules;
}
interface ModelEvent {
  id: string;
  calendar: number;
  start: number;
  end: number;
  token: string;
  canceled: boolean;
}
interface Interval {
  start: number;
  end: number;
}

/**
 * The instant of a wall-clock time on a local date in `zone` (24:00 is the next midnight), by the
 * contract's DST policy: a time the clock repeats is its first occurrence; a time it skips is the
 * first instant after the gap.
 */
function wallInstant(date: DateTime, minutes: number, zone: string): number {
  const day = minutes === 1440 ? date.plus({ days: 1 }) : date;
  const m = minutes % 1440;
  const wall = { year: day.year, month: day.month, day: day.day, hour: Math.floor(m / 60), minute: m % 60 };
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const offsetAt = (instant: number) => DateTime.fromMillis(instant, { zone }).offset * MINUTE;
  const offsets = [offsetAt(asUtc - DAY), offsetAt(asUtc + DAY)];
  const readsAs = (instant: number) => {
    const local = DateTime.fromMillis(instant, { zone });
    return local.day === wall.day && local.hour === wall.hour && local.minute === wall.minute;
  };
  const valid = offsets.map((o) => asUtc - o).filter(readsAs);
  if (valid.length > 0) return Math.min(...valid);
  // In a gap: the clock jumps at some minute between the two readings; find it.
  let instant = asUtc - Math.max(...offsets);
  while (DateTime.fromMillis(instant, { zone }).offset * MINUTE !== Math.max(...offsets)) instant += MINUTE;
  return instant;
}

/** The open hours of `calendar`'s links in force, in [from, to): merged, sorted. */
function openHours(model: Model, calendar: ModelCalendar, from: number, to: number): Interval[] {
  const pieces: Interval[] = [];
  for (const link of calendar.links) {
    const schedule = model.schedules[link.schedule]!;
    let date = DateTime.fromMillis(from - DAY, { zone: schedule.zone }).startOf('day');
    const last = DateTime.fromMillis(to + DAY, { zone: schedule.zone });
    for (; date <= last; date = date.plus({ days: 1 })) {
      const weekday = ALL_DAYS[date.weekday - 1]!;
      const ranges = schedule.overrides.get(date.toISODate()!) ?? schedule.weekly.get(weekday) ?? [];
      for (const range of ranges) {
        const start = Math.max(wallInstant(date, range.start, schedule.zone), from);
        const end = Math.min(wallInstant(date, range.end, schedule.zone), to, link.expiresOn ?? Infinity);
        if (end > start) pieces.push({ start, end });
      }
    }
  }
  pieces.sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const piece of pieces) {
    const tail = merged[merged.length - 1];
    if (tail && piece.start <= tail.end) tail.end = Math.max(tail.end, piece.end);
    else merged.push({ ...piece });
  }
  return merged;
}

/**
 * What the API must make of a booking (or a move of `self`) of `candidate` at the model's now;
 * `hours`, the calendar's open hours over a range around it, when already computed.
 */
function verdict(model: Model, calendarIndex: number, candidate: Interval, self?: string, hours?: Interval[]) {
  const calendar = model.calendars[calendarIndex]!;
  const { rules } = calendar;
  const now = model.now;
  const open = hours ?? openHours(model, calendar, candidate.start, candidate.end);
  const inside = open.some((i) => i.start <= candidate.start && candidate.end <= i.end);
  const unbookable =
    (rules.duration !== null && candidate.end - candidate.start !== rules.duration * MINUTE) ||
    candidate.start < now + rules.notice * MINUTE ||
    (rules.horizonDays !== null && candidate.end > now + rules.horizonDays * DAY) ||
    !inside;
  const reach = (rules.before + rules.after) * MINUTE;
  const conflict = model.events.some(
    (e) =>
      !e.canceled &&
      e.calendar === calendarIndex &&
      e.id !== self &&
      candidate.start < e.end + reach &&
      e.start - reach < candidate.end,
  );
  return { unbookable, conflict };
}

/** The free time of a calendar in [from, to): open hours less what events, notice and horizon keep. */
function freeTime(model: Model, calendarIndex: number, from: number, to: number): Interval[] {
  const calendar = model.calendars[calendarIndex]!;
  const { rules } = calendar;
  const reach = (rules.before + rules.after) * MINUTE;
  const cuts = model
    .confirmed()
    .filter((e) => e.calendar === calendarIndex)
    .map((e) => ({ start: e.start - reach, end: e.end + reach }));
  cuts.push({ start: -Infinity, end: model.now + rules.notice * MINUTE });
  if (rules.horizonDays !== null) cuts.push({ start: model.now + rules.horizonDays * DAY, end: Infinity });
  let free = openHours(model, calendar, from, to);
  for (const cut of cuts) {
    free = free.flatMap((i) =>
      cut.end <= i.start || cut.start >= i.end
        ? [i]
        : [
            ...(cut.start > i.start ? [{ start: i.start, end: cut.start }] : []),
            ...(cut.end < i.end ? [{ start: cut.end, end: i.end }] : []),
          ],
    );
  }
  return free;
}

/** The statuses a verdict allows: the success status, 409, 422, or (both wrong) either refusal. */
function allowed(v: { unbookable: boolean; conflict: boolean }, success: number): number[] {
  if (v.unbookable && v.conflict) return [409, 422];
  if (v.conflict) return [409];
  if (v.unbookable) return [422];
  return [success];
}

class Model {
  constructor(readonly firstDay: number) {
    this.now = firstDay + 6 * 60 * MINUTE;
  }
  now: number;
  ownerZone: string = OWNER_ZONE;
  schedules: ModelSchedule[] = [];
  calendars: ModelCalendar[] = [];
  events: ModelEvent[] = [];
  /** Reschedules the API answered, and those it did not serve (404/405 while the route is unserved). */
  reschedules = { answered: 0, unserved: 0 };
  confirmed = () => this.events.filter((e) => !e.canceled);
}

// ---------------------------------------------------------------------------------------------
// Commands

const day = fc.constantFrom(...ALL_DAYS);
const quarter = fc.integer({ min: 0, max: 95 });
const span = fc.integer({ min: 1, max: 40 }); // quarters
const pick = fc.double({ min: 0, max: 0.999, noNaN: true });
const probe = fc.option(pick, { nil: null }); // book a listed slot right after the edit
const scheduleIndex = fc.integer({ min: 0, max: SCHEDULES - 1 });
const calendarIndex = fc.integer({ min: 0, max: CALENDARS - 1 });
const length = fc.oneof({ weight: 3, arbitrary: fc.constant('rule' as const) }, fc.constantFrom(15, 30, 45, 60, 90));
const ruleValue = <T>(...values: T[]) => fc.constantFrom<T | null>(null, ...values);

// Edits and bookings about half and half; most bookings aim where the answer is not obvious.
const command = fc.oneof(
  fc.record({
    kind: fc.constant('slots' as const),
    schedule: scheduleIndex,
    slots: fc.array(fc.record({ day, start: quarter, span }), { maxLength: 8 }),
    probe,
  }),
  fc.record({
    kind: fc.constant('overrides' as const),
    schedule: scheduleIndex,
    overrides: fc.option(
      fc.uniqueArray(
        fc.record({
          date: fc.integer({ min: 0, max: 9 }),
          slots: fc.array(fc.record({ start: quarter, span }), { maxLength: 3 }),
        }),
        { selector: (o) => o.date, maxLength: 4 },
      ),
      { nil: null },
    ),
    probe,
  }),
  fc.record({
    kind: fc.constant('zone' as const),
    schedule: scheduleIndex,
    zone: fc.constantFrom<string | null>(null, ...ZONES),
    probe,
  }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('rules' as const),
      calendar: calendarIndex,
      rules: fc.record(
        {
          meeting_duration_minutes: ruleValue(15, 30, 45, 60),
          buffer_before_minutes: ruleValue(0, 5, 15, 30),
          buffer_after_minutes: ruleValue(0, 10, 15),
          min_notice_minutes: ruleValue(0, 30, 120, 1440),
          slot_interval_minutes: ruleValue(5, 15, 30),
          booking_horizon_days: ruleValue(1, 3, 7),
        },
        { requiredKeys: [] },
      ),
      probe,
    }),
  },
  fc.record({
    kind: fc.constant('expiry' as const),
    calendar: calendarIndex,
    schedule: scheduleIndex,
    // Minutes after now (never past: that is a 400), or never.
    after: fc.option(
      fc.integer({ min: 1, max: 10 * 96 }).map((q) => q * 15),
      { nil: null },
    ),
    probe,
  }),
  fc.record({ kind: fc.constant('toggle' as const), calendar: calendarIndex, schedule: scheduleIndex, probe }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('book' as const),
      calendar: calendarIndex,
      day: fc.integer({ min: 0, max: 9 }),
      quarter,
      length,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('bookNear' as const),
      event: pick,
      after: fc.boolean(),
      // Minutes between it and the event: negative overlaps it.
      gap: fc.integer({ min: -6, max: 12 }).map((n) => n * 5),
      length,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bookListed' as const), calendar: calendarIndex, pick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('reschedule' as const),
      event: pick,
      target: fc.oneof(
        fc.record({ day: fc.integer({ min: 0, max: 9 }), quarter }),
        fc.record({ listed: pick }),
        fc.record({ shift: fc.integer({ min: -12, max: 12 }).map((n) => n * 5) }),
        fc.record({ near: pick, after: fc.boolean(), gap: fc.integer({ min: -6, max: 12 }).map((n) => n * 5) }),
      ),
      length,
      withToken: fc.boolean(),
      // Then book the time it left: free again, unless its own new time or buffers keep it.
      bookOld: fc.boolean(),
    }),
  },
  fc.record({ kind: fc.constant('ownerZone' as const), zone: fc.constantFrom(...ZONES) }),
  fc.record({ kind: fc.constant('rotateKey' as const) }),
  fc.record({ kind: fc.constant('cancel' as const), event: pick }),
  fc.record({ kind: fc.constant('wait' as const), minutes: fc.constantFrom(7, 15, 60, 240, 1440) }),
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

// ---------------------------------------------------------------------------------------------
// The run

const iso = (instant: number) => new Date(instant).toISOString();
const toRange = (start: number, span: number): Range => ({ start: start * 15, end: Math.min(96, start + span) * 15 });

/** The start of a meeting of `length` minutes `gap` minutes before or after `event` (negative: overlapping it). */
const near = (event: Interval, length: number, after: boolean, gap: number) =>
  after ? event.end + gap * MINUTE : event.start - gap * MINUTE - length * MINUTE;

/** The answer of a request that must succeed, or a failure naming what it answered instead. */
async function must<T>(what: string, request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ApiError) throw new Error(`${what}: ${error.message}`);
    throw error;
  }
}

class Run {
  readonly model: Model;
  readonly log: string[] = [];
  private owner!: Owner;

  constructor(
    private readonly api: ApiSetup,
    private readonly setClock: (instant: number) => void,
    /** How often each kind of answer came, over all runs: the runs must reach every case. */
    private readonly tally: Map<string, number>,
    firstDay: string,
    private readonly zones: readonly string[],
  ) {
    this.model = new Model(Date.parse(`${firstDay}T00:00:00Z`));
  }

  /** The local date `index` days after the first day. */
  private localDate(index: number) {
    return DateTime.fromMillis(this.model.firstDay, { zone: 'UTC' }).plus({ days: index }).toISODate()!;
  }

  private count(what: string) {
    this.tally.set(what, (this.tally.get(what) ?? 0) + 1);
  }

  async setUp() {
    this.setClock(this.model.now);
    this.owner = await this.api.user({ timezone: OWNER_ZONE });
    for (const zone of this.zones) {
      // Sundays from 02:30, inside the hour Berlin skips on 2030-03-31 and Auckland repeats on 2030-04-07.
      const slots = [
        { days: ALL_DAYS.slice(0, 5), start: 9 * 60, end: 12 * 60 },
        { days: ALL_DAYS.slice(0, 5), start: 13 * 60, end: 17 * 60 },
        { days: ['sunday' as const], start: 2 * 60 + 30, end: 6 * 60 },
      ];
      const created = await this.api.schedule(this.owner, {
        timezone: zone,
        time_slots: slots.flatMap((s) =>
          s.days.map((d) => ({ day_of_week: d, start_time: wallClock(s.start), end_time: wallClock(s.end) })),
        ),
      });
      this.model.schedules.push({
        id: created.id,
        zone,
        weekly: new Map(
          ALL_DAYS.map((d) => [
            d,
            slots.filter((s) => s.days.includes(d)).map((s) => ({ start: s.start, end: s.end })),
          ]),
        ),
        overrides: new Map(),
      });
    }
    const plans: Array<{ links: number[]; rules: ModelRules; body: Partial<NewCalendar> }> = [
      {
        links: [0, 1],
        rules: { duration: 30, before: 0, after: 10, notice: 0, horizonDays: null },
        body: { meeting_duration_minutes: 30, buffer_after_minutes: 10 },
      },
      {
        links: [1, 2],
        rules: { duration: 45, before: 5, after: 0, notice: 60, horizonDays: 14 },
        body: {
          meeting_duration_minutes: 45,
          buffer_before_minutes: 5,
          min_notice_minutes: 60,
          slot_interval_minutes: 15,
          booking_horizon_days: 14,
        },
      },
    ];
    for (const plan of plans) {
      const ids = plan.links.map((i) => this.model.schedules[i]!.id);
      const created = await this.api.calendar(this.owner, ids, plan.body);
      this.model.calendars.push({
        id: created.id,
        links: plan.links.map((schedule) => ({ schedule, expiresOn: null })),
        rules: plan.rules,
      });
    }
  }

  async execute(command: Command) {
    this.log.push(JSON.stringify(command));
    switch (command.kind) {
      case 'slots': {
        const schedule = this.model.schedules[command.schedule]!;
        const ranges = command.slots.map((s) => ({ day: s.day, ...toRange(s.start, s.span) }));
        const time_slots: TimeSlot[] = ranges.map((r) => ({
          day_of_week: r.day,
          start_time: wallClock(r.start),
          end_time: wallClock(r.end),
        }));
        await must('PATCH time_slots', this.api.updateSchedule(this.owner, schedule.id, { time_slots }));
        schedule.weekly = new Map();
        for (const r of ranges) schedule.weekly.set(r.day, [...(schedule.weekly.get(r.day) ?? []), r]);
        return this.probeSchedule(command.schedule, command.probe);
      }
      case 'overrides': {
        const schedule = this.model.schedules[command.schedule]!;
        const overrides = command.overrides?.map((o) => ({
          date: this.localDate(o.date),
          ranges: o.slots.map((s) => toRange(s.start, s.span)),
        }));
        const date_overrides =
          overrides?.map((o) => ({
            date: o.date,
            time_slots: o.ranges.map((r) => ({ start_time: wallClock(r.start), end_time: wallClock(r.end) })),
          })) ?? null;
        await must('PATCH date_overrides', this.api.updateSchedule(this.owner, schedule.id, { date_overrides }));
        schedule.overrides = new Map(overrides?.map((o) => [o.date, o.ranges]));
        return this.probeSchedule(command.schedule, command.probe);
      }
      case 'zone': {
        const schedule = this.model.schedules[command.schedule]!;
        const answer = await must(
          'PATCH timezone',
          this.api.updateSchedule(this.owner, schedule.id, { timezone: command.zone }),
        );
        schedule.zone = command.zone ?? this.model.ownerZone;
        expect(answer.timezone).toBe(schedule.zone);
        return this.probeSchedule(command.schedule, command.probe);
      }
      case 'rules': {
        const calendar = this.model.calendars[command.calendar]!;
        const answer = await must('PATCH rules', this.api.updateCalendar(this.owner, calendar.id, command.rules));
        const r = command.rules;
        const next = { ...calendar.rules };
        if ('meeting_duration_minutes' in r) next.duration = r.meeting_duration_minutes ?? null;
        if ('buffer_before_minutes' in r) next.before = r.buffer_before_minutes ?? 0;
        if ('buffer_after_minutes' in r) next.after = r.buffer_after_minutes ?? 0;
        if ('min_notice_minutes' in r) next.notice = r.min_notice_minutes ?? 0;
        if ('booking_horizon_days' in r) next.horizonDays = r.booking_horizon_days ?? null;
        // slot_interval_minutes only moves where slots are listed; the model judges each listed
        // slot by whether it is bookable, so it needs no grid.
        calendar.rules = next;
        expect(answer).toMatchObject({
          meeting_duration_minutes: next.duration,
          buffer_before_minutes: next.before,
          buffer_after_minutes: next.after,
          min_notice_minutes: next.notice,
          booking_horizon_days: next.horizonDays,
        });
        return this.probe(command.calendar, command.probe);
      }
      case 'expiry': {
        const calendar = this.model.calendars[command.calendar]!;
        const link = calendar.links.find((l) => l.schedule === command.schedule);
        const expiresOn = command.after === null ? null : this.model.now + command.after * MINUTE;
        const scheduleId = this.model.schedules[command.schedule]!.id;
        if (link) {
          await must(
            'PATCH link',
            this.api.updateLink(this.owner, calendar.id, scheduleId, expiresOn === null ? null : iso(expiresOn)),
          );
          link.expiresOn = expiresOn;
        } else {
          // Not linked: link it with that expiry instead.
          await must(
            'link with expiry',
            this.api.link(this.owner, calendar.id, scheduleId, expiresOn === null ? null : iso(expiresOn)),
          );
          calendar.links.push({ schedule: command.schedule, expiresOn });
        }
        return this.probe(command.calendar, command.probe);
      }
      case 'toggle': {
        const calendar = this.model.calendars[command.calendar]!;
        const scheduleId = this.model.schedules[command.schedule]!.id;
        if (calendar.links.some((l) => l.schedule === command.schedule)) {
          await must('unlink', this.api.unlink(this.owner, calendar.id, scheduleId));
          calendar.links = calendar.links.filter((l) => l.schedule !== command.schedule);
        } else {
          await must('link', this.api.link(this.owner, calendar.id, scheduleId));
          calendar.links.push({ schedule: command.schedule, expiresOn: null });
        }
        return this.probe(command.calendar, command.probe);
      }
      case 'book': {
        const start = this.model.firstDay + command.day * DAY + command.quarter * 15 * MINUTE;
        return this.book(command.calendar, start, this.lengthOf(command.calendar, command.length));
      }
      case 'bookNear': {
        const confirmed = this.model.confirmed();
        if (confirmed.length === 0) return;
        const event = confirmed[Math.floor(command.event * confirmed.length)]!;
        const length = this.lengthOf(event.calendar, command.length);
        return this.book(event.calendar, near(event, length, command.after, command.gap), length);
      }
      case 'bookListed':
        return this.probe(command.calendar, command.pick);
      case 'reschedule':
        return this.reschedule(command);
      case 'cancel': {
        const confirmed = this.model.confirmed();
        if (confirmed.length === 0) return;
        const event = confirmed[Math.floor(command.event * confirmed.length)]!;
        await must('cancel', this.api.cancel(event.id, event.token));
        event.canceled = true;
        return;
      }
      case 'ownerZone': {
        // Later `timezone: null` edits take the owner's zone as it is then; schedules keep theirs.
        await must('PATCH user timezone', this.api.updateUser(this.owner, { timezone: command.zone }));
        this.model.ownerZone = command.zone;
        return;
      }
      case 'rotateKey': {
        const old = this.owner.api_key;
        const { api_key } = await must('rotate api key', this.api.rotateApiKey(this.owner));
        this.owner = { ...this.owner, api_key };
        const { response } = await this.api.client.GET('/api/calendar/calendars/{calendar_id}', {
          params: { path: { calendar_id: this.model.calendars[0]!.id } },
          headers: { authorization: `Bearer ${old}` },
        });
        expect(response.status, 'the old key, right after the rotation').toBe(401);
        return;
      }
      case 'wait':
        this.model.now += command.minutes * MINUTE;
        this.setClock(this.model.now);
        return;
    }
  }

  private lengthOf(calendar: number, length: number | 'rule'): number {
    return length === 'rule' ? (this.model.calendars[calendar]!.rules.duration ?? 30) : length;
  }

  /** A booking, answered as the model predicts; a 201 joins the model's events. */
  private async book(calendar: number, start: number, minutes: number) {
    const candidate = { start, end: start + minutes * MINUTE };
    const expected = allowed(verdict(this.model, calendar, candidate), 201);
    const { data, error, response } = await this.api.tryBook(
      booking(this.model.calendars[calendar]!.id, iso(candidate.start), iso(candidate.end)),
    );
    this.log.push(`  book ${iso(candidate.start)}–${iso(candidate.end)} → ${response.status}`);
    this.count(`book ${response.status}`);
    if (!expected.includes(response.status)) {
      throw new Error(
        `booking ${iso(candidate.start)}–${iso(candidate.end)} on calendar ${calendar} answered ${response.status} ` +
          `(${JSON.stringify(error)}), the model expects ${expected.join(' or ')}`,
      );
    }
    if (response.status === 201) {
      this.model.events.push({
        id: data!.id,
        calendar,
        ...candidate,
        token: data!.cancel_token,
        canceled: false,
      });
    }
    return response.status;
  }

  private async reschedule(command: Extract<Command, { kind: 'reschedule' }>) {
    const confirmed = this.model.confirmed();
    if (confirmed.length === 0) return;
    const event = confirmed[Math.floor(command.event * confirmed.length)]!;
    const minutes = this.lengthOf(event.calendar, command.length);
    let start: number;
    if ('listed' in command.target) {
      const slots = await this.listed(event.calendar);
      if (slots.length === 0) return;
      const slot = slots[Math.floor(command.target.listed * slots.length)]!;
      start = slot.start;
    } else if ('shift' in command.target) start = event.start + command.target.shift * MINUTE;
    else if ('near' in command.target) {
      const { near: which, after, gap } = command.target;
      const others = confirmed.filter((e) => e.calendar === event.calendar && e !== event);
      if (others.length === 0) return;
      start = near(others[Math.floor(which * others.length)]!, minutes, after, gap);
    } else start = this.model.firstDay + command.target.day * DAY + command.target.quarter * 15 * MINUTE;
    const candidate = { start, end: start + minutes * MINUTE };
    const expected = allowed(verdict(this.model, event.calendar, candidate, event.id), 200);
    const token = command.withToken ? event.token : this.owner.api_key;
    const { error, response } = await this.api.tryReschedule(
      event.id,
      { start_time: iso(candidate.start), end_time: iso(candidate.end) },
      token,
    );
    this.log.push(`  reschedule ${event.id} to ${iso(candidate.start)}–${iso(candidate.end)} → ${response.status}`);
    if (response.status === 404 || response.status === 405) {
      this.model.reschedules.unserved++;
      return;
    }
    this.model.reschedules.answered++;
    this.count(`reschedule ${response.status}`);
    if (!expected.includes(response.status)) {
      throw new Error(
        `reschedule of ${iso(event.start)}–${iso(event.end)} to ${iso(candidate.start)}–${iso(candidate.end)} ` +
          `on calendar ${event.calendar} answered ${response.status} (${JSON.stringify(error)}), ` +
          `the model expects ${expected.join(' or ')}`,
      );
    }
    if (response.status !== 200) return;
    const old = { start: event.start, end: event.end };
    Object.assign(event, candidate);
    if (command.bookOld) await this.book(event.calendar, old.start, (old.end - old.start) / MINUTE);
  }

  /** The slots the API lists for `calendar` over the next week; each must pass the model. */
  private async listed(calendar: number): Promise<Interval[]> {
    const { id, rules } = this.model.calendars[calendar]!;
    const from = this.model.now;
    const to = from + 7 * DAY;
    const answer = await must(
      'GET availability',
      this.api.availability(id, iso(from), iso(to), rules.duration === null ? 30 : undefined),
    );
    const instants = (list: Array<{ start_time: string; end_time: string }>) =>
      list.map((s) => ({ start: Date.parse(s.start_time), end: Date.parse(s.end_time) }));
    const show = (list: Interval[]) => list.map((i) => `${iso(i.start)}–${iso(i.end)}`);
    expect(show(instants(answer.free)), `the free time of calendar ${calendar}`).toEqual(
      show(freeTime(this.model, calendar, from, to)),
    );
    const slots = instants(answer.slots ?? []);
    const hours = openHours(this.model, this.model.calendars[calendar]!, from - DAY, to + DAY);
    for (const slot of slots) {
      const v = verdict(this.model, calendar, slot, undefined, hours);
      if (v.unbookable || v.conflict) {
        throw new Error(
          `calendar ${calendar} lists ${iso(slot.start)}–${iso(slot.end)}, which the model refuses (${JSON.stringify(v)})`,
        );
      }
    }
    return slots;
  }

  /** Read your writes: a slot listed now is bookable now. */
  private async probe(calendar: number, at: number | null) {
    if (at === null) return;
    const slots = await this.listed(calendar);
    this.log.push(`  ${slots.length} slots listed on calendar ${calendar}`);
    if (slots.length === 0) return;
    const slot = slots[Math.floor(at * slots.length)]!;
    const status = await this.book(calendar, slot.start, (slot.end - slot.start) / MINUTE);
    expect(status, `the listed slot ${iso(slot.start)} of calendar ${calendar} is bookable`).toBe(201);
    this.count('listed slot booked');
  }

  private probeSchedule(schedule: number, at: number | null) {
    const calendar = this.model.calendars.findIndex((c) => c.links.some((l) => l.schedule === schedule));
    return calendar < 0 ? undefined : this.probe(calendar, at);
  }

  /** The ledger agrees with the model: the same confirmed events at the same times. */
  async compareEvents() {
    for (const [index, calendar] of this.model.calendars.entries()) {
      const listed = await must('GET events', this.api.events(calendar.id, this.owner.api_key));
      const actual = listed.map((e) => `${e.id} ${Date.parse(e.start_time)}–${Date.parse(e.end_time)}`).sort();
      const modelled = this.model
        .confirmed()
        .filter((e) => e.calendar === index)
        .map((e) => `${e.id} ${e.start}–${e.end}`)
        .sort();
      expect(actual, `the events of calendar ${index}`).toEqual(modelled);
    }
  }
}

describe('owner edits and bookings', () => {
  const h = useHarness(`${SEASONS[0].first}T06:00:00Z`);

  for (const { name, first, zones } of SEASONS) {
    it(`${name}: a random sequence of owner edits and bookings never lets a booking land outside the hours in force when it was made`, async () => {
      const api = apiSetup(inProcessClient(h.gateway));
      const reschedules = { answered: 0, unserved: 0 };
      const tally = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 15 }), async (commands) => {
          const run = new Run(api, (instant) => h.clock.set(new Date(instant)), tally, first, zones);
          await run.setUp();
          try {
            for (const each of commands) {
              await run.execute(each);
              await run.compareEvents();
            }
          } catch (error) {
            throw new Error(`${(error as Error).message}\nafter:\n${run.log.join('\n')}`, { cause: error });
          }
          reschedules.answered += run.model.reschedules.answered;
          reschedules.unserved += run.model.reschedules.unserved;
        }),
        { numRuns: 50 },
      );
      // The runs reached every answer the property is about.
      for (const status of ['201', '409', '422'])
        expect(tally.get(`book ${status}`), `book ${status}`).toBeGreaterThan(0);
      expect(tally.get('listed slot booked'), 'listed slots booked').toBeGreaterThan(0);
      // Until the reschedule route is served it answers 404/405 and the runs go on without it;
      // once served, it never answers so for an event the model holds.
      if (reschedules.answered === 0) console.warn('reschedules were not served: skipped', reschedules);
      else {
        expect(reschedules.unserved, 'reschedules answered 404/405').toBe(0);
        for (const status of ['200', '409', '422'])
          expect(tally.get(`reschedule ${status}`), `reschedule ${status}`).toBeGreaterThan(0);
      }
    }, 120_000);
  }
});
