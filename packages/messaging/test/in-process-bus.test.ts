import type { Envelope } from '@slotkeeper/contracts';
import { silentLogger } from '@slotkeeper/observability';
import { sampleEvent } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { createEnvelope } from '@slotkeeper/contracts';
import { InProcessBus } from '../src/index.js';

const event = sampleEvent;

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
    await bus.publish(createEnvelope('EventCanceled', event, new Date()));
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
});
