import { generateId, type CalendarSnapshot } from '@slotkeeper/contracts';
import type { WithOutbox } from '@slotkeeper/messaging';
import { describeContract } from '@slotkeeper/testing';
import { expect, it } from 'vitest';
import { MemoryCalendarRepository } from '../src/adapters/memory/memory-calendar-repository.js';
import { MongoCalendarRepository } from '../src/adapters/mongo/mongo-calendar-repository.js';
import type {
  Calendar,
  CalendarCreated,
  CalendarRepository,
  CalendarUpdate,
  LinkedSchedule,
  NewCalendar,
  ProjectedEvent,
  ScheduleLink,
} from '../src/domain/calendar.js';
import fc from 'fast-check';
import { projectedEvent } from './fixtures.js';

const schedule = (id: string): LinkedSchedule => ({
  id,
  userId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  name: 'Work',
  timezone: 'UTC',
  timeSlots: [{ id: 'dddddddddddddddddddddddd', dayOfWeek: 'monday', startTime: '09:00', endTime: '12:00' }],
  dateOverrides: [{ date: '2030-12-25', timeSlots: [] }],
  createdAt: new Date('2030-01-01T00:00:00.000Z'),
});
const S1 = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const S2 = 'cccccccccccccccccccccccc';

const calendar = (): NewCalendar => ({
  id: generateId(),
  userId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  name: 'Intro calls',
  rules: {
    meetingDurationMinutes: 30,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 10,
    minNoticeMinutes: 60,
    slotIntervalMinutes: null,
    bookingHorizonDays: null,
  },
  createdAt: new Date('2030-01-01T00:00:00Z'),
  links: [{ schedule: schedule(S1), expiresOn: new Date('2030-12-31T00:00:00Z') }],
  version: 1,
});
const AT = new Date('2030-01-01T00:00:00Z');
const created = (calendar: Calendar): CalendarCreated => ({ kind: 'calendarCreated', calendar, at: AT });
const linked = (calendar: Calendar, link: ScheduleLink): CalendarUpdate => ({
  kind: 'scheduleLinked',
  calendar,
  link,
  at: AT,
});
/** A change the store takes as given: it announces it, whatever else changed in the calendar. */
const unlinked = (calendar: Calendar): CalendarUpdate => ({
  kind: 'scheduleUnlinked',
  calendar,
  scheduleId: S1,
  at: AT,
});
const announced = async (repository: CalendarRepository & WithOutbox, calendarId: string) =>
  (await repository.outbox.pendingFor(calendarId)).map(({ message }) => [
    message.type,
    (message.data as CalendarSnapshot).version,
  ]);

const NOW = new Date('2030-06-01T00:00:00.000Z');
/** A half-hour event from `start` (on the hour). */
const event = (calendarId: string, id: string, start: string, status?: ProjectedEvent['status']) =>
  projectedEvent(calendarId, id, [start, start.replace(':00:00', ':30:00')], status);
const E1 = '111111111111111111111111';
const E2 = '222222222222222222222222';

await describeContract<CalendarRepository & WithOutbox>(
  'CalendarRepository',
  { memory: () => new MemoryCalendarRepository(), mongo: (c) => new MongoCalendarRepository(c) },
  (calendars) => {
    it('when a calendar is created, then it reads back with its links and no events', async () => {
      const draft = calendar();
      const stored = await calendars().create(created(draft));
      expect(await calendars().findById(stored.id)).toEqual(draft);
    });

    it('when a calendar is saved at the version it was read at, then it is replaced one version up', async () => {
      const draft = await calendars().create(created(calendar()));
      const link = { schedule: schedule(S2), expiresOn: null };
      const withTwo = { ...draft, links: [...draft.links, link], version: 2 };
      expect(await calendars().save(linked(withTwo, link), 1)).toBe(true);
      expect(await calendars().findById(draft.id)).toEqual(withTwo);
      const renamed = { ...withTwo, name: 'Renamed', links: [], version: 3 };
      expect(await calendars().save(unlinked(renamed), 2)).toBe(true);
      expect(await calendars().findById(draft.id)).toEqual(renamed);
    });

    it('when a concurrent change won, then a save at the old version writes nothing', async () => {
      const draft = await calendars().create(created(calendar()));
      expect(await calendars().save(unlinked({ ...draft, name: 'First', version: 2 }), 1)).toBe(true);
      expect(await calendars().save(unlinked({ ...draft, name: 'Second', version: 2 }), 1)).toBe(false);
      expect((await calendars().findById(draft.id))!.name).toBe('First');
      expect(await announced(calendars(), draft.id)).toEqual([
        ['CalendarCreated', 1],
        ['ScheduleLinked', 1],
        ['ScheduleUnlinked', 2],
      ]);
      expect(await calendars().save(unlinked({ ...draft, id: generateId(), version: 2 }), 1)).toBe(false);
    });

    it('when event messages repeat or arrive late, then a cancellation stays final', async () => {
      const { id } = await calendars().create(created(calendar()));
      await calendars().applyEvent(event(id, E1, '2030-06-24T10:00:00.000Z'));
      await calendars().applyEvent(event(id, E1, '2030-06-24T10:00:00.000Z'));
      await calendars().applyEvent(event(id, E2, '2030-06-24T09:00:00.000Z'));
      await calendars().applyEvent(event(id, E2, '2030-06-24T09:00:00.000Z', 'canceled'));
      await calendars().applyEvent(event(id, E2, '2030-06-24T09:00:00.000Z'));
      expect((await calendars().upcomingEvents(id, NOW)).map((e) => e.id)).toEqual([E1]);
    });

    it("when one event's messages are applied in any order, repeated and concurrently, then the highest version stands", async () => {
      // An event's history: booked (1), rescheduled some times, perhaps canceled at the end.
      const history = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()).map(([reschedules, canceled]) =>
        Array.from({ length: 1 + reschedules + (canceled ? 1 : 0) }, (_, i) => ({
          version: i + 1,
          status: (canceled && i === reschedules + 1 ? 'canceled' : 'confirmed') as ProjectedEvent['status'],
          hour: 10 + Math.min(i, reschedules),
        })),
      );
      await fc.assert(
        fc.asyncProperty(
          // Every message once, some again, all in any order (a permutation of the deliveries).
          history.chain((steps) =>
            fc
              .array(fc.constantFrom(...steps), { maxLength: 6 })
              .chain((repeats) =>
                fc.tuple(
                  fc.constant(steps),
                  fc.shuffledSubarray([...steps, ...repeats], { minLength: steps.length + repeats.length }),
                ),
              ),
          ),
          fc.boolean(),
          async ([steps, shuffled], concurrently) => {
            const { id } = await calendars().create(created(calendar()));
            const eventId = generateId();
            const messages = shuffled.map(({ version, status, hour }) =>
              projectedEvent(
                id,
                eventId,
                [`2030-06-24T${hour}:00:00.000Z`, `2030-06-24T${hour}:30:00.000Z`],
                status,
                version,
              ),
            );
            if (concurrently) await Promise.all(messages.map((m) => calendars().applyEvent(m)));
            else for (const m of messages) await calendars().applyEvent(m);
            const last = steps[steps.length - 1]!;
            const listed = await calendars().upcomingEvents(id, NOW);
            expect(listed.map((e) => [e.id, e.version, e.start.toISOString()])).toEqual(
              last.status === 'canceled' ? [] : [[eventId, last.version, `2030-06-24T${last.hour}:00:00.000Z`]],
            );
          },
        ),
        { numRuns: 60 },
      );
    });

    it('when a calendar is removed at its version, then it and its events are gone and its deletion announced', async () => {
      const draft = await calendars().create(created(calendar()));
      await calendars().applyEvent(event(draft.id, E1, '2030-06-24T10:00:00.000Z'));
      const deletion = { kind: 'calendarDeleted' as const, calendar: { ...draft, version: 2 }, at: AT };
      expect(await calendars().remove(deletion, 2)).toBe(false);
      expect(await calendars().findById(draft.id)).not.toBeNull();
      expect(await calendars().remove(deletion, 1)).toBe(true);
      expect(await calendars().findById(draft.id)).toBeNull();
      expect(await calendars().upcomingEvents(draft.id, NOW)).toEqual([]);
      expect(await announced(calendars(), draft.id)).toEqual([
        ['CalendarCreated', 1],
        ['ScheduleLinked', 1],
        ['CalendarDeleted', 2],
      ]);
      expect(await calendars().remove(deletion, 1)).toBe(false);
    });

    it("when a user's calendars are listed, then only theirs, by creation then id", async () => {
      const owner = generateId();
      const at = (iso: string) => ({ ...calendar(), userId: owner, createdAt: new Date(iso) });
      const later = await calendars().create(created(at('2030-01-02T00:00:00Z')));
      const [x, y] = [at('2030-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z')].sort((a, b) => a.id.localeCompare(b.id));
      await calendars().create(created(y!));
      await calendars().create(created(x!));
      await calendars().create(created(calendar()));
      expect((await calendars().listByUser(owner)).map((c) => c.id)).toEqual([x!.id, y!.id, later.id]);
      expect(await calendars().listByUser(generateId())).toEqual([]);
    });

    it('when the calendars linking a schedule are asked for, then exactly those, with the versions their links hold', async () => {
      const scheduleId = generateId();
      const link = { schedule: schedule(scheduleId), expiresOn: null, scheduleVersion: 3 };
      const a = await calendars().create(created({ ...calendar(), links: [link] }));
      const b = await calendars().create(created({ ...calendar(), links: [...calendar().links, link] }));
      await calendars().create(created(calendar()));
      const linking = await calendars().findLinking(scheduleId);
      expect(linking.map((c) => c.id)).toEqual([a.id, b.id].sort());
      expect(linking.flatMap((c) => c.links.filter((l) => l.schedule.id === scheduleId))).toEqual([link, link]);
    });

    it('when events have ended, then the detail lists only those still to end, by start', async () => {
      const { id } = await calendars().create(created(calendar()));
      await calendars().applyEvent(event(id, E1, '2030-06-24T10:00:00.000Z'));
      await calendars().applyEvent(event(id, E2, '2030-06-24T09:00:00.000Z'));
      const during = new Date('2030-06-24T09:15:00.000Z');
      expect((await calendars().upcomingEvents(id, during)).map((e) => e.id)).toEqual([E2, E1]);
      const atEnd = new Date('2030-06-24T09:30:00.000Z');
      expect((await calendars().upcomingEvents(id, atEnd)).map((e) => e.id)).toEqual([E1]);
      expect(await calendars().upcomingEvents(id, new Date('2030-06-25T00:00:00.000Z'))).toEqual([]);
    });

    it('when an event is read back, then it is the event as applied', async () => {
      const { id } = await calendars().create(created(calendar()));
      const booked = event(id, E1, '2030-06-24T10:00:00.000Z');
      await calendars().applyEvent(booked);
      expect(await calendars().upcomingEvents(id, NOW)).toEqual([booked]);
    });

    it('when hundreds of events arrive out of order on two calendars, then each lists its own by start', async () => {
      const [a, b] = [await calendars().create(created(calendar())), await calendars().create(created(calendar()))];
      const hours = Array.from({ length: 300 }, (_, i) => (i * 7919) % 300); // every hour once, shuffled
      const idOf = (calendarId: string, hour: number) => `${calendarId.slice(0, 12)}${String(hour).padStart(12, '0')}`;
      for (const hour of hours) {
        const start = new Date(Date.UTC(2030, 5, 24) + hour * 3_600_000).toISOString();
        for (const { id } of [a, b]) await calendars().applyEvent(event(id, idOf(id, hour), start));
      }
      for (const { id } of [a, b]) {
        const listed = (await calendars().upcomingEvents(id, NOW)).map((e) => e.id);
        expect(listed).toEqual([...hours].sort((x, y) => x - y).map((hour) => idOf(id, hour)));
      }
    });

    it('when a change is written, then its messages wait in the outbox; a refused change writes none', async () => {
      const draft = calendar();
      await calendars().create(created(draft));
      expect(await calendars().save(unlinked({ ...draft, links: [], version: 2 }), 1)).toBe(true);
      expect(await calendars().save(unlinked({ ...draft, links: [], version: 2 }), 1)).toBe(false);
      expect(await announced(calendars(), draft.id)).toEqual([
        ['CalendarCreated', 1],
        ['ScheduleLinked', 1],
        ['ScheduleUnlinked', 2],
      ]);
      expect(await calendars().outbox.aggregatesWithPending(new Date(Date.now() + 60_000), 10)).toEqual([draft.id]);
      const pending = await calendars().outbox.pendingFor(draft.id);
      await calendars().outbox.markPublished(
        draft.id,
        pending.map(({ message }) => message.id),
      );
      expect(await calendars().outbox.pendingFor(draft.id)).toEqual([]);
    });
  },
);
