import { createEnvelope, type EventResponse } from '@slotkeeper/contracts';
import { LogNotifier, type Notification, type Notifier, type NotifyLog } from '@slotkeeper/notification-service';
import { createLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { buildEmbeddedSystem } from '../src/embedded.js';

/** Notification tests through the embedded system: the owner is found over the services' APIs. */

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  constructor(private readonly inner?: Notifier) {}
  async send(notification: Notification, log: NotifyLog): Promise<void> {
    this.sent.push(notification);
    await this.inner?.send(notification, log);
  }
}

async function eventually(check: () => void, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
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
  const { gateway, bus } = await buildEmbeddedSystem({
    logger,
    clock: new ManualClock('2030-06-01T00:00:00Z'),
    notifier,
    publicBaseUrl: 'https://slots.example/',
  });
  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, headers = {}) => {
    const response = await gateway.inject({
      method,
      url,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };
  const owner = (
    await call('POST', '/api/user/users', {
      name: 'Alice Owner',
      email: 'alice@example.com',
      timezone: 'Europe/Berlin',
    })
  ).body as { id: string; api_key: string };
  const asOwner = { authorization: `Bearer ${owner.api_key}` };
  const hours = (
    await call(
      'POST',
      '/api/schedule/availability_schedules',
      {
        user_id: owner.id,
        name: 'Work',
        time_slots: [{ day_of_week: 'monday', start_time: '09:00', end_time: '17:00' }],
      },
      asOwner,
    )
  ).body as { id: string };
  const calendar = (
    await call(
      'POST',
      '/api/calendar/calendars',
      { user_id: owner.id, name: 'Intro calls', availability_schedule_ids: [hours.id], meeting_duration_minutes: 30 },
      asOwner,
    )
  ).body as { id: string };
  /** Another calendar of the same owner, whose owner nothing has looked up yet. */
  const newCalendar = async () =>
    (
      await call(
        'POST',
        '/api/calendar/calendars',
        { user_id: owner.id, name: 'Demos', availability_schedule_ids: [hours.id] },
        asOwner,
      )
    ).body as { id: string };
  const book = (headers: Record<string, string> = {}) =>
    call(
      'POST',
      '/api/event/events',
      {
        calendar_id: calendar.id,
        title: 'Intro call',
        start_time: '2030-06-03T09:00:00+02:00',
        end_time: '2030-06-03T09:30:00+02:00',
        booked_by: 'ann@example.com',
        guests: ['bob@example.com'],
      },
      headers,
    );
  return { gateway, bus, call, book, newCalendar, notifier, lines, calendar };
}

describe('notifications in the embedded system', () => {
  it('when an event is booked and then canceled, then the booker, the guest and the calendar’s owner are told of both', async () => {
    const { gateway, call, book, notifier, calendar } = await system();
    const booked = await book();
    expect(booked.status).toBe(201);
    const event = booked.body as EventResponse & { cancel_token: string };
    const canceled = await call('DELETE', `/api/event/events/${event.id}`, undefined, {
      authorization: `Bearer ${event.cancel_token}`,
    });
    expect(canceled.status).toBe(204);
    await eventually(() => expect(notifier.sent).toHaveLength(4));
    await gateway.close();

    expect(notifier.sent.map(({ kind, audience, to, sequence }) => ({ kind, audience, to, sequence }))).toEqual([
      { kind: 'booked', audience: 'attendees', to: ['ann@example.com', 'bob@example.com'], sequence: 0 },
      { kind: 'booked', audience: 'owner', to: ['alice@example.com'], sequence: 0 },
      { kind: 'canceled', audience: 'attendees', to: ['ann@example.com', 'bob@example.com'], sequence: 1 },
      { kind: 'canceled', audience: 'owner', to: ['alice@example.com'], sequence: 1 },
    ]);
    for (const notification of notifier.sent) {
      expect(notification.organizer).toEqual({ name: 'Alice Owner', email: 'alice@example.com' });
      expect(notification.event).toMatchObject({ id: event.id, calendar_id: calendar.id });
      expect(notification.url).toBe(`https://slots.example/booking/${event.id}`);
    }
    expect(notifier.sent[1]!.text).toContain('Monday, 3 June 2030, 09:00–09:30 (Europe/Berlin)');
  });

  it('when a message comes with a request id, then the notification’s lines and the owner lookups it causes carry it', async () => {
    const { gateway, bus, book, newCalendar, notifier, lines } = await system();
    const { cancel_token: _token, ...booked } = (await book()).body as EventResponse & { cancel_token: string };
    await eventually(() => expect(notifier.sent).toHaveLength(2));
    const calendar = await newCalendar();
    // An event as the booking service announces it, published as its outbox relay will: with the
    // booking request's id beside the envelope. Nothing has looked this calendar's owner up yet.
    const event: EventResponse = { ...booked, id: 'e0e0e0e0e0e0e0e0e0e0e0e0', calendar_id: calendar.id };
    await bus.publish(createEnvelope('EventBooked', event, new Date()), { requestId: 'trace-me-123' });
    await gateway.close();
    const traced = lines.filter((line) => line.reqId === 'trace-me-123');
    expect(traced.filter((line) => line.service === 'notification').map((line) => line.msg)).toEqual([
      `would notify ann@example.com, bob@example.com: Booked: Intro call (event ${event.id})`,
      `would notify alice@example.com: Booked: Intro call (ann@example.com) (event ${event.id})`,
    ]);
    // The owner lookups: the calendar service, then the user service, each logging the request.
    expect([...new Set(traced.map((line) => line.service))].sort()).toEqual(['calendar', 'notification', 'user']);
    const urls = traced.map((line) => (line.req as { url?: string } | undefined)?.url).filter(Boolean);
    expect(urls).toEqual([`/api/calendar/calendars/${calendar.id}`, expect.stringMatching(/^\/api\/user\/users\//)]);
  });

  // Fails until the booking service stores each request's id with the outbox messages it writes
  // and the relay publishes it (`bus.publish(message, { requestId })`); then `.fails` goes.
  it('when a booking is made with x-request-id, then the notification’s lines for its mails, and the lookups they cause, carry that id', async () => {
    const { gateway, book, notifier, lines } = await system();
    const booked = await book({ 'x-request-id': 'trace-me-123' });
    expect(booked.status).toBe(201);
    await eventually(() => expect(notifier.sent).toHaveLength(2));
    await gateway.close();
    const traced = lines.filter((line) => line.reqId === 'trace-me-123');
    const services = new Set(traced.map((line) => line.service));
    // The HTTP request itself, then its message's handling and the owner lookups it made.
    expect([...services].sort()).toEqual(['booking', 'calendar', 'gateway', 'notification', 'user']);
    expect(
      traced.filter((line) => line.service === 'notification' && String(line.msg).startsWith('would notify')),
    ).toHaveLength(2);
  });
});
