import { Writable } from 'node:stream';
import { createLogger } from '@slotkeeper/observability';
import { apiSetup, bearer, inProcessClient } from '@slotkeeper/testing/api';
import { describe, expect, it } from 'vitest';
import { buildEmbeddedSystem } from '../src/embedded.js';

/** A logger for the whole embedded system whose lines the test reads back, as written. */
function recorded() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination: sink }) };
}

describe('request ids in logs', () => {
  it('when a request crosses services, then every service logs it under the same id', async () => {
    const { lines, logger } = recorded();
    const { gateway } = await buildEmbeddedSystem({ logger });
    const api = apiSetup(inProcessClient(gateway));
    const user = await api.user({ name: 'Ann', email: 'ann@example.com' });
    // Creating a schedule makes the schedule service ask the user service.
    const schedule = await api.client.POST('/api/schedule/availability_schedules', {
      headers: { 'x-request-id': 'trace-42', ...bearer(user.api_key) },
      body: { user_id: user.id, name: 'Work', time_slots: [] },
    });
    // Creating a calendar linked to it makes the calendar service ask the user and schedule
    // services, and the booking service whether the calendar is in force.
    const calendar = await api.client.POST('/api/calendar/calendars', {
      headers: { 'x-request-id': 'trace-43', ...bearer(user.api_key) },
      body: { user_id: user.id, name: 'Work', availability_schedule_ids: [schedule.data?.id ?? ''] },
    });
    await gateway.close();
    expect(schedule.response.status).toBe(201);
    expect(calendar.response.status).toBe(201);
    expect(schedule.response.headers.get('x-request-id')).toBe('trace-42');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const servicesOf = (id: string) =>
      [...new Set(entries.filter((entry) => entry.reqId === id).map((entry) => entry.service))].sort();
    expect(servicesOf('trace-42')).toEqual(['gateway', 'schedule', 'user']);
    expect(servicesOf('trace-43')).toEqual(['booking', 'calendar', 'gateway', 'schedule', 'user']);
  });

  it('when the embedded system logs, then every line names its service exactly once', async () => {
    const { lines, logger } = recorded();
    const { gateway } = await buildEmbeddedSystem({ logger });
    await apiSetup(inProcessClient(gateway)).user({
      name: 'Ann',
      email: 'ann@example.com',
    });
    await gateway.inject({ method: 'GET', url: '/nothing' });
    await gateway.close();
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.match(/"service":/g), line).toHaveLength(1);
    expect(lines.map((line) => JSON.parse(line).service)).toEqual(expect.arrayContaining(['gateway', 'user']));
  });
});
