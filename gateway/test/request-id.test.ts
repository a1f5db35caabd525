import { Writable } from 'node:stream';
import { createLogger } from '@slotkeeper/observability';
import { describe, expect, it } from 'vitest';
import { buildEmbeddedSystem } from '../src/embedded.js';

describe('request ids in logs', () => {
  it('when a request crosses services, then every service logs it under the same id', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        callback();
      },
    });
    const { gateway } = await buildEmbeddedSystem({
      logger: createLogger({ service: 'test', level: 'info', destination: sink }),
    });
    const user = await gateway.inject({
      method: 'POST',
      url: '/api/user/users',
      payload: { name: 'Ann', email: 'ann@example.com' },
    });
    // Creating a schedule makes the schedule service ask the user service.
    const schedule = await gateway.inject({
      method: 'POST',
      url: '/api/schedule/availability_schedules',
      headers: { 'x-request-id': 'trace-42', authorization: `Bearer ${user.json().api_key}` },
      payload: { user_id: user.json().id, name: 'Work', time_slots: [] },
    });
    // Creating a calendar linked to it makes the calendar service ask the user and schedule services.
    const calendar = await gateway.inject({
      method: 'POST',
      url: '/api/calendar/calendars',
      headers: { 'x-request-id': 'trace-43', authorization: `Bearer ${user.json().api_key}` },
      payload: { user_id: user.json().id, name: 'Work', availability_schedule_ids: [schedule.json().id] },
    });
    await gateway.close();
    expect(schedule.statusCode).toBe(201);
    expect(calendar.statusCode).toBe(201);
    expect(schedule.headers['x-request-id']).toBe('trace-42');
    const servicesOf = (id: string) =>
      [...new Set(lines.filter((line) => line.reqId === id).map((line) => line.service))].sort();
    expect(servicesOf('trace-42')).toEqual(['gateway', 'schedule', 'user']);
    expect(servicesOf('trace-43')).toEqual(['calendar', 'gateway', 'schedule', 'user']);
  });
});
