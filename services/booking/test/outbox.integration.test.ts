import { randomUUID } from 'node:crypto';
import type { Envelope } from '@slotkeeper/contracts';
import { AmqpBus, type OutboxRelay } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { brokerTarget, proxyFor, type TcpProxy } from '@slotkeeper/testing';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookEvent } from '../src/domain/booking-use-cases.js';
import { bookingWithCalendar, CAL, ledgerRules } from './fixtures.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] booking outbox on RabbitMQ: ${broker.reason}`);

describe.skipIf(!broker.url)('the booking outbox over a broker that goes away', () => {
  const prefix = `outbox-${randomUUID().slice(0, 8)}`;
  let proxy: TcpProxy;
  let publisherBus: AmqpBus;
  let consumerBus: AmqpBus;
  let relay: OutboxRelay;
  let deps: Awaited<ReturnType<typeof bookingWithCalendar>>;
  const received: Envelope[] = [];

  beforeAll(async () => {
    const proxied = await proxyFor(broker.url!);
    proxy = proxied.proxy;
    const options = { logger: silentLogger(), exchange: `${prefix}.events` };
    // The booking side reaches the broker through the proxy; the observer connects directly.
    publisherBus = await AmqpBus.connect({ ...options, url: proxied.url });
    consumerBus = await AmqpBus.connect({ ...options, url: broker.url! });
    await consumerBus.subscribe(`${prefix}.observer`, ['EventBooked'], async (m) => void received.push(m));
    const booking = await bookingWithCalendar(
      publisherBus,
      ledgerRules({ meetingDurationMinutes: 30 }),
      ['00:00', '24:00'],
      { sweepIntervalMs: 100, sweepAfterMs: 200 },
    );
    relay = booking.relay;
    relay.start();
    deps = booking;
  });

  afterAll(async () => {
    relay?.stop();
    await publisherBus?.close();
    await consumerBus?.close();
    await proxy?.close();
    const connection = await amqplib.connect(broker.url!);
    const channel = await connection.createChannel();
    for (const suffix of ['', '.retry', '.dead']) await channel.deleteQueue(`${prefix}.observer${suffix}`);
    await channel.deleteExchange(`${prefix}.events`);
    await connection.close();
    if ('stop' in broker) await broker.stop();
  });

  it('when the broker is unreachable at booking time, then every 201 still yields its EventBooked once', async () => {
    const book = (minute: number) =>
      bookEvent(
        {
          calendarId: CAL,
          title: 'Call',
          start: new Date(Date.UTC(2030, 5, 24, 0, minute * 30)),
          end: new Date(Date.UTC(2030, 5, 24, 0, minute * 30 + 30)),
          bookedBy: 'ann@example.com',
          guests: [],
        },
        undefined,
        deps,
      );
    const before = await book(0);
    await deps.outbox.flush(CAL); // the answer does not wait for the broker; this test does
    proxy.cut();
    const during = await Promise.all([book(1), book(2), book(3)]);
    expect(await deps.ledgers.outbox.pendingFor(CAL)).toHaveLength(3);
    proxy.restore();
    const after = await book(4);
    const expected = [before, ...during, after].map((answer) => answer.event.id).sort();
    const until = Date.now() + 20_000;
    while (received.length < expected.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(received.map((m) => (m.data as { id: string }).id).sort()).toEqual(expected);
    expect(await deps.ledgers.outbox.pendingFor(CAL)).toEqual([]);
  });
});
