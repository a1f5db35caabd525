import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bookingRules,
  DAYS_OF_WEEK,
  eventFromWire,
  eventResponse,
  eventToWire,
  rulesFromWire,
  rulesToWire,
  scheduleFromWire,
  scheduleResponse,
  scheduleSnapshot,
  scheduleToWire,
} from '../src/index.js';

const id = fc.stringMatching(/^[0-9a-f]{24}$/);
const nullableMinutes = fc.option(fc.nat(1_440), { nil: null });
const wireRules = fc.record({
  meeting_duration_minutes: nullableMinutes,
  buffer_before_minutes: fc.nat(1_440),
  buffer_after_minutes: fc.nat(1_440),
  min_notice_minutes: fc.nat(10_000),
  slot_interval_minutes: nullableMinutes,
  booking_horizon_days: fc.option(fc.nat(3_650), { nil: null }),
});
const range = fc.record({ start_time: fc.constantFrom('00:00', '09:30'), end_time: fc.constantFrom('17:45', '24:00') });
const slot = fc
  .record({ day_of_week: fc.constantFrom(...DAYS_OF_WEEK) })
  .chain((day) => range.map((r) => ({ ...day, ...r })));
const hours = <S>(slots: fc.Arbitrary<S>) =>
  fc.record({
    timezone: fc.constantFrom('UTC', 'Asia/Kathmandu'),
    time_slots: fc.array(slots, { maxLength: 3 }),
    date_overrides: fc.array(fc.record({ date: fc.constant('2030-12-25'), time_slots: fc.array(range) }), {
      maxLength: 2,
    }),
  });
/** As the schedule service answers a schedule: its slots carry ids. */
const answered = fc.record({
  id,
  user_id: id,
  name: fc.string(),
  created_at: fc.constant('2030-01-01T00:00:00.000Z'),
  hours: hours(fc.tuple(id, slot).map(([slotId, s]) => ({ id: slotId, ...s }))),
});
const instant = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true });
const wireEvent = fc.record({
  id,
  calendar_id: id,
  title: fc.string(),
  start_time: instant.map((d) => d.toISOString()),
  end_time: instant.map((d) => d.toISOString()),
  booked_by: fc.string(),
  booker_name: fc.option(fc.string(), { nil: null }),
  notes: fc.option(fc.string(), { nil: null }),
  guests: fc.array(fc.string()),
  status: fc.constantFrom('confirmed' as const, 'canceled' as const),
  created_at: instant.map((d) => d.toISOString()),
});

describe('the shared shapes between the wire and the domain', () => {
  it('when booking rules cross an edge and back, then they are what they were, as the contract describes them', () => {
    fc.assert(
      fc.property(wireRules, (rules) => {
        const camel = rulesFromWire(rules);
        expect(rulesToWire(camel)).toEqual(bookingRules.parse(rules));
        expect(rulesFromWire(rulesToWire(camel))).toEqual(camel);
        expect(camel.bufferBeforeMinutes).toBe(rules.buffer_before_minutes);
      }),
    );
  });

  it('when a body or an older document lacks the optional rules, then they read as null', () => {
    expect(rulesFromWire({ buffer_before_minutes: 5, buffer_after_minutes: 10, min_notice_minutes: 60 })).toEqual({
      meetingDurationMinutes: null,
      bufferBeforeMinutes: 5,
      bufferAfterMinutes: 10,
      minNoticeMinutes: 60,
      slotIntervalMinutes: null,
      bookingHorizonDays: null,
    });
  });

  it('when a schedule answer crosses an edge and back, then its hours are as answered, each slot with its id', () => {
    fc.assert(
      fc.property(answered, ({ hours: wire, ...schedule }) => {
        const response = scheduleResponse.parse({ ...schedule, ...wire });
        const camel = scheduleFromWire(response);
        expect(camel.timeSlots.map((s) => s.id)).toEqual(response.time_slots.map((s) => s.id));
        // Nothing of the schedule besides its hours: the id and the owner are each edge's own.
        const linked = { ...camel, id: schedule.id, name: schedule.name };
        expect(scheduleToWire(linked)).toEqual(wire);
      }),
    );
  });

  it('when a message’s snapshot (slots without ids) crosses an edge and back, then no ids appear', () => {
    fc.assert(
      fc.property(id, hours(slot), (scheduleId, wire) => {
        const { id: _id, ...snapshot } = scheduleSnapshot.parse({ id: scheduleId, ...wire });
        expect(scheduleToWire(scheduleFromWire(snapshot))).toEqual(snapshot);
        for (const s of scheduleFromWire(snapshot).timeSlots) expect(s).not.toHaveProperty('id');
      }),
    );
  });

  it('when an event crosses an edge and back, then it is the contract’s Event, instants written and read as the edge asks', () => {
    fc.assert(
      fc.property(wireEvent, (wire) => {
        const event = eventFromWire(wire, (at) => new Date(at));
        expect(event.start.toISOString()).toBe(wire.start_time);
        expect(eventToWire(event, (at) => at.toISOString())).toEqual(eventResponse.parse(wire));
        expect(eventToWire(event, (at) => at).created_at).toBe(event.createdAt);
      }),
    );
  });

  it('when a stored event predates booker_name and notes, then both read as null', () => {
    fc.assert(
      fc.property(wireEvent, ({ booker_name: _b, notes: _n, ...older }) => {
        expect(eventFromWire(older, (at) => new Date(at))).toMatchObject({ bookerName: null, notes: null });
      }),
    );
  });
});
