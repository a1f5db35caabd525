import { internalKeys, identitySigner, IDENTITY_HEADER, type Principal } from '@slotkeeper/auth';
import { createHttpApp, injectUpstream, signedUpstream, type HttpApp } from '@slotkeeper/http-kit';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { afterEach, describe, expect, it } from 'vitest';
import { CalendarServiceLinks } from '../src/adapters/calendar-links.js';
import { MemoryScheduleRepository } from '../src/adapters/memory/memory-schedule-repository.js';
import { buildScheduleApp } from '../src/app.js';

const ANN = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const keys = internalKeys('schedule routes test secret');
const sign = identitySigner(keys.identity);
const ann: Principal = { kind: 'user', userId: ANN };

/**
 * The schedule service over HTTP, its calendar service a stand-in (another team's service): a
 * real Fastify app that answers the internal schedule routes as the test says.
 */
function system(calendar: { put: number; linkedBy: string[] } = { put: 204, linkedBy: [] }) {
  const standIn: HttpApp = createHttpApp({ logger: silentLogger(), identityKey: keys.identity });
  standIn.put('/internal/schedules/:schedule_id', async (_request, reply) => reply.code(calendar.put).send(null));
  standIn.get('/internal/schedules/:schedule_id/links', async () => ({ calendar_ids: calendar.linkedBy }));
  const schedules = new MemoryScheduleRepository();
  const app = buildScheduleApp({
    schedules,
    outbox: { flush: async () => {} },
    userDirectory: { find: async (id) => (id === ANN ? { id, timezone: 'Europe/Berlin' } : null) },
    calendars: new CalendarServiceLinks(
      signedUpstream(injectUpstream(standIn), keys.identity, { kind: 'service', service: 'schedule' }),
    ),
    clock: new ManualClock('2030-06-01T12:00:00Z'),
    logger: silentLogger(),
    identityKey: keys.identity,
  });
  opened.push(app, standIn);
  const send = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: { [IDENTITY_HEADER]: sign(ann), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });
  return { send, schedules, calendar };
}

let opened: HttpApp[] = [];
afterEach(async () => {
  await Promise.all(opened.map((app) => app.close()));
  opened = [];
});

const path = '/api/schedule/availability_schedules';
const newSchedule = {
  user_id: ANN,
  name: 'Work hours',
  time_slots: [{ day_of_week: 'monday', start_time: '09:00', end_time: '12:00' }],
};

describe('the schedule routes over HTTP', () => {
  it('when a schedule is created, read and changed, then each answer carries its version as a strong ETag', async () => {
    const { send } = system();
    const created = await send('POST', path, newSchedule);
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const id = created.json<{ id: string }>().id;

    expect((await send('GET', `${path}/${id}`)).headers.etag).toBe('"1"');
    const changed = await send('PATCH', `${path}/${id}`, { name: 'Evenings' });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    expect((await send('GET', `${path}/${id}?tz=Asia/Tokyo`)).headers.etag).toBe('"2"');
  });

  it('when the calendar service does not confirm a change, then 503 with Retry-After, and the change is saved with its message', async () => {
    const { send, schedules, calendar } = system();
    const id = (await send('POST', path, newSchedule)).json<{ id: string }>().id;
    calendar.put = 503;

    const refused = await send('PATCH', `${path}/${id}`, { name: 'Evenings' });

    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const now = await send('GET', `${path}/${id}`);
    expect(now.json()).toMatchObject({ name: 'Evenings' });
    expect(now.headers.etag).toBe('"2"');
    expect((await schedules.outbox.pendingFor(id)).map(({ message }) => message.type)).toEqual(['ScheduleUpdated']);
  });

  it('when calendars link the schedule, then DELETE is a 409 problem naming how many; unlinked, 204', async () => {
    const { send, calendar } = system({ put: 204, linkedBy: ['cccccccccccccccccccccccc'] });
    const id = (await send('POST', path, newSchedule)).json<{ id: string }>().id;

    const refused = await send('DELETE', `${path}/${id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 409, detail: expect.stringContaining('linked by 1 calendar;') });

    calendar.linkedBy = [];
    expect((await send('DELETE', `${path}/${id}`)).statusCode).toBe(204);
    expect((await send('GET', `${path}/${id}`)).statusCode).toBe(404);
  });
});
