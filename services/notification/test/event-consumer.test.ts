import { createEnvelope } from '@slotkeeper/contracts';
import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { sampleEvent } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { consumeEvents } from '../src/consumers/event-consumer.js';
import type { Notification, Notifier } from '../src/domain/notification.js';

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async send(notification: Notification): Promise<void> {
    this.sent.push(notification);
  }
}

// The booker is also listed as a guest: one notification each, all the same.
const event = { ...sampleEvent, guests: ['bob@example.com', 'ann@example.com'] };

describe('the notification consumer', () => {
  it('notifies the booker and each guest once when an event is booked, then canceled', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const notifier = new RecordingNotifier();
    await consumeEvents(bus, notifier);
    await bus.publish(createEnvelope('EventBooked', event, new Date()));
    await bus.publish(createEnvelope('EventCanceled', { ...event, status: 'canceled' }, new Date()));
    expect(notifier.sent).toEqual([
      expect.objectContaining({
        kind: 'booked',
        to: ['ann@example.com', 'bob@example.com'],
        subject: 'Booked: Intro call',
      }),
      expect.objectContaining({
        kind: 'canceled',
        to: ['ann@example.com', 'bob@example.com'],
        subject: 'Canceled: Intro call',
      }),
    ]);
  });

  it('dead-letters a message whose data is not an event, and sends nothing', async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    const notifier = new RecordingNotifier();
    await consumeEvents(bus, notifier);
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
