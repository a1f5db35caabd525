import { createEnvelope } from '@slotkeeper/contracts';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { describe, expect, it } from 'vitest';
import { MemoryWebhookStore } from '../src/adapters/memory/memory-webhook-store.js';
import { generateWebhookSecret } from '../src/adapters/signer.js';
import { eventHandlers } from '../src/consumers/event-consumer.js';
import type { DeliveryJob } from '../src/domain/delivery-use-cases.js';
import type { CalendarOwners } from '../src/domain/webhook-use-cases.js';
import { newSubscription } from '../src/domain/webhook.js';
import { booked, CAL, id, secretBox, T0, USER } from './fixtures.js';

/**
 * The consumer with a memory store, a webhook of USER's for bookings, the jobs it queues, and a
 * calendar service that answers from `directory` (undefined: it cannot answer) and counts its calls.
 */
async function consumer(directory: Record<string, string | null> | undefined) {
  const store = new MemoryWebhookStore();
  await store.create(
    newSubscription(
      { id: id(1), userId: USER, url: 'https://a.example/h', events: ['event.booked'], calendarIds: [], createdAt: T0 },
      generateWebhookSecret(),
      secretBox(),
    ),
    20,
  );
  const asked: string[] = [];
  const owners: CalendarOwners = {
    ownerOf: async (calendarId) => {
      asked.push(calendarId);
      if (!directory) throw new Error('the calendar service cannot answer now');
      return directory[calendarId] ?? null;
    },
  };
  const queued: DeliveryJob[] = [];
  const handlers = eventHandlers({
    store,
    clock: new ManualClock(T0),
    queue: { enqueue: async (job) => void queued.push(job) },
    owners,
    logger: silentLogger(),
  });
  const deliver = async (message: ReturnType<typeof createEnvelope>) => {
    const handler = handlers[message.type as 'EventBooked'] as (d: unknown, m: unknown, x: unknown) => Promise<void>;
    await handler(message.data, message, { attempt: 1 });
  };
  return { store, asked, queued, deliver };
}

const created = (userId: string) =>
  createEnvelope(
    'CalendarCreated',
    {
      calendar_id: CAL,
      user_id: userId,
      name: 'Intro',
      timezone: 'Europe/Berlin',
      rules: {
        meeting_duration_minutes: 30,
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        minimum_notice_minutes: 0,
        maximum_days_ahead: 60,
        slot_interval_minutes: null,
      },
      schedules: [],
      version: 1,
    } as never,
    T0,
  );

describe('the event consumer', () => {
  it('when the calendar was announced, then its changes reach its owner’s webhooks without asking the calendar service, even while it is down', async () => {
    const { asked, queued, deliver } = await consumer(undefined);
    await deliver(created(USER));
    await deliver(booked());
    expect(asked).toEqual([]);
    expect(queued).toMatchObject([{ user_id: USER, type: 'event.booked' }]);
  });

  it('when the calendar is not known here, then the calendar service is asked once and its answer remembered', async () => {
    const { asked, queued, deliver } = await consumer({ [CAL]: USER });
    await deliver(booked());
    await deliver(booked());
    expect(asked).toEqual([CAL]);
    expect(queued).toHaveLength(2);
  });

  it('when neither knows the calendar, then the change is dropped; when the calendar service cannot answer, the message fails and is tried again', async () => {
    const gone = await consumer({});
    await gone.deliver(booked());
    expect(gone.queued).toEqual([]);

    const down = await consumer(undefined);
    await expect(down.deliver(booked())).rejects.toThrow('cannot answer');
    expect(down.queued).toEqual([]);
  });
});
