import { createEnvelope } from '@slotkeeper/contracts';
import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { describe, expect, it } from 'vitest';
import { consumeEvents } from '../src/consumers/event-consumer.js';
import type { Notification, Notifier } from '../src/domain/notification.js';

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async send(notification: Notification): Promise<void> {
    this.sent.push(notification);
  }
}

const event = {
  id: '111111111111111111111111',
  calendar_id: '222222222222222222222222',
  title: 'Intro call',
  start_time: '2030-06-24T07:00:00.000Z',
  end_time: '2030-06-24T07:30:00.000Z',
  booked_by: 'ann@example.com',
  guests: ['bob@example.com', 'ann@example.com'],
  status: 'confirmed' as const,
  created_at: '2030-06-01T00:00:00.000Z',
};

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
