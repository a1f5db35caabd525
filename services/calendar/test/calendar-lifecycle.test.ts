import { messageSchemas, updateCalendarBody, type CalendarSnapshot } from '@slotkeeper/contracts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '@slotkeeper/errors';
import { describe, expect, it } from 'vitest';
import {
  deleteCalendar,
  getPublicCalendar,
  listCalendars,
  updateCalendar,
  updateLink,
} from '../src/domain/calendar-lifecycle.js';
import { createCalendar, getCalendar } from '../src/domain/calendar-use-cases.js';
import {
  applyScheduleChange,
  dropScheduleLinks,
  linkingCalendars,
  syncScheduleChange,
} from '../src/domain/schedule-sync.js';
import { toCalendarPatch } from '../src/http/calendars-routes.js';
import { toScheduleChange } from '../src/http/schedule-sync-routes.js';
import { ANN, NOBODY, NOW, ann, annSchedules, bob, body, gateway, system } from './calendar-system.js';

const patch = (raw: Record<string, unknown>) => toCalendarPatch(updateCalendarBody.parse(raw));
const [hours, other] = [annSchedules[0]!, annSchedules[1]!];

describe('changing a calendar', () => {
  it('when the owner changes the name and some rules, then the rest stays, the version rises, and bookings see it before the answer', async () => {
    const { deps, bookings, messages } = system();
    const created = await createCalendar(ann, body({ min_notice_minutes: 60, buffer_after_minutes: 10 }), deps);

    const changed = await updateCalendar(
      ann,
      created.id,
      patch({ name: 'Long calls', meeting_duration_minutes: 90, min_notice_minutes: null }),
      deps,
    );

    expect(changed).toMatchObject({
      name: 'Long calls',
      version: 2,
      rules: { meetingDurationMinutes: 90, minNoticeMinutes: 0, bufferAfterMinutes: 10 },
    });
    expect(bookings.waitedFor).toEqual([1, 2]);
    expect((await messages()).filter((m) => m.type === 'CalendarUpdated')).toMatchObject([
      { calendar_id: created.id, version: 2, rules: { meeting_duration_minutes: 90, min_notice_minutes: 0 } },
    ]);
  });

  it('when another user or nobody changes it, then 403/404 and nothing is written', async () => {
    const { deps } = system();
    const created = await createCalendar(ann, body(), deps);
    await expect(updateCalendar(bob, created.id, patch({ name: 'Mine' }), deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateCalendar(ann, NOBODY, patch({ name: 'X' }), deps)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getCalendar(ann, created.id, deps)).version).toBe(1);
  });
});

describe("changing a link's expiry", () => {
  it('when the owner moves or lifts the expiry, then the link changes and the change is announced', async () => {
    const { deps, messages } = system();
    const created = await createCalendar(ann, body({ availability_schedule_ids: [hours.id, other.id] }), deps);
    const expiry = new Date('2030-07-01T00:00:00.000Z');

    const moved = await updateLink(ann, created.id, hours.id, expiry, deps);

    expect(moved.links.map((l) => [l.schedule.id, l.expiresOn])).toEqual([
      [hours.id, expiry],
      [other.id, null],
    ]);
    const lifted = await updateLink(ann, created.id, hours.id, null, deps);
    expect(lifted.links[0]!.expiresOn).toBeNull();
    expect(lifted.version).toBe(3);
    expect((await messages()).filter((m) => m.type === 'CalendarUpdated').map((m) => m.links[0]!.expires_on)).toEqual([
      expiry.toISOString(),
      null,
    ]);
  });

  it('when the expiry is past, then 400; an unlinked schedule 404; and nothing is written', async () => {
    const { deps } = system();
    const created = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), deps);
    await expect(updateLink(ann, created.id, hours.id, new Date(NOW), deps)).rejects.toBeInstanceOf(ValidationError);
    await expect(updateLink(ann, created.id, other.id, null, deps)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getCalendar(ann, created.id, deps)).version).toBe(1);
  });
});

describe('listing and showing calendars', () => {
  it("when the owner lists, then theirs; another user's list is 403; an unknown user's 404", async () => {
    const { deps } = system();
    const first = await createCalendar(ann, body(), deps);
    expect((await listCalendars(ann, ANN, deps)).map((c) => c.id)).toEqual([first.id]);
    await expect(listCalendars(bob, ANN, deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listCalendars(gateway, NOBODY, deps)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("when anyone asks for the public view, then the calendar and its owner's name and zone", async () => {
    const { deps } = system();
    const created = await createCalendar(ann, body(), deps);
    expect(await getPublicCalendar(created.id, deps)).toMatchObject({
      calendar: { id: created.id, name: 'Intro calls' },
      owner: { name: 'User a', timezone: 'Asia/Kolkata' },
    });
    await expect(getPublicCalendar(NOBODY, deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('deleting a calendar', () => {
  it('when booking closes it, then it is deleted and its deletion announced one version up', async () => {
    const { deps, bookings, messages, calendars } = system();
    const created = await createCalendar(ann, body(), deps);

    await deleteCalendar(ann, created.id, deps);

    expect(bookings.closed.has(created.id)).toBe(true);
    expect(await calendars.findById(created.id)).toBeNull();
    expect((await messages()).filter((m) => m.type === 'CalendarDeleted')).toEqual([
      { type: 'CalendarDeleted', calendar_id: created.id, user_id: ANN, version: 2 },
    ]);
  });

  it('when booking refuses (events to come), then the calendar stays and nothing is announced', async () => {
    const { deps, bookings, messages, calendars } = system();
    const created = await createCalendar(ann, body(), deps);
    bookings.busy.add(created.id);
    await expect(deleteCalendar(ann, created.id, deps)).rejects.toBeInstanceOf(ConflictError);
    expect(await calendars.findById(created.id)).not.toBeNull();
    expect((await messages()).map((m) => m.type)).not.toContain('CalendarDeleted');
  });

  it('when another user asks, then 403 and booking is never asked to close it', async () => {
    const { deps, bookings } = system();
    const created = await createCalendar(ann, body(), deps);
    await expect(deleteCalendar(bob, created.id, deps)).rejects.toBeInstanceOf(ForbiddenError);
    expect(bookings.closed.size).toBe(0);
  });
});

/** A ScheduleUpdated of `hours` at `version`: Tuesday 10–12 only, and Monday 09–17 kept when `keepMonday`. */
const scheduleUpdated = (version: number, keepMonday = true) =>
  toScheduleChange(
    messageSchemas.ScheduleUpdated.parse({
      schedule: {
        id: hours.id,
        timezone: 'Asia/Kolkata',
        time_slots: [
          ...(keepMonday ? [{ day_of_week: 'monday', start_time: '09:00', end_time: '17:00' }] : []),
          { day_of_week: 'tuesday', start_time: '10:00', end_time: '12:00' },
        ],
        date_overrides: [],
      },
      user_id: ANN,
      version,
    }),
  );

describe("a schedule's change", () => {
  it('when a schedule changes, then every calendar linking it takes the new hours one version up, keeping known slot ids', async () => {
    const { deps, bookings, messages, calendars } = system();
    const a = await createCalendar(ann, body({ availability_schedule_ids: [hours.id, other.id] }), deps);
    const b = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), deps);
    const unrelated = await createCalendar(ann, body({ availability_schedule_ids: [other.id] }), deps);

    await syncScheduleChange(gateway, scheduleUpdated(2), deps);

    for (const id of [a.id, b.id]) {
      const calendar = (await calendars.findById(id))!;
      expect(calendar.version).toBe(2);
      expect(bookings.applied.get(id)).toBe(2);
      const link = calendar.links.find((l) => l.schedule.id === hours.id)!;
      expect(link.scheduleVersion).toBe(2);
      expect(link.schedule).toMatchObject({ name: hours.name, timezone: 'Asia/Kolkata' });
      expect(link.schedule.timeSlots[0]).toEqual(hours.timeSlots[0]);
      expect(link.schedule.timeSlots[1]).toMatchObject({ dayOfWeek: 'tuesday', startTime: '10:00' });
      expect(link.schedule.timeSlots[1]!.id).toMatch(/^[0-9a-f]{24}$/);
    }
    expect((await calendars.findById(a.id))!.links[1]).toEqual(a.links[1]);
    expect((await calendars.findById(unrelated.id))!.version).toBe(1);
    const updated = (await messages()).filter((m) => m.type === 'CalendarUpdated') as unknown as CalendarSnapshot[];
    expect(updated.map((m) => [m.calendar_id, m.version]).sort()).toEqual(
      [
        [a.id, 2],
        [b.id, 2],
      ].sort(),
    );
  });

  it('when the schedule service answers the change (or a later one), then links take its whole answer: name and slot ids too', async () => {
    const renamed = { ...hours, name: 'Renamed hours', timezone: 'UTC', timeSlots: [] };
    let answer = { schedule: hours, version: 1 };
    const { deps, calendars } = system({
      schedules: { find: async (id) => (id === hours.id ? answer : null) },
    });
    const a = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), deps);
    answer = { schedule: renamed, version: 3 };

    await syncScheduleChange(gateway, scheduleUpdated(2), deps);

    expect((await calendars.findById(a.id))!.links[0]).toEqual({
      schedule: renamed,
      expiresOn: null,
      scheduleVersion: 3,
    });
    // The change at version 3 is in already: its message finds nothing to do.
    expect(await applyScheduleChange(scheduleUpdated(3), deps)).toEqual([]);
  });

  it('when a schedule changes between its read and the link being saved, then the link catches up before the answer', async () => {
    const changedHours = { ...hours, name: 'Changed', timeSlots: [] };
    // The first read sees version 1; by the next, the schedule service has saved version 2 (and
    // its call found no calendar linking it yet).
    let reads = 0;
    const { deps, bookings, calendars } = system({
      schedules: {
        find: async (id) =>
          id !== hours.id
            ? null
            : reads++ === 0
              ? { schedule: hours, version: 1 }
              : { schedule: changedHours, version: 2 },
      },
    });

    const created = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), deps);

    expect(created.version).toBe(2);
    expect(created.links).toEqual([{ schedule: changedHours, expiresOn: null, scheduleVersion: 2 }]);
    expect(bookings.applied.get(created.id)).toBe(2);
    expect((await calendars.findById(created.id))!.links[0]!.scheduleVersion).toBe(2);
  });

  it('when the same or an older change comes again, then nothing changes (idempotent by version)', async () => {
    const { deps, calendars } = system();
    const a = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), deps);
    expect(await applyScheduleChange(scheduleUpdated(3, false), deps)).toHaveLength(1);
    expect(await applyScheduleChange(scheduleUpdated(3), deps)).toEqual([]);
    expect(await applyScheduleChange(scheduleUpdated(2), deps)).toEqual([]);
    // Linked at version 1: a change at version 1 is no news either.
    const b = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), deps);
    expect(await applyScheduleChange(scheduleUpdated(1), deps)).toEqual([]);
    expect((await calendars.findById(a.id))!.links[0]!.schedule.timeSlots).toHaveLength(1);
    expect((await calendars.findById(b.id))!.version).toBe(1);
  });

  it('when booking does not catch up, then 503 with the change saved', async () => {
    const { deps, calendars } = system({ bookingListens: false });
    // Created while booking listened to nothing: the wait fails, the calendar is saved anyway.
    const a = await createCalendar(ann, body({ availability_schedule_ids: [hours.id] }), deps).catch(() => null);
    expect(a).toBeNull();
    const [stored] = await calendars.findLinking(hours.id);
    await expect(syncScheduleChange(gateway, scheduleUpdated(2), deps)).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect((await calendars.findById(stored!.id))!.links[0]!.scheduleVersion).toBe(2);
  });

  it('when a user (not a service) calls, then 403', async () => {
    const { deps } = system();
    await expect(syncScheduleChange(ann, scheduleUpdated(2), deps)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(linkingCalendars(ann, hours.id, deps)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('when a schedule is deleted, then any calendar still linking it drops the link; the services can ask which link it', async () => {
    const { deps, calendars, messages } = system();
    const a = await createCalendar(ann, body({ availability_schedule_ids: [hours.id, other.id] }), deps);
    expect(await linkingCalendars(gateway, hours.id, deps)).toEqual([a.id]);

    expect(await dropScheduleLinks(hours.id, deps)).toHaveLength(1);
    expect(await dropScheduleLinks(hours.id, deps)).toEqual([]);

    expect((await calendars.findById(a.id))!.links.map((l) => l.schedule.id)).toEqual([other.id]);
    expect(await linkingCalendars(gateway, hours.id, deps)).toEqual([]);
    expect((await messages()).filter((m) => m.type === 'CalendarUpdated').map((m) => m.version)).toEqual([2]);
  });
});
