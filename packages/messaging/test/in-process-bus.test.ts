import type { Envelope } from '@slotkeeper/contracts';
import { createLogger, silentLogger } from '@slotkeeper/observability';
import { sampleEvent } from '@slotkeeper/testing';
import { describe, expect, it, vi } from 'vitest';
import { createEnvelope } from '@slotkeeper/contracts';
import { deliveryLogger, InProcessBus, type Delivery } from '../src/index.js';

const event = sampleEvent;
const booked = () => createEnvelope('EventBooked', event, new Date());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the in-process bus', () => {
  it('delivers a message to every queue bound to its type, before publish resolves', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const seen: string[] = [];
    await bus.subscribe('calendar', ['EventBooked'], async (m) => void seen.push(`calendar:${m.type}`));
    await bus.subscribe(
      'notification',
      ['EventBooked', 'EventCanceled'],
      async (m) => void seen.push(`notification:${m.type}`),
    );
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    await bus.publish(createEnvelope('EventCanceled', { ...event, status: 'canceled' }, new Date()));
    expect(seen).toEqual(['calendar:EventBooked', 'notification:EventBooked', 'notification:EventCanceled']);
  });

  it('hands each consumer its own copy, and a repeated message id only once', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const received: Envelope[] = [];
    await bus.subscribe('q', ['EventBooked'], async (m) => void received.push(m));
    const message = createEnvelope('EventBooked', event, new Date());
    await bus.publish(message);
    await bus.publish(message);
    expect(received).toHaveLength(1);
    expect(received[0]).toEqual(message);
    expect(received[0]).not.toBe(message);
  });

  it('retries a failing consumer, then parks the message without failing the publisher or others', async () => {
    const bus = new InProcessBus({ logger: silentLogger(), maxAttempts: 3 });
    let attempts = 0;
    const healthy: string[] = [];
    await bus.subscribe('broken', ['EventBooked'], async () => {
      attempts++;
      throw new Error('poison');
    });
    await bus.subscribe('healthy', ['EventBooked'], async (m) => void healthy.push(m.id));
    const message = createEnvelope('EventBooked', event, new Date());
    await expect(bus.publish(message)).resolves.toBeUndefined();
    expect(attempts).toBe(3);
    expect(healthy).toEqual([message.id]);
    expect(bus.deadLetters).toMatchObject([{ queue: 'broken', error: 'poison', message: { id: message.id } }]);
  });

  it('hands the handler the request id the publisher gave, on every attempt, and logs a parked message under it', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      service: 'bus',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    const bus = new InProcessBus({ logger, maxAttempts: 2 });
    const deliveries: Delivery[] = [];
    await bus.subscribe('q', ['EventBooked'], async (_message, delivery) => {
      deliveries.push(delivery);
      throw new Error('down');
    });
    const message = createEnvelope('EventBooked', event, new Date());
    await bus.publish(message, { requestId: 'trace-me-123' });
    expect(deliveries).toEqual([
      { requestId: 'trace-me-123', attempt: 1 },
      { requestId: 'trace-me-123', attempt: 2 },
    ]);
    expect(lines).toMatchObject([{ reqId: 'trace-me-123', messageId: message.id, msg: 'message dead-lettered' }]);
  });

  it('when several subscribers of one name subscribe as a broadcast, then each hears every message', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const heard: string[] = [];
    for (const instance of ['first', 'second']) {
      await bus.subscribe('gateway', ['EventBooked'], async () => void heard.push(instance), { broadcast: true });
    }
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    expect(heard).toEqual(['first', 'second']);
  });

  it('delivers without a request id when none was given or it is not a sane token', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const deliveries: Delivery[] = [];
    await bus.subscribe('q', ['EventBooked'], async (_message, delivery) => void deliveries.push(delivery));
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    await bus.publish(createEnvelope('EventBooked', event, new Date()), { requestId: 'two words\n' });
    await bus.publish(createEnvelope('EventBooked', event, new Date()), { requestId: 'x'.repeat(129) });
    expect(deliveries).toEqual([{ attempt: 1 }, { attempt: 1 }, { attempt: 1 }]);
  });
});

describe('deliveryLogger', () => {
  it("binds the request id under Fastify's key, reqId, and the message id", () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      service: 'svc',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    const message = createEnvelope('EventBooked', event, new Date());
    deliveryLogger(logger, message, { requestId: 'trace-1', attempt: 1 }).info('handled');
    deliveryLogger(logger, message, { attempt: 1 }).info('handled');
    expect(lines[0]).toMatchObject({ service: 'svc', reqId: 'trace-1', messageId: message.id, msg: 'handled' });
    expect(lines[1]).not.toHaveProperty('reqId');
  });

  it('when closed while an event handler runs, then close waits for it and later messages reach nobody', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const started: string[] = [];
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await bus.subscribe('q', ['EventBooked'], async (m) => {
      started.push(m.id);
      await gate;
      handled.push(m.id);
    });
    const [first, queuedBehind, late] = [booked(), booked(), booked()];
    const publishing = Promise.all([bus.publish(first), bus.publish(queuedBehind)]);
    await vi.waitFor(() => expect(started).toEqual([first.id]));
    let closed = false;
    const closing = bus.close().then(() => (closed = true));
    await sleep(50);
    expect(closed).toBe(false);
    release();
    await closing;
    await publishing;
    await bus.publish(late);
    expect(handled).toEqual([first.id]);
  });
});
