/**
 * Read your writes across services, on separate processes over the local RabbitMQ: when a
 * calendar create, link or unlink has answered, the booking service already applies it. Many
 * flows run at once, each booking right after each change; not one answer may be stale.
 */
import { randomUUID } from 'node:crypto';
import { brokerTarget } from '@slotkeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../stack.js';
import { deleteStackTopology, startTestStack } from './support.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] read your writes on the stack: ${broker.reason}`);
afterAll(async () => {
  if ('stop' in broker) await broker.stop();
});

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const FLOWS = 40;
const CONCURRENCY = 8;
const DAY = '2031-03-04';

describe.skipIf(!broker.url)('read your writes on the multi-process stack', () => {
  const prefix = `ryw-${randomUUID().slice(0, 8)}`;
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack({ AMQP_URL: broker.url, AMQP_PREFIX: prefix, LOG_LEVEL: 'warn' });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await deleteStackTopology(broker.url!, prefix);
  }, 60_000);

  it('when bookings follow each create, link and unlink at once, then none sees an older calendar', async () => {
    let key = '';
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(new URL(path, stack.gatewayUrl), {
        method,
        headers: {
          ...(key && { authorization: `Bearer ${key}` }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, string> };
    };
    const user = await call('POST', '/api/user/users', { name: 'Reader', email: `${randomUUID()}@example.com` });
    key = user.body.api_key!;
    const schedule = async (from: string, to: string) =>
      (
        await call('POST', '/api/schedule/availability_schedules', {
          user_id: user.body.id,
          name: `${from}-${to}`,
          timezone: 'UTC',
          time_slots: DAYS.map((day_of_week) => ({ day_of_week, start_time: from, end_time: to })),
        })
      ).body.id!;
    const [morning, afternoon] = [await schedule('09:00', '12:00'), await schedule('13:00', '17:00')];
    const book = (calendarId: string, hour: string) =>
      call('POST', '/api/event/events', {
        calendar_id: calendarId,
        title: 'Right after',
        start_time: `${DAY}T${hour}:00:00Z`,
        end_time: `${DAY}T${hour}:30:00Z`,
        booked_by: 'ann@example.com',
      });

    /** One flow; returns the answers that were stale (should have seen the change, did not). */
    const flow = async (): Promise<string[]> => {
      const stale: string[] = [];
      const calendar = await call('POST', '/api/calendar/calendars', {
        user_id: user.body.id,
        name: 'Fresh',
        availability_schedule_ids: [morning],
      });
      expect(calendar.status).toBe(201);
      const id = calendar.body.id!;
      const first = await book(id, '09');
      if (first.status !== 201) stale.push(`created → ${first.status}`);
      const linked = await call('POST', `/api/calendar/calendars/${id}/availability_schedules`, {
        availability_schedule_id: afternoon,
      });
      expect(linked.status).toBe(201);
      const second = await book(id, '14');
      if (second.status !== 201) stale.push(`linked → ${second.status}`);
      const unlinked = await call('DELETE', `/api/calendar/calendars/${id}/availability_schedules/${morning}`);
      expect(unlinked.status).toBe(204);
      const third = await book(id, '10');
      if (third.status !== 422) stale.push(`unlinked → ${third.status}`);
      return stale;
    };

    const stale: string[] = [];
    for (let started = 0; started < FLOWS; started += CONCURRENCY) {
      const batch = await Promise.all(Array.from({ length: Math.min(CONCURRENCY, FLOWS - started) }, flow));
      stale.push(...batch.flat());
    }
    expect(stale).toEqual([]);
  }, 120_000);
});
