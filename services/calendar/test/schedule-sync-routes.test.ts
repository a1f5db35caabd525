/**
 * The schedule service's internal calls, over HTTP into the calendar app: service identity only,
 * the body checked by the ScheduleUpdated schema.
 */
import { IDENTITY_HEADER, internalKeys, signIdentity, type Principal } from '@slotkeeper/auth';
import { linkedScheduleToWire } from '../src/adapters/schedule-directory.js';
import { silentLogger } from '@slotkeeper/observability';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCalendarApp } from '../src/app.js';
import { createCalendar } from '../src/domain/calendar-use-cases.js';
import { ANN, ann, annSchedules, body, gateway, system } from './calendar-system.js';

const keys = internalKeys('the internal secret of the schedule sync route tests');
const hours = annSchedules[0]!;
const change = (version: number, id = hours.id) => ({
  schedule: {
    id,
    timezone: 'UTC',
    time_slots: [{ day_of_week: 'friday', start_time: '08:00', end_time: '10:00' }],
    date_overrides: [],
  },
  user_id: ANN,
  version,
});
const as = (principal: Principal) => ({ [IDENTITY_HEADER]: signIdentity(principal, keys.identity) });
/** The schedule service's report of a change to `hours`, made as `principal`. */
const putChange = (principal: Principal, payload: object = change(2)) =>
  app.inject({ method: 'PUT', url: `/internal/schedules/${hours.id}`, headers: as(principal), payload });

let app: Awaited<ReturnType<typeof buildCalendarApp>>;
let sys: ReturnType<typeof system>;

beforeEach(async () => {
  sys = system();
  app = await buildCalendarApp({
    ...sys.deps,
    // The schedule service's client, answering the schedules of the domain's test directory at version 1.
    schedules: { findTagged: async () => ({ value: linkedScheduleToWire(hours), etag: '"1"' }) },
    bus: sys.bus,
    logger: silentLogger(),
    identityKey: keys.identity,
    queue: 'calendar-routes-test',
  });
});
afterEach(() => app.close());

describe('PUT /internal/schedules/:schedule_id', () => {
  it('when the schedule service reports a change, then 204 once every linking calendar is in force, at the new hours', async () => {
    const created = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), sys.deps);
    const res = await putChange(gateway);
    expect(res.statusCode).toBe(204);
    expect(sys.bookings.applied.get(created.id)).toBe(2);
    const stored = (await sys.calendars.findById(created.id))!;
    expect(stored.links[0]!.schedule.timeSlots).toMatchObject([{ dayOfWeek: 'friday', startTime: '08:00' }]);
  });

  it('when a user calls, then 403 and nothing changes', async () => {
    const created = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), sys.deps);
    const res = await putChange(ann);
    expect(res.statusCode).toBe(403);
    expect((await sys.calendars.findById(created.id))!.version).toBe(1);
  });

  it("when the body is malformed or another schedule's, then 400", async () => {
    expect((await putChange(gateway, { ...change(2), version: 0 })).statusCode).toBe(400);
    expect((await putChange(gateway, change(2, annSchedules[1]!.id))).statusCode).toBe(400);
  });
});

describe('GET /internal/schedules/:schedule_id/links', () => {
  it('when a service asks, then the ids of the calendars linking the schedule; a user is refused', async () => {
    const created = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), sys.deps);
    const url = `/internal/schedules/${hours.id}/links`;
    const res = await app.inject({ method: 'GET', url, headers: as(gateway) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ calendar_ids: [created.id] });
    expect((await app.inject({ method: 'GET', url, headers: as(ann) })).statusCode).toBe(403);
  });
});
