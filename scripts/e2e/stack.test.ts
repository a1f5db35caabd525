import { randomUUID } from 'node:crypto';
import { brokerTarget, mongoTarget, uniqueDbUrl } from '@slotkeeper/testing';
import { apiClient, apiSetup, bearer } from '@slotkeeper/testing/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../demo/demo-flow.js';
import type { Stack } from '../stack/launch.js';
import { deleteStackTopology, eventually, startTestStack } from './support.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] stack end-to-end: ${broker.reason}`);
const mongo = broker.url ? await mongoTarget() : undefined;
if (mongo && 'reason' in mongo) console.warn(`[skip] stack end-to-end on MongoDB: ${mongo.reason}`);

// Containers started for this file outlive both legs.
afterAll(async () => {
  if (mongo && 'stop' in mongo) await mongo.stop();
  if ('stop' in broker) await broker.stop();
});

const legs = [
  { name: 'in-memory stores', mongoUrl: undefined as string | undefined, skip: !broker.url },
  { name: 'MongoDB', mongoUrl: mongo?.url, skip: !broker.url || !mongo?.url },
];

describe.each(legs)('end to end: separate processes over the local RabbitMQ, $name', ({ mongoUrl, skip }) => {
  if (skip) return void it.skip('skipped (reason printed above)', () => {});
  const prefix = `e2e-${randomUUID().slice(0, 8)}`;
  const lines: string[] = [];
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack(
      {
        AMQP_URL: broker.url,
        AMQP_PREFIX: prefix,
        LOG_LEVEL: 'info',
        MONGODB_URL: mongoUrl ? uniqueDbUrl(mongoUrl, prefix) : undefined,
      },
      (service, line) => lines.push(`${service} ${line}`),
    );
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await deleteStackTopology(broker.url!, prefix);
  }, 60_000);

  it('runs the demo, projects bookings into calendar details, cancels, and notifies', async () => {
    const report = await runDemo(stack.gatewayUrl);
    expect(report.steps.map((s) => s.status)).toEqual([
      201, 201, 201, 201, 201, 201, 201, 409, 422, 201, 200, 200, 403, 401, 200,
    ]);
    const calendarId = report.steps.find((s) => s.step.startsWith('Alice: calendar'))!.result;
    const eventId = report.steps.find((s) => s.step === 'book Alice 16:00 Berlin')!.result;

    const api = apiSetup(apiClient(stack.gatewayUrl));
    const detail = () => api.calendarDetail(calendarId, report.credentials.alice);
    await eventually(async () => expect((await detail()).events.map((e) => e.id)).toEqual([eventId]));

    // The booker cancels with the token her booking returned.
    const cancel = await api.client.DELETE('/api/event/events/{event_id}', {
      params: { path: { event_id: eventId } },
      headers: bearer(report.credentials.carolsCancelToken),
    });
    expect(cancel.response.status).toBe(204);
    await eventually(async () => expect((await detail()).events).toEqual([]));

    await eventually(async () => {
      const notes = lines.filter((line) => line.startsWith('notification') && line.includes(eventId));
      expect(notes.some((line) => line.includes('Booked:'))).toBe(true);
      expect(notes.some((line) => line.includes('Canceled:'))).toBe(true);
    });
  });
});
