import { createEnvelope, type Envelope } from '@slotkeeper/contracts';
import { silentLogger } from '@slotkeeper/observability';
import { sampleEvent } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { InProcessBus, MemoryOutbox, OutboxRelay, type MessageBus } from '../src/index.js';

/** The real in-process bus, counting what is handed to it. */
function countingBus() {
  const bus = new InProcessBus({ logger: silentLogger() });
  const published: string[] = [];
  const counting: MessageBus = {
    publish: (message: Envelope) => {
      published.push(message.id);
      return bus.publish(message);
    },
    subscribe: (queue, types, handler) => bus.subscribe(queue, types, handler),
    close: () => bus.close(),
  };
  return { bus: counting, published, inner: bus };
}

const booked = () => createEnvelope('EventBooked', sampleEvent, new Date());

describe('the outbox relay', () => {
  it('when many writes of one aggregate flush at once, then each message is published once, in order', async () => {
    const outbox = new MemoryOutbox();
    const { bus, published, inner } = countingBus();
    const received: string[] = [];
    await inner.subscribe('q', ['EventBooked'], async (m) => void received.push(m.id));
    const relay = new OutboxRelay(outbox, bus, { logger: silentLogger() });
    const messages = Array.from({ length: 30 }, booked);
    const flushes = messages.map((message) => {
      outbox.enqueue('calendar-1', [message]);
      return relay.flush('calendar-1');
    });
    await Promise.all(flushes);
    expect(published).toHaveLength(30);
    expect(received).toEqual(messages.map((m) => m.id));
    expect(await outbox.pendingFor('calendar-1')).toEqual([]);
  });

  it('when messages were written for a request, then they are published with its id, from a flush or the sweep', async () => {
    const outbox = new MemoryOutbox();
    const inner = new InProcessBus({ logger: silentLogger() });
    const received: Array<[string, string | undefined]> = [];
    await inner.subscribe('q', ['EventBooked'], async (m, delivery) => void received.push([m.id, delivery.requestId]));
    const relay = new OutboxRelay(outbox, inner, { logger: silentLogger(), sweepAfterMs: 0 });
    const [traced, untraced, swept] = [booked(), booked(), booked()];
    outbox.enqueue('calendar-1', [traced], 'trace-1');
    outbox.enqueue('calendar-1', [untraced]);
    await relay.flush('calendar-1');
    outbox.enqueue('calendar-2', [swept], 'trace-2');
    await relay.sweep();
    expect(received).toEqual([
      [traced.id, 'trace-1'],
      [untraced.id, undefined],
      [swept.id, 'trace-2'],
    ]);
  });

  it('when publishing fails, then the messages stay for the sweep, which publishes them later', async () => {
    const outbox = new MemoryOutbox();
    let brokerUp = false;
    const published: string[] = [];
    const flaky: MessageBus = {
      publish: async (message) => {
        if (!brokerUp) throw new Error('broker down');
        published.push(message.id);
      },
      subscribe: async () => {},
      close: async () => {},
    };
    const relay = new OutboxRelay(outbox, flaky, { logger: silentLogger(), sweepAfterMs: 0 });
    const message = booked();
    outbox.enqueue('calendar-1', [message]);
    await expect(relay.flush('calendar-1')).resolves.toBeUndefined();
    expect(await outbox.pendingFor('calendar-1')).toHaveLength(1);
    brokerUp = true;
    await relay.sweep();
    expect(published).toEqual([message.id]);
    expect(await outbox.pendingFor('calendar-1')).toEqual([]);
  });

  it.each(['drain', 'close'] as const)(
    'when the process shuts down, then %s waits for the flushes under way',
    async (end) => {
      const outbox = new MemoryOutbox();
      const published: string[] = [];
      const slow: MessageBus = {
        publish: async (message) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          published.push(message.id);
        },
        subscribe: async () => {},
        close: async () => {},
      };
      const relay = new OutboxRelay(outbox, slow, { logger: silentLogger() });
      const message = booked();
      outbox.enqueue('calendar-1', [message]);
      void relay.flush('calendar-1');
      expect(published).toEqual([]);
      await relay[end]();
      expect(published).toEqual([message.id]);
      expect(await outbox.pendingFor('calendar-1')).toEqual([]);
    },
  );
});
