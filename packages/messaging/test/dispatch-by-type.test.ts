import { createEnvelope, type CalendarSnapshot, type Envelope } from '@slotkeeper/contracts';
import { silentLogger } from '@slotkeeper/observability';
import { calendarRules, sampleEvent } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { dispatchByType, InProcessBus, subscribeByType } from '../src/index.js';

const snapshot: CalendarSnapshot = {
  calendar_id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  user_id: 'bbbbbbbbbbbbbbbbbbbbbbbb',
  version: 2,
  rules: calendarRules(),
  links: [],
};
const SCHEDULE_ID = 'cccccccccccccccccccccccc';

/** A message as any publisher may send it: the data is not checked against the type's schema. */
const raw = (type: string, data: unknown): Envelope => ({
  id: crypto.randomUUID(),
  type,
  occurred_at: new Date().toISOString(),
  data,
});

describe('dispatching deliveries on their type', () => {
  it('when calendar messages arrive, then each goes to its own type’s handler with the data its own schema parsed', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const received: Array<[string, unknown]> = [];
    await subscribeByType(bus, 'q', {
      CalendarCreated: async (data) => void received.push(['CalendarCreated', data]),
      ScheduleUnlinked: async (data) => void received.push(['ScheduleUnlinked', data]),
    });
    const data = { ...snapshot, availability_schedule_id: SCHEDULE_ID };
    await bus.publish(raw('CalendarCreated', data));
    await bus.publish(raw('ScheduleUnlinked', data));
    // CalendarCreated's schema has no availability_schedule_id, so parsing by it drops the field.
    expect(received).toEqual([
      ['CalendarCreated', snapshot],
      ['ScheduleUnlinked', { ...snapshot, availability_schedule_id: SCHEDULE_ID }],
    ]);
  });

  it('when a ScheduleUnlinked lacks the field only its schema requires, then it is parked, while the same data passes as a CalendarCreated', async () => {
    const bus = new InProcessBus({ logger: silentLogger(), maxAttempts: 2 });
    const handled: string[] = [];
    await subscribeByType(bus, 'q', {
      CalendarCreated: async () => void handled.push('CalendarCreated'),
      ScheduleUnlinked: async () => void handled.push('ScheduleUnlinked'),
    });
    const unlinked = raw('ScheduleUnlinked', snapshot);
    await bus.publish(unlinked);
    await bus.publish(raw('CalendarCreated', snapshot));
    expect(handled).toEqual(['CalendarCreated']);
    expect(bus.deadLetters).toMatchObject([{ queue: 'q', message: { id: unlinked.id } }]);
    expect(bus.deadLetters[0]!.error).toContain('availability_schedule_id');
  });

  it('when an EventCanceled carries a confirmed event, then its own schema refuses it and it is parked, while an EventBooked of the same event is handled', async () => {
    const bus = new InProcessBus({ logger: silentLogger(), maxAttempts: 2 });
    const handled: string[] = [];
    await subscribeByType(bus, 'q', {
      EventBooked: async (event) => void handled.push(`booked ${event.status}`),
      EventCanceled: async (event) => void handled.push(`canceled ${event.status}`),
    });
    const wrong = raw('EventCanceled', sampleEvent);
    await bus.publish(wrong);
    await bus.publish(raw('EventBooked', sampleEvent));
    await bus.publish(raw('EventCanceled', { ...sampleEvent, status: 'canceled' }));
    expect(handled).toEqual(['booked confirmed', 'canceled canceled']);
    expect(bus.deadLetters).toMatchObject([{ queue: 'q', message: { id: wrong.id } }]);
    expect(bus.deadLetters[0]!.error).toContain('status');
  });

  it('binds the queue to the handled types only', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const handled: string[] = [];
    await subscribeByType(bus, 'q', { EventCanceled: async (event) => void handled.push(event.id) });
    await bus.publish(createEnvelope('EventBooked', sampleEvent, new Date()));
    await bus.publish(createEnvelope('EventCanceled', { ...sampleEvent, status: 'canceled' }, new Date()));
    expect(handled).toEqual([sampleEvent.id]);
    expect(bus.deadLetters).toEqual([]);
  });

  it.each(['EventRescheduled', 'toString', 'constructor', '__proto__'])(
    'when a message of type %s, which no handler takes, reaches it, then it fails, so the bus retries and parks it instead of dropping it',
    async (type) => {
      const handled: string[] = [];
      const dispatch = dispatchByType({ EventBooked: async (event) => void handled.push(event.id) });
      await expect(dispatch(raw(type, sampleEvent), { attempt: 1 })).rejects.toThrow(
        `no handler for messages of type ${type}`,
      );
      expect(handled).toEqual([]);
    },
  );

  it('hands the handler the envelope and the delivery beside the parsed data', async () => {
    const seen: unknown[] = [];
    const dispatch = dispatchByType({
      EventBooked: async (event, message, delivery) => void seen.push(event.id, message.id, delivery.requestId),
    });
    const message = createEnvelope('EventBooked', sampleEvent, new Date());
    await dispatch(message, { attempt: 1, requestId: 'trace-1' });
    expect(seen).toEqual([sampleEvent.id, message.id, 'trace-1']);
  });
});
