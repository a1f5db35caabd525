import { cancelTokens, internalKeys } from '@slotkeeper/auth';
import { createEnvelope } from '@slotkeeper/contracts';
import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { sampleEvent } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { bookingLinks } from '../src/adapters/booking-links.js';
import { LogNotifier } from '../src/adapters/log-notifier.js';
import { consumeEvents } from '../src/consumers/event-consumer.js';
import type { Notifier, OwnerDirectory } from '../src/domain/ports.js';
import { alice, capturedLogger, introCall, RecordingNotifier, ScriptedOwners } from './support.js';

// The key the booking service issues cancel tokens with, which this service is given too.
const { cancelTokens: cancelTokenKey } = internalKeys('a secret the services share');
// The booking service's token for the event, and the nonce its messages carry.
const issued = cancelTokens(cancelTokenKey).issue(sampleEvent.id);
// The booker is also listed as a guest: one notification each, all the same.
const event = {
  ...sampleEvent,
  guests: ['bob@example.com', 'ann@example.com'],
  cancel_token_nonce: issued.stored.salt,
};
const page = `http://127.0.0.1:3000/booking/${event.id}`;

async function consumer(owners: OwnerDirectory, notifier: Notifier, logger = silentLogger()) {
  const bus = new InProcessBus({ logger: silentLogger(), maxAttempts: 3 });
  await consumeEvents(bus, { owners, notifier, logger, links: bookingLinks('http://127.0.0.1:3000/', cancelTokenKey) });
  return bus;
}

describe('the notification consumer', () => {
  it('tells the booker and each guest once, and the calendar’s owner, when an event is booked, then canceled', async () => {
    const notifier = new RecordingNotifier();
    const owners = new ScriptedOwners(alice);
    const bus = await consumer(owners, notifier);
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    await bus.publish(createEnvelope('EventCanceled', { ...event, status: 'canceled', version: 2 }, new Date()));
    expect(owners.asked.map((a) => a.calendarId)).toEqual([event.calendar_id, event.calendar_id]);
    expect(notifier.sent.map(({ kind, audience, to, sequence }) => ({ kind, audience, to, sequence }))).toEqual([
      { kind: 'booked', audience: 'booker', to: ['ann@example.com'], sequence: 0 },
      { kind: 'booked', audience: 'guests', to: ['bob@example.com'], sequence: 0 },
      { kind: 'booked', audience: 'owner', to: ['alice@example.com'], sequence: 0 },
      { kind: 'canceled', audience: 'booker', to: ['ann@example.com'], sequence: 1 },
      { kind: 'canceled', audience: 'guests', to: ['bob@example.com'], sequence: 1 },
      { kind: 'canceled', audience: 'owner', to: ['alice@example.com'], sequence: 1 },
    ]);
    for (const notification of notifier.sent) expect(notification.url).toBe(page);
    // Each message's event, as the domain reads it.
    const booked = { ...introCall, guests: event.guests };
    const canceled = { ...booked, status: 'canceled' };
    expect(notifier.sent.map((n) => n.event)).toEqual([booked, booked, booked, canceled, canceled, canceled]);
  });

  it('when an event is rescheduled twice and canceled, then everyone is told of each move, from and to, SEQUENCE rising with the version', async () => {
    const notifier = new RecordingNotifier();
    const bus = await consumer(new ScriptedOwners(alice), notifier);
    const times = (start: string, end: string) => ({ start_time: start, end_time: end });
    const first = times('2030-06-25T12:00:00.000Z', '2030-06-25T12:30:00.000Z');
    const second = times('2030-06-26T08:00:00.000Z', '2030-06-26T08:30:00.000Z');
    const from = ({ start_time, end_time }: { start_time: string; end_time: string }) => ({
      previous_start_time: start_time,
      previous_end_time: end_time,
    });
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    await bus.publish(
      createEnvelope('EventRescheduled', { ...event, ...first, ...from(event), version: 2 }, new Date()),
    );
    await bus.publish(
      createEnvelope('EventRescheduled', { ...event, ...second, ...from(first), version: 3 }, new Date()),
    );
    await bus.publish(
      createEnvelope('EventCanceled', { ...event, ...second, status: 'canceled', version: 4 }, new Date()),
    );
    expect(bus.deadLetters).toEqual([]);
    expect(notifier.sent.map(({ kind, audience, version, sequence }) => [kind, audience, version, sequence])).toEqual([
      ['booked', 'booker', 1, 0],
      ['booked', 'guests', 1, 0],
      ['booked', 'owner', 1, 0],
      ['rescheduled', 'booker', 2, 1],
      ['rescheduled', 'guests', 2, 1],
      ['rescheduled', 'owner', 2, 1],
      ['rescheduled', 'booker', 3, 2],
      ['rescheduled', 'guests', 3, 2],
      ['rescheduled', 'owner', 3, 2],
      ['canceled', 'booker', 4, 3],
      ['canceled', 'guests', 4, 3],
      ['canceled', 'owner', 4, 3],
    ]);
    const [, , , moved, , movedOwner, movedAgain] = notifier.sent;
    expect(moved!.event).toMatchObject({
      id: event.id,
      start: new Date(first.start_time),
      end: new Date(first.end_time),
    });
    // Europe/Berlin: UTC+2 in June.
    expect(movedOwner!.text).toContain(
      'Now: Tuesday, 25 June 2030, 14:00–14:30 (Europe/Berlin)\nWas: Monday, 24 June 2030, 09:00–09:30 (Europe/Berlin)',
    );
    expect(movedAgain!.text).toContain(
      'Now: Wednesday, 26 June 2030, 08:00–08:30 (UTC)\nWas: Tuesday, 25 June 2030, 12:00–12:30 (UTC)',
    );
  });

  it.each([
    {
      what: 'a reschedule that does not say where the event was',
      type: 'EventRescheduled' as const,
      data: { ...event, version: 2 },
    },
    { what: 'a message whose data is not an event', type: 'EventBooked' as const, data: { nope: 1 } },
  ])('dead-letters $what, and sends nothing', async ({ type, data }) => {
    const notifier = new RecordingNotifier();
    const bus = await consumer(new ScriptedOwners(alice), notifier);
    await bus.publish({ id: crypto.randomUUID(), type, occurred_at: new Date().toISOString(), data });
    expect(notifier.sent).toEqual([]);
    expect(bus.deadLetters).toHaveLength(1);
  });

  it('when the owner cannot be looked up, then nothing is sent and the message is retried until the lookup works', async () => {
    const notifier = new RecordingNotifier();
    const owners = new ScriptedOwners(alice, 2);
    const bus = await consumer(owners, notifier);
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    expect(owners.asked).toHaveLength(3);
    expect(notifier.sent.map((n) => n.audience)).toEqual(['booker', 'guests', 'owner']);
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
    await bus.publish(createEnvelope('EventCanceled', { ...event, status: 'canceled', version: 2 }, new Date()));
    expect(notifier.sent).toMatchObject([
      { audience: 'booker', organizer: null },
      { audience: 'guests', organizer: null },
    ]);
    expect(lines).toMatchObject([{ level: 40, calendarId: event.calendar_id }]);
  });

  it('logs each notification under the request id the message came with, and asks for the owner under it', async () => {
    const { logger, lines } = capturedLogger();
    const owners = new ScriptedOwners(alice);
    const bus = await consumer(owners, new LogNotifier(), logger);
    const message = createEnvelope('EventBooked', event, new Date());
    await bus.publish(message, { requestId: 'trace-me-123' });
    expect(owners.asked).toEqual([{ calendarId: event.calendar_id, requestId: 'trace-me-123' }]);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatchObject({ service: 'notification', reqId: 'trace-me-123', messageId: message.id });
      expect(line.msg).toContain(`Booked: Intro call`);
    }
  });

  it("when an event is booked, then the booker's mail links to their booking with the very token the booking service issued, in the fragment", async () => {
    const notifier = new RecordingNotifier();
    const bus = await consumer(new ScriptedOwners(alice), notifier);
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    const [booker, guests, owner] = notifier.sent;
    expect(booker!.text).toContain(`Reschedule or cancel: ${page}#token=${issued.token}`);
    // The booking service would accept it: it matches the hash it stored.
    expect(cancelTokens(cancelTokenKey).matches(issued.token, issued.stored)).toBe(true);
    for (const notification of [guests!, owner!]) expect(notification.text).not.toContain(issued.token);
    for (const notification of notifier.sent) expect(notification.description).not.toContain(issued.token);
  });

  it("when a message predates the token's nonce, then the booker's mail links to the booking's page without a token", async () => {
    const notifier = new RecordingNotifier();
    const bus = await consumer(new ScriptedOwners(alice), notifier);
    const { cancel_token_nonce: _nonce, ...older } = event;
    await bus.publish(createEnvelope('EventBooked', older, new Date()));
    expect(bus.deadLetters).toEqual([]);
    const [booker] = notifier.sent;
    expect(booker!.text).toContain(`The booking's page: ${page}\n`);
    expect(booker!.text).not.toContain('#token=');
  });

  it('when the notifications are logged instead of sent, then no line holds the booker’s token or link', async () => {
    const { logger, lines } = capturedLogger();
    const bus = await consumer(new ScriptedOwners(alice), new LogNotifier(), logger);
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    await bus.publish(createEnvelope('EventCanceled', { ...event, status: 'canceled', version: 2 }, new Date()));
    expect(lines.map((line) => line.msg)).toHaveLength(6);
    for (const line of lines.map((line) => JSON.stringify(line))) {
      expect(line).not.toContain(issued.token.slice(-43));
      expect(line).not.toContain('#token=');
    }
  });
});
