/**
 * Fault tests of the multi-process stack on the machine's RabbitMQ. Outages are made with a TCP
 * proxy between the services and the broker that the test controls, never by stopping the
 * shared broker; notifications go to an in-process SMTP server, so every mail is counted.
 */
import { randomUUID } from 'node:crypto';
import { brokerTarget, mongoTarget, proxyFor, startMailCatcher, uniqueDbUrl } from '@slotkeeper/testing';
import type { MailCatcher, TcpProxy } from '@slotkeeper/testing';
import { apiClient, apiSetup, booking, type BookedEvent, type Event } from '@slotkeeper/testing/api';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../stack/launch.js';
import { deleteStackTopology, eventually, startTestStack } from './support.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] fault tests: ${broker.reason}`);
const mongo = broker.url ? await mongoTarget() : undefined;
if (mongo && 'reason' in mongo) console.warn(`[skip] booking process killed mid-request (MongoDB): ${mongo.reason}`);

afterAll(async () => {
  if (mongo && 'stop' in mongo) await mongo.stop();
  if ('stop' in broker) await broker.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SLOT_MS = 30 * 60_000;
const BASE = Date.parse('2031-03-03T00:00:00Z');

/** A client of one stack's gateway, with the fixtures every fault test needs. */
function client(gatewayUrl: string) {
  const api = apiSetup(apiClient(gatewayUrl));
  /** The api key of the user the fixtures belong to; owner reads send it. */
  let ownerKey = '';
  /** The i-th booking of a stream: calendars in turn, each in its own next free slot. */
  const bookingOf = (calendars: string[], i: number) => {
    const start = BASE + Math.floor(i / calendars.length) * SLOT_MS;
    return booking(
      calendars[i % calendars.length]!,
      new Date(start).toISOString(),
      new Date(start + SLOT_MS).toISOString(),
      { title: `Call ${i}`, booked_by: `booker${i}@example.com`, guests: [`guest${i}@example.com`] },
    );
  };
  return {
    /** A user with `count` calendars, each open around the clock. */
    async calendars(count: number): Promise<string[]> {
      const { owner, calendars } = await api.openCalendars(count, { name: 'Fault' });
      ownerKey = owner.api_key;
      return calendars.map((calendar) => calendar.id);
    },
    /** Sends the i-th booking of a stream; its answer, whatever it is. */
    async book(calendars: string[], i: number, headers: Record<string, string> = {}): Promise<Answer> {
      const { data, response } = await api.tryBook(bookingOf(calendars, i), headers);
      return { status: response.status, event: data };
    },
    /** The ids of the events a calendar's detail lists (the calendar service's projection). */
    async projected(calendarId: string): Promise<string[]> {
      return (await api.calendarDetail(calendarId, ownerKey)).events.map((event) => event.id);
    },
    /** The events the booking ledger holds for a calendar. */
    stored: (calendarId: string) => api.events(calendarId, ownerKey),
  };
}

/** A booking's answer: its status, and the event when it was made. */
interface Answer {
  status: number;
  event: BookedEvent | undefined;
}

/**
 * Sends `count` bookings paced `everyMs` apart without waiting for answers, running `at[i]`
 * when the i-th is sent (to cut the broker, kill a process, …). Resolves to the answers.
 */
async function stream(
  count: number,
  everyMs: number,
  send: (i: number) => Promise<Answer>,
  at: Record<number, () => unknown> = {},
) {
  const answers: Array<Promise<Answer>> = [];
  const actions: unknown[] = [];
  for (let i = 0; i < count; i++) {
    if (at[i]) actions.push(at[i]!());
    answers.push(send(i));
    await sleep(everyMs);
  }
  await Promise.all(actions);
  return Promise.all(answers);
}

describe.skipIf(!broker.url)('faults on separate processes over the local RabbitMQ (in-memory stores)', () => {
  const prefix = `faults-${randomUUID().slice(0, 8)}`;
  let proxy: TcpProxy;
  let mail: MailCatcher;
  let stack: Stack;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    const proxied = await proxyFor(broker.url!);
    proxy = proxied.proxy;
    mail = await startMailCatcher();
    stack = await startTestStack({ AMQP_URL: proxied.url, AMQP_PREFIX: prefix, SMTP_URL: mail.url, LOG_LEVEL: 'warn' });
    api = client(stack.gatewayUrl);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
    await mail?.close();
    await deleteStackTopology(broker.url!, prefix);
  }, 60_000);

  /** The mails about one event, by the kind its Message-ID names. */
  const mailsAbout = (eventId: string, kind: 'booked' | 'canceled') =>
    mail.received.filter((m) => m.mail.messageId === `<${kind}.${eventId}@slotkeeper>`);

  /** Every booking was answered 201, shows once in its calendar's detail, and was mailed once. */
  async function expectEachBookedOnce(calendars: string[], answers: Answer[]) {
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    const booked = answers.map((a) => a.event!);
    await expectProjected(calendars, booked);
    await eventually(async () => {
      for (const event of booked) expect(mailsAbout(event.id, 'booked')).toHaveLength(1);
    }, 30_000);
    return booked;
  }

  /** Every booked event shows once in its calendar's detail, and nothing else does. */
  async function expectProjected(calendars: string[], booked: BookedEvent[]) {
    await eventually(async () => {
      for (const calendarId of calendars) {
        const expected = booked.filter((e) => e.calendar_id === calendarId).map((e) => e.id);
        expect((await api.projected(calendarId)).sort()).toEqual(expected.sort());
      }
    }, 30_000);
  }

  it('(a) when the broker goes away for 3 s in the middle of a stream of bookings, then every 201 is projected once and notified once', async () => {
    const calendars = await api.calendars(4);
    const answers = await stream(80, 50, (i) => api.book(calendars, i), {
      20: async () => {
        proxy.cut();
        await sleep(3_000);
        proxy.restore();
      },
    });
    // The broker is not on the booking path: the outbox keeps the messages until it is back.
    const booked = await expectEachBookedOnce(calendars, answers);
    // Nothing arrives late: a second look after the dust settled finds the same counts.
    await sleep(1_500);
    for (const event of booked) expect(mailsAbout(event.id, 'booked')).toHaveLength(1);
    // The booker's mail (with their reschedule-or-cancel link) and the guests' are two mails.
    const first = mailsAbout(booked[0]!.id, 'booked')[0]!;
    expect(first.to).toEqual(['booker0@example.com']);
    const guests = mail.received.filter((m) => m.mail.messageId === `<booked.${booked[0]!.id}.guests@slotkeeper>`);
    expect(guests.map((m) => m.to)).toEqual([['guest0@example.com']]);
  }, 90_000);

  it('(b) when the notification consumer is killed mid-stream and restarted, then nothing is lost and nothing applied twice', async () => {
    const calendars = await api.calendars(4);
    const answers = await stream(60, 40, (i) => api.book(calendars, i), {
      20: async () => {
        await stack.kill('notification');
        await sleep(1_000);
        await stack.restart('notification');
      },
    });
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    const booked = answers.map((a) => a.event!);
    await expectProjected(calendars, booked);
    // Every event is notified. A mail the SMTP server took just before the kill, whose broker
    // ack the kill prevented, is sent again, with the same Message-ID: one notification.
    await eventually(async () => {
      for (const event of booked) expect(mailsAbout(event.id, 'booked').length).toBeGreaterThanOrEqual(1);
    }, 30_000);
    const copies = booked.map((event) => mailsAbout(event.id, 'booked').length);
    const resent = copies.filter((n) => n > 1).length;
    console.log(`(b) ${booked.length} events notified; ${resent} resent with their Message-ID after the kill`);
    // Only deliveries in flight at the kill can be resent: at most the consumer's prefetch.
    expect(resent).toBeLessThanOrEqual(32);
  }, 120_000);

  it('(c) when poison messages arrive mid-stream, then they are parked in the dead-letter queues and the others flow', async () => {
    const calendars = await api.calendars(2);
    const connection = await amqplib.connect(broker.url!);
    const channel = await connection.createConfirmChannel();
    const poison = [
      Buffer.from('{"not": "an envelope"'),
      Buffer.from(
        JSON.stringify({ id: randomUUID(), type: 'EventBooked', occurred_at: new Date().toISOString(), data: {} }),
      ),
    ];
    const answers = await stream(30, 30, (i) => api.book(calendars, i), {
      10: async () => {
        for (const content of poison) channel.publish(`${prefix}.events`, 'EventBooked', content, { persistent: true });
        await channel.waitForConfirms();
      },
    });
    await expectEachBookedOnce(calendars, answers);
    // The unreadable one is parked at once; the one that fails validation after its retries.
    await eventually(async () => {
      for (const service of ['calendar', 'notification']) {
        expect((await channel.checkQueue(`${prefix}.${service}.dead`)).messageCount).toBe(2);
      }
    }, 30_000);
    await connection.close();
  }, 90_000);
});

const mongoLeg = !!broker.url && !!mongo?.url;
describe.skipIf(!mongoLeg)('a booking process killed mid-request (MongoDB, so the store outlives it)', () => {
  const prefix = `kill-${randomUUID().slice(0, 8)}`;
  let mail: MailCatcher;
  let stack: Stack;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    mail = await startMailCatcher();
    stack = await startTestStack({
      AMQP_URL: broker.url,
      AMQP_PREFIX: prefix,
      SMTP_URL: mail.url,
      LOG_LEVEL: 'warn',
      MONGODB_URL: uniqueDbUrl(mongo!.url!, prefix),
    });
    api = client(stack.gatewayUrl);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await mail?.close();
    await deleteStackTopology(broker.url!, prefix);
  }, 60_000);

  it('(d) every request ends in 201 with its event stored and announced, or an error with nothing stored', async () => {
    const calendars = await api.calendars(3);
    // The first answer each request got: 201, or an error while the process was gone.
    const firstAnswers = await stream(
      45,
      30,
      (i) =>
        api.book(calendars, i, { 'idempotency-key': `kill-${i}` }).catch(() => ({ status: 599, event: undefined })),
      {
        15: async () => {
          await stack.kill('booking');
          await sleep(500);
          await stack.restart('booking');
        },
      },
    );
    const confirmed = firstAnswers.filter((a) => a.status === 201).map((a) => a.event!);
    const failed = firstAnswers.map((a, i) => ({ ...a, i })).filter((a) => a.status !== 201);
    expect(failed.every((a) => a.status >= 500)).toBe(true);
    // Every event stored is listed by the ledger; every one of them is announced (projected and
    // notified); the 201s are among them.
    const stored = (await Promise.all(calendars.map((id) => api.stored(id)))).flat();
    const storedIds = new Set(stored.map((e) => e.id));
    for (const event of confirmed) expect(storedIds.has(event.id)).toBe(true);
    await expectAnnounced(stored);
    // A failed request either stored nothing or stored its event: the retry with its key tells
    // which, and returns the original instead of booking twice.
    for (const { i } of failed) {
      const retry = await api.book(calendars, i, { 'idempotency-key': `kill-${i}` });
      expect(retry.status).toBe(201);
      if (storedIds.has(retry.event!.id)) continue;
      expect(stored.some((e) => e.title === `Call ${i}`)).toBe(false);
    }
    console.log(`(d) ${confirmed.length} answered 201, ${failed.length} failed while the booking process was down`);
  }, 120_000);

  async function expectAnnounced(stored: Event[]) {
    await eventually(async () => {
      for (const event of stored) {
        expect(await api.projected(event.calendar_id)).toContain(event.id);
        expect(mail.received.some((m) => m.mail.messageId === `<booked.${event.id}@slotkeeper>`)).toBe(true);
      }
    }, 30_000);
  }
});
