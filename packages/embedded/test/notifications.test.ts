import { createEnvelope, type MessageData } from '@slotkeeper/contracts';
import { LogNotifier, type Notification, type Notifier, type NotifyLog } from '@slotkeeper/notification-service';
import { createLogger } from '@slotkeeper/observability';
import { bearer } from '@slotkeeper/testing/api';
import { describe, expect, it } from 'vitest';
import { eventually, notifyingSystem } from './harness.js';

/** Notification tests through the embedded system: the owner is found over the services' APIs. */

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  constructor(private readonly inner?: Notifier) {}
  async send(notification: Notification, log: NotifyLog): Promise<void> {
    this.sent.push(notification);
    await this.inner?.send(notification, log);
  }
}

/** The embedded system with its log lines kept, an owner in Berlin and a calendar of 30-minute meetings. */
async function system() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'test',
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const notifier = new RecordingNotifier(new LogNotifier());
  const { gateway, bus, api, owner, hours, calendar, annBooking } = await notifyingSystem(notifier, logger);
  /** Another calendar of the same owner, whose owner nothing has looked up yet. */
  const newCalendar = () => api.calendar(owner, [hours.id], { name: 'Demos' });
  const book = (headers: Record<string, string> = {}) => api.tryBook(annBooking, headers);
  return { gateway, bus, client: api.client, book, newCalendar, notifier, lines, calendar };
}

describe('notifications in the embedded system', () => {
  it('when an event is booked and then canceled, then the booker, the guest and the calendar’s owner are each told of both', async () => {
    const { gateway, client, book, notifier, calendar } = await system();
    const booked = await book();
    expect(booked.response.status).toBe(201);
    const event = booked.data!;
    const canceled = await client.DELETE('/api/event/events/{event_id}', {
      params: { path: { event_id: event.id } },
      headers: bearer(event.cancel_token),
    });
    expect(canceled.response.status).toBe(204);
    await eventually(() => expect(notifier.sent).toHaveLength(6));
    await gateway.close();

    expect(notifier.sent.map(({ kind, audience, to, sequence }) => ({ kind, audience, to, sequence }))).toEqual([
      { kind: 'booked', audience: 'booker', to: ['ann@example.com'], sequence: 0 },
      { kind: 'booked', audience: 'guests', to: ['bob@example.com'], sequence: 0 },
      { kind: 'booked', audience: 'owner', to: ['alice@example.com'], sequence: 0 },
      { kind: 'canceled', audience: 'booker', to: ['ann@example.com'], sequence: 1 },
      { kind: 'canceled', audience: 'guests', to: ['bob@example.com'], sequence: 1 },
      { kind: 'canceled', audience: 'owner', to: ['alice@example.com'], sequence: 1 },
    ]);
    for (const notification of notifier.sent) {
      expect(notification.organizer).toEqual({ name: 'Alice Owner', email: 'alice@example.com' });
      expect(notification.event).toMatchObject({ id: event.id, calendarId: calendar.id });
      expect(notification.url).toBe(`https://slots.example/booking/${event.id}`);
    }
    expect(notifier.sent[2]!.text).toContain('Monday, 3 June 2030, 09:00–09:30 (Europe/Berlin)');
  });

  it("when an event is booked, then the booker's mail links to their booking with a token the API accepts, and the guest's mail has no token", async () => {
    const { gateway, client, book, notifier } = await system();
    const booked = await book();
    expect(booked.response.status).toBe(201);
    const event = booked.data!;
    await eventually(() => expect(notifier.sent).toHaveLength(3));
    const [booker, guests, owner] = notifier.sent;

    // The booker's link: the booking's page, the token in the fragment (never sent to a server).
    const link = /^Reschedule or cancel: (\S+)$/m.exec(booker!.text)?.[1];
    expect(link).toMatch(new RegExp(`^https://slots\\.example/booking/${event.id}#token=`));
    const token = new URLSearchParams(new URL(link!).hash.slice(1)).get('token')!;
    expect(token).toBe(event.cancel_token);
    const read = await client.GET('/api/event/events/{event_id}', {
      params: { path: { event_id: event.id } },
      headers: bearer(token),
    });
    expect(read.response.status).toBe(200);
    expect(read.data).toMatchObject({ id: event.id, booked_by: 'ann@example.com' });
    await gateway.close();

    // The guest and the owner get the booking's page without a token, and no invite carries one.
    for (const notification of [guests!, owner!]) {
      expect(notification.text).toContain(`The booking's page: https://slots.example/booking/${event.id}`);
      expect(notification.text).not.toContain('#token=');
      expect(notification.text).not.toContain(token);
    }
    for (const notification of notifier.sent) {
      expect(notification.url).toBe(`https://slots.example/booking/${event.id}`);
      expect(notification.description).not.toContain(token);
    }
  });

  it('when a message comes with a request id, then the notification’s lines and the owner lookups it causes carry it', async () => {
    const { gateway, bus, book, newCalendar, notifier, lines } = await system();
    const { cancel_token: _token, ...booked } = (await book()).data!;
    await eventually(() => expect(notifier.sent).toHaveLength(3));
    const calendar = await newCalendar();
    // An event as the booking service announces it, published as its outbox relay will: with the
    // booking request's id beside the envelope. Nothing has looked this calendar's owner up yet.
    const event: MessageData<'EventBooked'> = {
      ...booked,
      status: 'confirmed',
      id: 'e0e0e0e0e0e0e0e0e0e0e0e0',
      calendar_id: calendar.id,
      version: 1,
    };
    await bus.publish(createEnvelope('EventBooked', event, new Date()), { requestId: 'trace-me-123' });
    await gateway.close();
    // A message without the token's nonce (as published before it was added): the plain page.
    const booker = notifier.sent.find((n) => n.event.id === event.id && n.audience === 'booker')!;
    expect(booker.text).toContain(`The booking's page: https://slots.example/booking/${event.id}\n`);
    expect(booker.text).not.toContain('#token=');
    const traced = lines.filter((line) => line.reqId === 'trace-me-123');
    expect(traced.filter((line) => line.service === 'notification').map((line) => line.msg)).toEqual([
      `would notify ann@example.com: Booked: Intro call (event ${event.id})`,
      `would notify bob@example.com: Booked: Intro call (event ${event.id})`,
      `would notify alice@example.com: Booked: Intro call (ann@example.com) (event ${event.id})`,
    ]);
    // The owner lookups: the calendar service (asked by the notification and webhook services),
    // then the user service (by the notification service), each logging the request.
    expect([...new Set(traced.map((line) => line.service))].sort()).toEqual(['calendar', 'notification', 'user']);
    const urls = traced.map((line) => (line.req as { url?: string } | undefined)?.url).filter(Boolean);
    expect([...new Set(urls)].sort()).toEqual([
      `/api/calendar/calendars/${calendar.id}`,
      expect.stringMatching(/^\/api\/user\/users\//),
    ]);
  });

  // Fails until the booking service stores each request's id with the outbox messages it writes
  // and the relay publishes it (`bus.publish(message, { requestId })`); then `.fails` goes.
  it('when a booking is made with x-request-id, then the notification’s lines for its mails, and the lookups they cause, carry that id', async () => {
    const { gateway, book, notifier, lines } = await system();
    const booked = await book({ 'x-request-id': 'trace-me-123' });
    expect(booked.response.status).toBe(201);
    await eventually(() => expect(notifier.sent).toHaveLength(3));
    await gateway.close();
    const traced = lines.filter((line) => line.reqId === 'trace-me-123');
    const services = new Set(traced.map((line) => line.service));
    // The HTTP request itself, then its message's handling and the owner lookups it made.
    expect([...services].sort()).toEqual(['booking', 'calendar', 'gateway', 'notification', 'user']);
    expect(
      traced.filter((line) => line.service === 'notification' && String(line.msg).startsWith('would notify')),
    ).toHaveLength(3);
  });
});
