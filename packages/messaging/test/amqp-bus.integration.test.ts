import { randomUUID } from 'node:crypto';
import { createEnvelope, type Envelope } from '@slotkeeper/contracts';
import { createLogger, silentLogger } from '@slotkeeper/observability';
import { brokerTarget, proxyFor, sampleEvent } from '@slotkeeper/testing';
import amqplib from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AmqpBus, type Delivery } from '../src/index.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] AmqpBus integration: ${broker.reason}`);

const event = sampleEvent;

/** Polls until `check` passes or the time is up. */
const eventually = async (check: () => unknown, ms = 10_000): Promise<void> =>
  void (await vi.waitFor(check, { timeout: ms, interval: 25 }));

describe.skipIf(!broker.url)('AmqpBus on the local RabbitMQ', () => {
  const run = randomUUID().slice(0, 8);
  const exchange = `test.${run}.events`;
  const queues: string[] = [];
  const buses: AmqpBus[] = [];
  let admin: amqplib.ChannelModel;
  let adminChannel: amqplib.Channel;

  const queue = (name: string) => {
    const full = `test.${run}.${name}`;
    queues.push(full, `${full}.retry`, `${full}.dead`);
    return full;
  };
  const bus = async (url = broker.url!) => {
    const created = await AmqpBus.connect({
      url,
      logger: process.env.BUS_DEBUG ? createLogger({ service: 'bus', level: 'debug' }) : silentLogger(),
      exchange,
      retryDelayMs: 100,
      maxAttempts: 3,
    });
    buses.push(created);
    return created;
  };
  const booked = () => createEnvelope('EventBooked', event, new Date());
  const dead = async (name: string) => (await adminChannel.checkQueue(`${name}.dead`)).messageCount;

  beforeAll(async () => {
    admin = await amqplib.connect(broker.url!);
    adminChannel = await admin.createChannel();
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close().catch(() => undefined)));
  });
  afterAll(async () => {
    for (const name of queues) await adminChannel.deleteQueue(name).catch(() => undefined);
    await adminChannel.deleteExchange(exchange).catch(() => undefined);
    await admin.close();
    if ('stop' in broker) await broker.stop();
  });

  it('delivers a persistent message to every queue bound to its type, and only those', async () => {
    const b = await bus();
    const calendar: Envelope[] = [];
    const other: Envelope[] = [];
    await b.subscribe(queue('calendar'), ['EventBooked'], async (m) => void calendar.push(m));
    await b.subscribe(queue('other'), ['ScheduleLinked'], async (m) => void other.push(m));
    const message = booked();
    await b.publish(message);
    await eventually(() => expect(calendar).toEqual([message]));
    expect(other).toEqual([]);
  });

  it('pipelines many publishes, each confirmed', async () => {
    const b = await bus();
    const got = new Set<string>();
    await b.subscribe(queue('many'), ['EventBooked'], async (m) => void got.add(m.id));
    const messages = Array.from({ length: 500 }, booked);
    await Promise.all(messages.map((m) => b.publish(m)));
    await eventually(() => expect(got.size).toBe(500));
  });

  it('retries a failing consumer after a delay, then succeeds', async () => {
    const b = await bus();
    let attempts = 0;
    await b.subscribe(queue('flaky'), ['EventBooked'], async () => {
      if (++attempts < 3) throw new Error('not yet');
    });
    await b.publish(booked());
    await eventually(() => expect(attempts).toBe(3));
  });

  it('carries the request id beside the envelope, as a header, through retries to the handler', async () => {
    const b = await bus();
    const name = queue('traced');
    const deliveries: Delivery[] = [];
    await b.subscribe(name, ['EventBooked'], async (_message, delivery) => {
      deliveries.push(delivery);
      if (delivery.attempt < 2) throw new Error('not yet');
    });
    // A second queue, read raw: the body is the contract's envelope and nothing else.
    const raw = `${queue('raw')}`;
    await adminChannel.assertQueue(raw, { autoDelete: true });
    await adminChannel.bindQueue(raw, exchange, 'EventBooked');
    const message = booked();
    await b.publish(message, { requestId: 'trace-me-123' });
    await eventually(() =>
      expect(deliveries).toEqual([
        { requestId: 'trace-me-123', attempt: 1 },
        { requestId: 'trace-me-123', attempt: 2 },
      ]),
    );
    const copy = await adminChannel.get(raw, { noAck: true });
    if (!copy) throw new Error('no copy on the raw queue');
    expect(JSON.parse(copy.content.toString('utf8'))).toEqual(message);
    expect(copy.properties.headers).toMatchObject({ 'x-request-id': 'trace-me-123' });
  });

  it('delivers no request id when the publisher gave none, or a header that is not a sane token', async () => {
    const b = await bus();
    const deliveries: Delivery[] = [];
    await b.subscribe(queue('untraced'), ['EventBooked'], async (_message, delivery) => void deliveries.push(delivery));
    await b.publish(booked());
    adminChannel.publish(exchange, 'EventBooked', Buffer.from(JSON.stringify(booked())), {
      headers: { 'x-request-id': 'has spaces and\nnewlines' },
    });
    await eventually(() => expect(deliveries).toEqual([{ attempt: 1 }, { attempt: 1 }]));
  });

  /** The message the handler below fails on, every time it comes. */
  const poison = booked();
  it.each([
    ['a message that keeps failing', 'poison', (b: AmqpBus) => b.publish(poison)],
    [
      'a delivery that is not a message envelope',
      'garbage',
      () => void adminChannel.publish(exchange, 'EventBooked', Buffer.from('{not json'), { persistent: true }),
    ],
  ])('parks %s, and keeps delivering the others', async (_what, queueName, sendBad) => {
    const b = await bus();
    const name = queue(queueName);
    const handled: string[] = [];
    await b.subscribe(name, ['EventBooked'], async (m) => {
      if (m.id === poison.id) throw new Error('poison');
      handled.push(m.id);
    });
    await sendBad(b);
    const healthy = booked();
    await b.publish(healthy);
    await eventually(() => expect(handled).toEqual([healthy.id]));
    await eventually(async () => expect(await dead(name)).toBe(1));
  });

  it('handles a message id once, however often it arrives', async () => {
    const b = await bus();
    const handled: string[] = [];
    await b.subscribe(queue('dupes'), ['EventBooked'], async (m) => void handled.push(m.id));
    const message = booked();
    await b.publish(message);
    await b.publish(message);
    await b.publish(booked());
    await eventually(() => expect(handled).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handled.filter((id) => id === message.id)).toHaveLength(1);
  });

  it('when copies of a message arrive while the first is still being handled, then it is handled once', async () => {
    const b = await bus();
    const name = queue('slow-dupes');
    let running = 0;
    let overlapped = false;
    const handled: string[] = [];
    await b.subscribe(name, ['EventBooked'], async (m) => {
      overlapped ||= ++running > 1;
      await new Promise((resolve) => setTimeout(resolve, 150));
      running--;
      handled.push(m.id);
    });
    const message = booked();
    await Promise.all([b.publish(message), b.publish(message), b.publish(message)]);
    await eventually(async () => expect((await adminChannel.checkQueue(name)).messageCount).toBe(0));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(handled).toEqual([message.id]);
    expect(overlapped).toBe(false);
  });

  it('when the bus closes while a handler is under way, then close waits for it and the message is not delivered again', async () => {
    const name = queue('close-mid-message');
    const first = await bus();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const [started, finished]: [string[], string[]] = [[], []];
    await first.subscribe(name, ['EventBooked'], async (m) => {
      started.push(m.id);
      await gate;
      finished.push(m.id);
    });
    const message = booked();
    await first.publish(message);
    await eventually(() => expect(started).toEqual([message.id]));

    let closed = false;
    const closing = first.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    release();
    await closing;

    expect(finished).toEqual([message.id]);
    const second = await bus();
    const heard: string[] = [];
    await second.subscribe(name, ['EventBooked'], async (m) => void heard.push(m.id));
    const next = booked();
    await second.publish(next);
    await eventually(() => expect(heard).toContain(next.id));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toEqual([next.id]);
  });

  it('when a subscription is a broadcast, then every instance hears a message that a shared queue gives to one', async () => {
    const [first, second] = [await bus(), await bus()];
    const heard: Record<string, string[]> = { first: [], second: [] };
    const shared: string[] = [];
    await first.subscribe('gateway', ['EventBooked'], async (m) => void heard.first!.push(m.id), { broadcast: true });
    await second.subscribe('gateway', ['EventBooked'], async (m) => void heard.second!.push(m.id), { broadcast: true });
    const name = queue('shared');
    for (const instance of [first, second])
      await instance.subscribe(name, ['EventBooked'], async (m) => void shared.push(m.id));
    const message = booked();
    await first.publish(message);
    await eventually(() => expect(heard).toEqual({ first: [message.id], second: [message.id] }));
    await eventually(() => expect(shared).toEqual([message.id]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toEqual({ first: [message.id], second: [message.id] });
    expect(shared).toEqual([message.id]);
  });

  it('when a broadcast handler keeps failing, then it is retried, the message dropped, and the next one heard', async () => {
    const b = await bus();
    let attempts = 0;
    const heard: string[] = [];
    await b.subscribe(
      'flaky-broadcast',
      ['EventBooked'],
      async (m) => {
        if (m.id === poison.id) throw new Error(`poison, attempt ${++attempts}`);
        heard.push(m.id);
      },
      { broadcast: true },
    );
    await b.publish(poison);
    const healthy = booked();
    await b.publish(healthy);
    await eventually(() => expect(heard).toEqual([healthy.id]));
    await eventually(() => expect(attempts).toBe(3));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attempts).toBe(3);
  });

  it('after the connection drops, a broadcast subscription declares a queue of its own again and keeps hearing', async () => {
    const { proxy, url } = await proxyFor(broker.url!);
    try {
      const b = await bus(url);
      const heard: string[] = [];
      await b.subscribe('gateway', ['EventBooked'], async (m) => void heard.push(m.id), { broadcast: true });
      const before = booked();
      await b.publish(before);
      await eventually(() => expect(heard).toEqual([before.id]));
      // The broker deletes an exclusive queue with its connection: only a new one brings messages.
      proxy.cut();
      await eventually(() => expect(b.isConnected()).toBe(false));
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.restore();
      await eventually(() => expect(b.isConnected()).toBe(true));
      const after = booked();
      await b.publish(after);
      await eventually(() => expect(heard).toEqual([before.id, after.id]));
      await b.close();
    } finally {
      await proxy.close();
    }
  });

  it('after the connection drops, reconnects and declares its topology again', async () => {
    const { proxy, url } = await proxyFor(broker.url!);
    try {
      const b = await bus(url);
      const name = queue('reconnect');
      const handled: string[] = [];
      await b.subscribe(name, ['EventBooked'], async (m) => void handled.push(m.id));
      proxy.cut();
      await eventually(() => expect(b.isConnected()).toBe(false));
      // While it is away, its queues vanish: only declaring them again brings messages back.
      await adminChannel.deleteQueue(name);
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.restore();
      await eventually(() => expect(b.isConnected()).toBe(true));
      const message = booked();
      await b.publish(message);
      await eventually(() => expect(handled).toEqual([message.id]));
      await b.close();
    } finally {
      await proxy.close();
    }
  });
});
