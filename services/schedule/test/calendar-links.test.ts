import { internalKeys, type Principal } from '@slotkeeper/auth';
import { messageSchemas } from '@slotkeeper/contracts';
import { ServiceUnavailableError } from '@slotkeeper/errors';
import { createHttpApp, httpUpstream, injectUpstream, signedUpstream, type HttpApp } from '@slotkeeper/http-kit';
import { silentLogger } from '@slotkeeper/observability';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CalendarServiceLinks } from '../src/adapters/calendar-links.js';
import type { Schedule } from '../src/domain/schedule.js';
import { USER, workHours } from './fixtures.js';

const SCHEDULE = 'dddddddddddddddddddddddd';
const keys = internalKeys('calendar links test secret');
const schedule: Schedule = { ...workHours(), id: SCHEDULE, version: 4 };

/**
 * A stand-in for the calendar service's internal schedule routes (another team's service): a real
 * Fastify app that checks the caller's signed identity and answers as it is told.
 */
function standIn(answer: { put?: number; links?: unknown; delayMs?: number } = {}) {
  const seen: Array<{ principal: Principal; body: unknown; requestId: string | undefined }> = [];
  const app: HttpApp = createHttpApp({ logger: silentLogger(), identityKey: keys.identity });
  app.put('/internal/schedules/:schedule_id', async (request, reply) => {
    seen.push({
      principal: request.principal,
      body: request.body,
      requestId: request.headers['x-request-id'] as string,
    });
    await sleep(answer.delayMs ?? 0);
    return reply.code(answer.put ?? 204).send(null);
  });
  app.get('/internal/schedules/:schedule_id/links', async (request) => {
    seen.push({ principal: request.principal, body: request.params, requestId: undefined });
    await sleep(answer.delayMs ?? 0);
    return answer.links ?? { calendar_ids: [] };
  });
  return { app, seen };
}

const asSchedule = { kind: 'service', service: 'schedule' } as const;
const links = (app: HttpApp, timeoutMs?: number) =>
  new CalendarServiceLinks(signedUpstream(injectUpstream(app), keys.identity, asSchedule), timeoutMs);

let open: HttpApp[] = [];
afterEach(async () => {
  await Promise.all(open.map((app) => app.close()));
  open = [];
});
const started = (stand: ReturnType<typeof standIn>) => (open.push(stand.app), stand);

describe('handing a changed schedule to the calendar service', () => {
  it('when the calendar service answers 204, then it resolves, having received the ScheduleUpdated data as the schedule service', async () => {
    const { app, seen } = started(standIn());

    await links(app).applyUpdate(schedule);

    expect(seen).toHaveLength(1);
    expect(seen[0]!.principal).toEqual(asSchedule);
    expect(messageSchemas.ScheduleUpdated.parse(seen[0]!.body)).toEqual({
      schedule: {
        id: SCHEDULE,
        timezone: 'Europe/Berlin',
        time_slots: [{ day_of_week: 'monday', start_time: '09:00', end_time: '12:00' }],
        date_overrides: [
          { date: '2030-06-25', time_slots: [{ start_time: '10:00', end_time: '11:00' }] },
          { date: '2030-12-25', time_slots: [] },
        ],
      },
      user_id: USER,
      version: 4,
    });
  });

  it('when it travels over real HTTP, then the same call succeeds', async () => {
    const { app, seen } = started(standIn());
    const address = await app.listen({ host: '127.0.0.1', port: 0 });

    await new CalendarServiceLinks(signedUpstream(httpUpstream(address), keys.identity, asSchedule)).applyUpdate(
      schedule,
    );

    expect(seen.map((s) => s.principal)).toEqual([asSchedule]);
  });

  it.each([503, 500, 404, 200])('when the calendar service answers %i, then it is unavailable', async (status) => {
    const { app } = started(standIn({ put: status }));
    await expect(links(app).applyUpdate(schedule)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('when the calendar service takes longer than the bound, then it is unavailable by the bound', async () => {
    const { app } = started(standIn({ delayMs: 500 }));
    const start = Date.now();

    await expect(links(app, 50).applyUpdate(schedule)).rejects.toBeInstanceOf(ServiceUnavailableError);

    expect(Date.now() - start).toBeLessThan(400);
  });

  it('when the calendar service cannot be reached, then it is unavailable', async () => {
    const unreachable = new CalendarServiceLinks(
      signedUpstream(httpUpstream('http://127.0.0.1:9'), keys.identity, asSchedule),
    );
    await expect(unreachable.applyUpdate(schedule)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('when the caller is not signed as a service of the system, then the calendar service refuses and it is unavailable', async () => {
    const { app, seen } = started(standIn());
    const forged = new CalendarServiceLinks(
      signedUpstream(injectUpstream(app), internalKeys('another secret').identity, asSchedule),
    );
    await expect(forged.applyUpdate(schedule)).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(seen).toEqual([]);
  });
});

describe('asking which calendars link a schedule', () => {
  it('when calendars link it, then their ids come back', async () => {
    const ids = ['aaaaaaaaaaaaaaaaaaaaaaab', 'aaaaaaaaaaaaaaaaaaaaaaac'];
    const { app, seen } = started(standIn({ links: { calendar_ids: ids } }));

    expect(await links(app).linkingCalendars(SCHEDULE)).toEqual(ids);
    expect(seen).toEqual([{ principal: asSchedule, body: { schedule_id: SCHEDULE }, requestId: undefined }]);
  });

  it('when none does, then the list is empty', async () => {
    const { app } = started(standIn());
    expect(await links(app).linkingCalendars(SCHEDULE)).toEqual([]);
  });

  it('when the answer is not the expected shape, or late, then it is unavailable (never an empty list)', async () => {
    const { app } = started(standIn({ links: { calendars: [] } }));
    await expect(links(app).linkingCalendars(SCHEDULE)).rejects.toBeInstanceOf(ServiceUnavailableError);
    const slow = started(standIn({ delayMs: 500 }));
    await expect(links(slow.app, 50).linkingCalendars(SCHEDULE)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
