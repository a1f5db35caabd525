/**
 * Read your writes across services, on separate processes over the local RabbitMQ: when a
 * calendar create, link or unlink has answered, the booking service already applies it. Many
 * flows run at once, each booking right after each change; not one answer may be stale.
 */
import { randomUUID } from 'node:crypto';
import { brokerTarget } from '@slotkeeper/testing';
import { ALL_DAYS, apiClient, apiSetup, booking, weekly } from '@slotkeeper/testing/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../stack/launch.js';
import { deleteStackTopology, startTestStack } from './support.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] read your writes on the stack: ${broker.reason}`);
afterAll(async () => {
  if ('stop' in broker) await broker.stop();
});

/** The processes' log lines of a warning or worse (pino levels 40–60), and whatever else names an error. */
const WARNED = /"level":\s*[456]0|Error/;
const FLOWS = 40;
const CONCURRENCY = 8;
const DAY = '2031-03-04';

describe.skipIf(!broker.url)('read your writes on the multi-process stack', () => {
  const prefix = `ryw-${randomUUID().slice(0, 8)}`;
  let stack: Stack;
  const logged: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack(
      { AMQP_URL: broker.url, AMQP_PREFIX: prefix, LOG_LEVEL: 'warn' },
      (service, line) => void (WARNED.test(line) && logged.push(`${service}: ${line}`)),
    );
  }, 120_000);

  afterAll(async () => {
    // What the processes warned of or failed with (LOG_LEVEL warn): the cause of any odd answer.
    if (logged.length > 0) console.warn(logged.slice(-50).join('\n'));
    await stack?.stop();
    await deleteStackTopology(broker.url!, prefix);
  }, 60_000);

  it('when bookings follow each create, link and unlink at once, then none sees an older calendar', async () => {
    const api = apiSetup(apiClient(stack.gatewayUrl));
    const owner = await api.user({ name: 'Reader' });
    const schedule = async (from: string, to: string) =>
      (await api.schedule(owner, { name: `${from}-${to}`, timezone: 'UTC', time_slots: weekly(ALL_DAYS, [from, to]) }))
        .id;
    const [morning, afternoon] = [await schedule('09:00', '12:00'), await schedule('13:00', '17:00')];
    const book = async (calendarId: string, hour: string) =>
      (
        await api.tryBook(
          booking(calendarId, `${DAY}T${hour}:00:00Z`, `${DAY}T${hour}:30:00Z`, {
            title: 'Right after',
            booked_by: 'ann@example.com',
          }),
        )
      ).response;

    /** One flow; returns the answers that were stale (should have seen the change, did not). */
    const flow = async (): Promise<string[]> => {
      const stale: string[] = [];
      // Each of these throws unless answered as it must be (201, 201, 204).
      const { id } = await api.calendar(owner, [morning], { name: 'Fresh' });
      const first = await book(id, '09');
      if (first.status !== 201) stale.push(`created → ${first.status}`);
      await api.link(owner, id, afternoon);
      const second = await book(id, '14');
      if (second.status !== 201) stale.push(`linked → ${second.status}`);
      await api.unlink(owner, id, morning);
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
