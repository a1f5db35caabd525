import { createEnvelope } from '@slotkeeper/contracts';
import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { sampleEvent } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { MemoryCalendarRepository } from '../src/adapters/memory/memory-calendar-repository.js';
import { consumeEvents } from '../src/consumers/event-consumer.js';
import type { ProjectedEvent } from '../src/domain/calendar.js';

const before = new Date(Date.parse(sampleEvent.start_time) - 60_000);
const confirmed = { ...sampleEvent, status: 'confirmed' as const };
const canceled = { ...sampleEvent, status: 'canceled' as const };
/** The sample event as the projection keeps it. */
const listed: ProjectedEvent = {
  id: sampleEvent.id,
  calendarId: sampleEvent.calendar_id,
  title: 'Intro call',
  start: new Date('2030-06-24T07:00:00.000Z'),
  end: new Date('2030-06-24T07:30:00.000Z'),
  bookedBy: 'ann@example.com',
  bookerName: null,
  notes: null,
  guests: ['bob@example.com', 'cy@example.com'],
  status: 'confirmed',
  createdAt: new Date('2030-06-01T00:00:00.000Z'),
};

async function consumer() {
  const bus = new InProcessBus({ logger: silentLogger(), maxAttempts: 2 });
  const calendars = new MemoryCalendarRepository();
  await consumeEvents(bus, calendars);
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
