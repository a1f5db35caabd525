import { createEnvelope } from '@slotkeeper/contracts';
import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { sampleCalendarEvent, sampleEvent } from '@slotkeeper/testing';
import { ManualClock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { MemoryCalendarRepository } from '../src/adapters/memory/memory-calendar-repository.js';
import { consumeEvents } from '../src/consumers/event-consumer.js';
import type { ProjectedEvent } from '../src/domain/calendar.js';
import { createCalendar } from '../src/domain/calendar-use-cases.js';
import { ANN, ann, annSchedules, body, system } from './calendar-system.js';

const before = new Date(Date.parse(sampleEvent.start_time) - 60_000);
const confirmed = { ...sampleEvent, status: 'confirmed' as const };
const canceled = { ...sampleEvent, status: 'canceled' as const, version: 2 };
/** The sample event as the projection keeps it. */
const listed: ProjectedEvent = { ...sampleCalendarEvent, version: 1 };

async function consumer() {
  const bus = new InProcessBus({ logger: silentLogger(), maxAttempts: 2 });
  const calendars = new MemoryCalendarRepository();
  await consumeEvents(bus, {
    calendars,
    outbox: { flush: async () => {} },
    schedules: { find: async () => null },
    clock: new ManualClock('2030-06-01T00:00:00Z'),
  });
  return { bus, calendars };
}

describe('the calendar service’s event consumer', () => {
  it('when an event is booked, then it is listed; when it is canceled, then no longer, even if the booking comes again', async () => {
    const { bus, calendars } = await consumer();
    const booked = createEnvelope('EventBooked', confirmed, new Date());
    await bus.publish(booked);
    expect(await calendars.upcomingEvents(sampleEvent.calendar_id, before)).toEqual([listed]);
    await bus.publish(createEnvelope('EventCanceled', canceled, new Date()));
    await bus.publish({ ...booked, id: crypto.randomUUID() });
    expect(await calendars.upcomingEvents(sampleEvent.calendar_id, before)).toEqual([]);
    expect(bus.deadLetters).toEqual([]);
  });

  it('when a cancellation arrives before its booking, then the event stays canceled', async () => {
    const { bus, calendars } = await consumer();
    await bus.publish(createEnvelope('EventCanceled', canceled, new Date()));
    await bus.publish(createEnvelope('EventBooked', confirmed, new Date()));
    expect(await calendars.upcomingEvents(sampleEvent.calendar_id, before)).toEqual([]);
  });

  it('when an event is rescheduled, then it is listed at its new time; an older message does not move it back', async () => {
    const { bus, calendars } = await consumer();
    const moved = {
      ...confirmed,
      start_time: '2030-06-24T09:00:00.000Z',
      end_time: '2030-06-24T09:30:00.000Z',
      previous_start_time: confirmed.start_time,
      previous_end_time: confirmed.end_time,
      version: 2,
    };
    await bus.publish(createEnvelope('EventRescheduled', moved, new Date()));
    await bus.publish(createEnvelope('EventBooked', confirmed, new Date()));
    expect(await calendars.upcomingEvents(sampleEvent.calendar_id, before)).toEqual([
      { ...listed, start: new Date(moved.start_time), end: new Date(moved.end_time), version: 2 },
    ]);
    await bus.publish(createEnvelope('EventCanceled', { ...canceled, version: 3 }, new Date()));
    await bus.publish(createEnvelope('EventRescheduled', moved, new Date()));
    expect(await calendars.upcomingEvents(sampleEvent.calendar_id, before)).toEqual([]);
    expect(bus.deadLetters).toEqual([]);
  });

  it('when an EventCanceled’s data is not an event, then it is parked and nothing is projected', async () => {
    const { bus, calendars } = await consumer();
    const { calendar_id: _gone, ...withoutCalendar } = canceled;
    const message = { ...createEnvelope('EventCanceled', canceled, new Date()), data: withoutCalendar };
    await bus.publish(message);
    expect(bus.deadLetters).toMatchObject([{ queue: 'calendar', message: { id: message.id } }]);
    await bus.publish(createEnvelope('EventBooked', confirmed, new Date()));
    expect(await calendars.upcomingEvents(sampleEvent.calendar_id, before)).toEqual([listed]);
  });
});

describe('the calendar service’s schedule consumer', () => {
  const hours = annSchedules[0]!;
  const updated = (version: number) =>
    createEnvelope(
      'ScheduleUpdated',
      {
        schedule: { id: hours.id, timezone: 'UTC', time_slots: [], date_overrides: [] },
        user_id: ANN,
        version,
      },
      new Date(),
    );

  it('when a schedule changes, then its links take the change once, whatever repeats; when it is deleted, the links go', async () => {
    const sys = system();
    await consumeEvents(sys.bus, sys.deps, 'calendar-consumer-test');
    const created = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), sys.deps);

    await sys.bus.publish(updated(2));
    await sys.bus.publish(updated(2));
    await sys.bus.publish(updated(1));
    const changed = (await sys.calendars.findById(created.id))!;
    expect(changed.version).toBe(2);
    expect(changed.links[0]).toMatchObject({ scheduleVersion: 2, schedule: { timezone: 'UTC', timeSlots: [] } });

    await sys.bus.publish(
      createEnvelope('ScheduleDeleted', { availability_schedule_id: hours.id, user_id: ANN, version: 3 }, new Date()),
    );
    expect((await sys.calendars.findById(created.id))!).toMatchObject({ version: 3, links: [] });
    expect(sys.bus.deadLetters).toEqual([]);
  });
});
