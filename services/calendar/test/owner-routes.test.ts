/**
 * The sync service's question, over HTTP into the calendar app: who owns a calendar and in which
 * zone; services only.
 */
import { IDENTITY_HEADER, internalKeys, signIdentity, type Principal } from '@slotkeeper/auth';
import { silentLogger } from '@slotkeeper/observability';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkedScheduleToWire } from '../src/adapters/schedule-directory.js';
import { buildCalendarApp } from '../src/app.js';
import { createCalendar } from '../src/domain/calendar-use-cases.js';
import { ANN, ann, annSchedules, body, system } from './calendar-system.js';

const keys = internalKeys('the internal secret of the owner route tests');
const as = (principal: Principal) => ({ [IDENTITY_HEADER]: signIdentity(principal, keys.identity) });
const syncService: Principal = { kind: 'service', service: 'sync' };
const ownerOf = (calendarId: string, principal: Principal = syncService) =>
  app.inject({ method: 'GET', url: `/internal/calendars/${calendarId}/owner`, headers: as(principal) });

let app: Awaited<ReturnType<typeof buildCalendarApp>>;
let sys: ReturnType<typeof system>;

beforeEach(async () => {
  sys = system();
  app = await buildCalendarApp({
    ...sys.deps,
    schedules: { findTagged: async () => ({ value: linkedScheduleToWire(annSchedules[0]!), etag: '"1"' }) },
    bus: sys.bus,
    logger: silentLogger(),
    identityKey: keys.identity,
    queue: 'calendar-owner-routes-test',
  });
});
afterEach(() => app.close());

describe('GET /internal/calendars/:calendar_id/owner', () => {
  it("when a service asks, then the owner's id, the owner's zone and the calendar's name", async () => {
    const created = await createCalendar(ann, body({ name: 'Consulting' }), sys.deps);
    const res = await ownerOf(created.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ calendar_id: created.id, user_id: ANN, timezone: 'Asia/Kolkata', name: 'Consulting' });
  });

  it('when the calendar does not exist, then 404', async () => {
    expect((await ownerOf('cccccccccccccccccccccccc')).statusCode).toBe(404);
  });

  it('when a user asks, even the owner, then 403', async () => {
    const created = await createCalendar(ann, body(), sys.deps);
    expect((await ownerOf(created.id, ann)).statusCode).toBe(403);
  });
});
