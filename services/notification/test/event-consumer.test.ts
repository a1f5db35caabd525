import { createEnvelope } from '@slotkeeper/contracts';
import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { sampleEvent } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { LogNotifier } from '../src/adapters/log-notifier.js';
import { consumeEvents } from '../src/consumers/event-consumer.js';
import type { Notifier, OwnerDirectory } from '../src/domain/ports.js';
import { alice, capturedLogger, introCall, RecordingNotifier, ScriptedOwners } from './support.js';

// The booker is also listed as a guest: one notification each, all the same.
const event = { ...sampleEvent, guests: ['bob@example.com', 'ann@example.com'] };
const bookingPage = (id: string) => `http://127.0.0.1:3000/booking/${id}`;

async function consumer(owners: OwnerDirectory, notifier: Notifier, logger = silentLogger()) {
  const bus = new InProcessBus({ logger: silentLogger(), maxAttempts: 3 });
  await consumeEvents(bus, { owners, notifier, logger, bookingPage });
  return bus;
}

describe('the notification consumer', () => {
  it('tells the booker and each guest once, and the calendar’s owner, when an event is booked, then canceled', async () => {
    const notifier = new RecordingNotifier();
    const owners = new ScriptedOwners(alice);
    const bus = await consumer(owners, notifier);
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    await bus.publish(createEnvelope('EventCanceled', { ...event, status: 'canceled' }, new Date()));
    expect(owners.asked.map((a) => a.calendarId)).toEqual([event.calendar_id, event.calendar_id]);
    expect(notifier.sent.map(({ kind, audience, to, sequence }) => ({ kind, audience, to, sequence }))).toEqual([
      { kind: 'booked', audience: 'attendees', to: ['ann@example.com', 'bob@example.com'], sequence: 0 },
      { kind: 'booked', audience: 'owner', to: ['alice@example.com'], sequence: 0 },
      { kind: 'canceled', audience: 'attendees', to: ['ann@example.com', 'bob@example.com'], sequence: 1 },
      { kind: 'canceled', audience: 'owner', to: ['alice@example.com'], sequence: 1 },
    ]);
    expect(notifier.sent[0]!.url).toBe(`http://127.0.0.1:3000/booking/${event.id}`);
    // Each message's event, as the domain reads it.
    const booked = { ...introCall, guests: event.guests };
    const canceled = { ...booked, status: 'canceled' };
    expect(notifier.sent.map((n) => n.event)).toEqual([booked, booked, canceled, canceled]);
  });

  it('when the owner cannot be looked up, then nothing is sent and the message is retried until the lookup works', async () => {
    const notifier = new RecordingNotifier();
    const owners = new ScriptedOwners(alice, 2);
    const bus = await consumer(owners, notifier);
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    expect(owners.asked).toHaveLength(3);
    expect(notifier.sent.map((n) => n.audience)).toEqual(['attendees', 'owner']);
    expect(bus.deadLetters).toEqual([]);
  });

  it('when the owner cannot be looked up on any attempt, then the message is parked, not dropped, and nothing is sent', async () => {
    const notifier = new RecordingNotifier();
    const bus = await consumer(new ScriptedOwners(alice, Infinity), notifier);
    const message = createEnvelope('EventBooked', event, new Date());
    await bus.publish(message);
    expect(notifier.sent).toEqual([]);
    expect(bus.deadLetters).toMatchObject([
      { message: { id: message.id }, error: 'the calendar service answered 503' },
    ]);
  });

  it('when the calendar no longer exists, then the booker and guests are told and a warning says why the owner was not', async () => {
    const notifier = new RecordingNotifier();
    const { logger, lines } = capturedLogger();
    const bus = await consumer(new ScriptedOwners(null), notifier, logger);
    await bus.publish(createEnvelope('EventCanceled', { ...event, status: 'canceled' }, new Date()));
    expect(notifier.sent).toMatchObject([{ audience: 'attendees', organizer: null }]);
    expect(lines).toMatchObject([{ level: 40, calendarId: event.calendar_id }]);
  });

  it('logs each notification under the request id the message came with, and asks for the owner under it', async () => {
    const { logger, lines } = capturedLogger();
    const owners = new ScriptedOwners(alice);
    const bus = await consumer(owners, new LogNotifier(), logger);
    const message = createEnvelope('EventBooked', event, new Date());
    await bus.publish(message, { requestId: 'trace-me-123' });
    expect(owners.asked).toEqual([{ calendarId: event.calendar_id, requestId: 'trace-me-123' }]);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ service: 'notification', reqId: 'trace-me-123', messageId: message.id });
      expect(line.msg).toContain(`Booked: Intro call`);
    }
  });

  it('dead-letters a message whose data is not an event, and sends nothing', async () => {
    const notifier = new RecordingNotifier();
    const bus = await consumer(new ScriptedOwners(alice), notifier);
    await bus.publish({
      id: crypto.randomUUID(),
      type: 'EventBooked',
      occurred_at: new Date().toISOString(),
      data: { nope: 1 },
    });
    expect(notifier.sent).toEqual([]);
    expect(bus.deadLetters).toHaveLength(1);
  });
});
