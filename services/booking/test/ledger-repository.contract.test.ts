import { generateId } from '@slotkeeper/contracts';
import { EARLIEST_INSTANT, LATEST_INSTANT, type Interval } from '@slotkeeper/time';
import type { WithOutbox } from '@slotkeeper/messaging';
import { describeContract } from '@slotkeeper/testing';
import { describe, expect, it } from 'vitest';
import { MemoryLedgerRepository } from '../src/adapters/memory/memory-ledger-repository.js';
import { MongoLedgerRepository } from '../src/adapters/mongo/mongo-ledger-repository.js';
import type {
  CalendarLedger,
  EventChange,
  LedgerRepository,
  NewEvent,
  RescheduleRequest,
} from '../src/domain/ledger.js';
import { ledgerRules, WORK_SCHEDULE } from './fixtures.js';

const CAL = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const calendar: CalendarLedger = {
  calendarId: CAL,
  links: [],
  version: 1,
  userId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
  rules: ledgerRules(),
};
const link: CalendarLedger['links'][number] = { schedule: WORK_SCHEDULE, expiresOn: null };
const at = (hhmm: string) => new Date(`2030-06-24T${hhmm}:00.000Z`);
const span = (from: string, to: string) => ({ start: at(from).getTime(), end: at(to).getTime() });
const newEvent = (from: string, to: string, key: string | null = null): NewEvent => ({
  id: generateId(),
  cancelToken: { salt: 'salt', hash: 'hash' },
  calendarId: CAL,
  title: 'Call',
  start: at(from),
  end: at(to),
  bookedBy: 'ann@example.com',
  bookerName: null,
  notes: null,
  guests: ['bob@example.com'],
  createdAt: new Date('2030-01-01T00:00:00Z'),
  idempotencyKey: key,
  requestHash: key ? `hash-of-${key}` : null,
});

/** Reserves against the calendar's version in force, as the use case does. */
async function reserve(repo: LedgerRepository, event: NewEvent, guard: Interval, changes: EventChange[]) {
  const version = (await repo.findCalendar(event.calendarId))?.version ?? 0;
  return repo.reserve(event, guard, changes, version);
}

/** What reserving [from, to) against `guard` (by default the same span), with no messages, comes to. */
const outcome = async (repo: LedgerRepository, from: string, to: string, guard = span(from, to)) =>
  (await reserve(repo, newEvent(from, to), guard, [])).outcome;

/** The change announcing that `event` was booked or canceled. */
const change = (kind: 'booked' | 'canceled', event: NewEvent, occurredAt = new Date()): EventChange => ({
  kind,
  event: { ...event, status: kind === 'booked' ? 'confirmed' : 'canceled', version: kind === 'booked' ? 1 : 2 },
  occurredAt,
});

/** Reserves [from, to) and answers the event, or fails the test's setup. */
async function booked(repo: LedgerRepository, from: string, to: string, key: string | null = null) {
  const result = await reserve(repo, newEvent(from, to, key), span(from, to), []);
  if (result.outcome !== 'reserved') throw new Error(`setup: ${from}–${to} was ${result.outcome}`);
  return result.event;
}

/** A reschedule of `event` to [from, to) against the calendar's version in force, guarded by its span. */
async function moveTo(
  repo: LedgerRepository,
  event: { id: string; calendarId: string },
  from: string,
  to: string,
  extra: Partial<RescheduleRequest> = {},
) {
  const version = (await repo.findCalendar(event.calendarId))?.version ?? 0;
  return repo.reschedule({
    eventId: event.id,
    calendarId: event.calendarId,
    start: at(from),
    end: at(to),
    guard: span(from, to),
    version,
    occurredAt: at('07:00'),
    claim: null,
    ...extra,
  });
}

await describeContract<LedgerRepository & WithOutbox>(
  'LedgerRepository',
  { memory: () => new MemoryLedgerRepository(), mongo: (c) => new MongoLedgerRepository(c) },
  (ledgers) => {
    it('when calendar states arrive, then the newest version is kept, whatever their order or repetitions', async () => {
      const linked = { ...calendar, links: [link], version: 2 };
      const expiring = { ...calendar, links: [{ ...link, expiresOn: new Date('2030-12-31T00:00:00Z') }], version: 3 };
      expect(await ledgers().applyCalendar(linked)).toBe(true);
      expect(await ledgers().applyCalendar(expiring)).toBe(true);
      // Late and repeated: an older or equal version never brings an older state back.
      expect(await ledgers().applyCalendar(calendar)).toBe(false);
      expect(await ledgers().applyCalendar(linked)).toBe(false);
      expect(await ledgers().applyCalendar(expiring)).toBe(false);
      expect(await ledgers().findCalendar(CAL)).toEqual(expiring);
      expect(await ledgers().applyCalendar({ ...calendar, version: 4 })).toBe(true);
      expect((await ledgers().findCalendar(CAL))!.links).toEqual([]);
    });

    it('when a reservation overlaps the guard of a confirmed event, then it is refused; touching is fine', async () => {
      await ledgers().applyCalendar(calendar);
      const first = await reserve(ledgers(), newEvent('10:00', '10:30'), span('10:00', '10:30'), []);
      expect(first.outcome).toBe('reserved');
      expect(await outcome(ledgers(), '10:15', '10:45')).toBe('conflict');
      expect(await outcome(ledgers(), '10:30', '11:00')).toBe('reserved');
      expect(await outcome(ledgers(), '10:30', '11:00', span('10:20', '11:00'))).toBe('conflict');
    });

    it('when many reservations race for one time, then exactly one is confirmed', async () => {
      await ledgers().applyCalendar(calendar);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => reserve(ledgers(), newEvent('10:00', '11:00'), span('10:00', '11:00'), [])),
      );
      expect(results.filter((r) => r.outcome === 'reserved')).toHaveLength(1);
      expect(await ledgers().eventsBetween(CAL, span('00:00', '23:59'))).toHaveLength(1);
    });

    it('when an event is canceled, then its time is free again and it reads back as canceled', async () => {
      await ledgers().applyCalendar(calendar);
      const reserved = await reserve(ledgers(), newEvent('10:00', '10:30'), span('10:00', '10:30'), []);
      if (reserved.outcome !== 'reserved') throw new Error('setup failed');
      expect(await ledgers().cancel(reserved.event.id, new Date())).toMatchObject({ status: 'canceled', version: 2 });
      expect(await ledgers().cancel(reserved.event.id, new Date())).toBeNull();
      expect((await ledgers().findEvent(reserved.event.id))?.status).toBe('canceled');
      expect(await ledgers().eventsBetween(CAL, span('00:00', '23:59'))).toEqual([]);
      expect(await outcome(ledgers(), '10:00', '10:30')).toBe('reserved');
    });

    it('lists confirmed events overlapping a range, by start', async () => {
      await ledgers().applyCalendar(calendar);
      await reserve(ledgers(), newEvent('14:00', '15:00'), span('14:00', '15:00'), []);
      await reserve(ledgers(), newEvent('09:00', '10:00'), span('09:00', '10:00'), []);
      await reserve(ledgers(), newEvent('11:00', '12:00'), span('11:00', '12:00'), []);
      const listed = await ledgers().eventsBetween(CAL, span('10:00', '14:30'));
      expect(listed.map((e) => e.start)).toEqual([at('11:00'), at('14:00')]);
    });

    it('when an idempotency key is reused, then the reservation reports it and the original is found by it', async () => {
      await ledgers().applyCalendar(calendar);
      const first = await reserve(ledgers(), newEvent('10:00', '10:30', 'key-1'), span('10:00', '10:30'), []);
      expect((await reserve(ledgers(), newEvent('12:00', '12:30', 'key-1'), span('12:00', '12:30'), [])).outcome).toBe(
        'duplicate-key',
      );
      expect(first.outcome === 'reserved' && (await ledgers().findByIdempotencyKey(CAL, 'key-1'))?.id).toBe(
        first.outcome === 'reserved' && first.event.id,
      );
      expect(await ledgers().findByIdempotencyKey(CAL, 'other')).toBeNull();
    });

    it('when an event is reserved or canceled, then its messages wait in the outbox until published', async () => {
      await ledgers().applyCalendar(calendar);
      const event = newEvent('10:00', '10:30');
      await reserve(ledgers(), event, span('10:00', '10:30'), [change('booked', event, at('08:00'))]);
      await ledgers().cancel(event.id, at('09:00'));
      const pending = (await ledgers().outbox.pendingFor(CAL)).map((m) => m.message);
      expect(pending).toMatchObject([
        {
          type: 'EventBooked',
          occurred_at: at('08:00').toISOString(),
          data: { id: event.id, status: 'confirmed', version: 1 },
        },
        {
          type: 'EventCanceled',
          occurred_at: at('09:00').toISOString(),
          data: { id: event.id, status: 'canceled', version: 2 },
        },
      ]);
      const [booked, canceled] = pending;
      expect(await ledgers().outbox.aggregatesWithPending(new Date(Date.now() + 60_000), 10)).toEqual([CAL]);
      expect(await ledgers().outbox.aggregatesWithPending(new Date(Date.now() - 60_000), 10)).toEqual([]);
      await ledgers().outbox.markPublished(CAL, [booked!.id]);
      expect((await ledgers().outbox.pendingFor(CAL)).map((m) => m.message.id)).toEqual([canceled!.id]);
      await ledgers().outbox.markPublished(CAL, [canceled!.id]);
      expect(await ledgers().outbox.pendingFor(CAL)).toEqual([]);
    });

    it('when the calendar changed since the version checked, then the reservation is refused as stale', async () => {
      await ledgers().applyCalendar(calendar);
      await ledgers().applyCalendar({ ...calendar, links: [link], version: 2 });
      const event = newEvent('10:00', '10:30');
      expect((await ledgers().reserve(event, span('10:00', '10:30'), [], 1)).outcome).toBe('stale');
      expect(await ledgers().findEvent(event.id)).toBeNull();
      expect((await ledgers().reserve(event, span('10:00', '10:30'), [], 2)).outcome).toBe('reserved');
    });

    it('when one idempotency key is used on two calendars, then each calendar books with it', async () => {
      const other = { ...calendar, calendarId: 'dddddddddddddddddddddddd' };
      await ledgers().applyCalendar(calendar);
      await ledgers().applyCalendar(other);
      const mine = await reserve(ledgers(), newEvent('10:00', '10:30', 'shared'), span('10:00', '10:30'), []);
      const theirs = await reserve(
        ledgers(),
        { ...newEvent('10:00', '10:30', 'shared'), calendarId: other.calendarId },
        span('10:00', '10:30'),
        [],
      );
      expect([mine.outcome, theirs.outcome]).toEqual(['reserved', 'reserved']);
      expect((await ledgers().findByIdempotencyKey(other.calendarId, 'shared'))?.calendarId).toBe(other.calendarId);
      expect((await ledgers().findByIdempotencyKey(CAL, 'shared'))?.calendarId).toBe(CAL);
    });

    it('when a range starts inside an event, then that event is listed; open-ended ranges list all', async () => {
      await ledgers().applyCalendar(calendar);
      await reserve(ledgers(), newEvent('08:00', '10:00'), span('08:00', '10:00'), []);
      await reserve(ledgers(), newEvent('12:00', '13:00'), span('12:00', '13:00'), []);
      expect((await ledgers().eventsBetween(CAL, span('09:00', '12:00'))).map((e) => e.start)).toEqual([at('08:00')]);
      expect(await ledgers().eventsBetween(CAL, span('10:00', '12:00'))).toEqual([]);
      const all = await ledgers().eventsBetween(CAL, { start: EARLIEST_INSTANT, end: LATEST_INSTANT });
      expect(all.map((e) => e.start)).toEqual([at('08:00'), at('12:00')]);
    });

    it('when an earlier event is long, then a reservation inside it conflicts even past later events', async () => {
      await ledgers().applyCalendar(calendar);
      await reserve(ledgers(), newEvent('08:00', '12:00'), span('08:00', '12:00'), []);
      await reserve(ledgers(), newEvent('13:00', '14:00'), span('13:00', '14:00'), []);
      expect(await outcome(ledgers(), '11:00', '11:30')).toBe('conflict');
      expect(await outcome(ledgers(), '12:00', '13:00')).toBe('reserved');
      expect(await outcome(ledgers(), '12:30', '14:30')).toBe('conflict');
    });

    it('when a reservation is refused, then it leaves no message behind', async () => {
      await ledgers().applyCalendar(calendar);
      await reserve(ledgers(), newEvent('10:00', '10:30'), span('10:00', '10:30'), []);
      const refused = newEvent('10:00', '10:30');
      expect((await reserve(ledgers(), refused, span('10:00', '10:30'), [change('booked', refused)])).outcome).toBe(
        'conflict',
      );
      expect(await ledgers().outbox.pendingFor(CAL)).toEqual([]);
    });

    describe('reschedule', () => {
      it('when an event is rescheduled, then it holds the new time at the next version, the old time is free, and its message waits', async () => {
        await ledgers().applyCalendar(calendar);
        const event = await booked(ledgers(), '10:00', '10:30');
        const moved = await moveTo(ledgers(), event, '11:00', '11:30');
        expect(moved).toMatchObject({
          outcome: 'rescheduled',
          event: { id: event.id, start: at('11:00'), end: at('11:30'), version: 2, status: 'confirmed' },
        });
        expect(await ledgers().findEvent(event.id)).toMatchObject({ start: at('11:00'), version: 2 });
        expect((await ledgers().eventsBetween(CAL, span('00:00', '23:59'))).map((e) => e.id)).toEqual([event.id]);
        expect(await outcome(ledgers(), '10:00', '10:30')).toBe('reserved');
        expect(await outcome(ledgers(), '11:00', '11:30')).toBe('conflict');
        const [message] = (await ledgers().outbox.pendingFor(CAL)).map((m) => m.message);
        expect(message).toMatchObject({
          type: 'EventRescheduled',
          occurred_at: at('07:00').toISOString(),
          data: {
            id: event.id,
            status: 'confirmed',
            version: 2,
            start_time: at('11:00').toISOString(),
            previous_start_time: at('10:00').toISOString(),
            previous_end_time: at('10:30').toISOString(),
          },
        });
      });

      it('when the new time overlaps its own old time, then it is not in the way; another event is', async () => {
        await ledgers().applyCalendar(calendar);
        const event = await booked(ledgers(), '10:00', '11:00');
        await booked(ledgers(), '12:00', '13:00');
        expect((await moveTo(ledgers(), event, '10:30', '11:30')).outcome).toBe('rescheduled');
        expect((await moveTo(ledgers(), event, '11:30', '12:30')).outcome).toBe('conflict');
        // Refused: it keeps the time it had, and nothing is announced.
        expect(await ledgers().findEvent(event.id)).toMatchObject({ start: at('10:30'), version: 2 });
        expect((await ledgers().outbox.pendingFor(CAL)).map((m) => m.message.type)).toEqual(['EventRescheduled']);
        // Past a later event, the earlier one (before the event itself) still counts.
        const late = await booked(ledgers(), '14:00', '15:00');
        expect((await moveTo(ledgers(), late, '12:30', '13:30')).outcome).toBe('conflict');
        expect((await moveTo(ledgers(), late, '13:00', '14:30')).outcome).toBe('rescheduled');
      });

      it('when the calendar changed, the event is canceled or unknown, then nothing changes', async () => {
        await ledgers().applyCalendar(calendar);
        const event = await booked(ledgers(), '10:00', '10:30');
        expect((await moveTo(ledgers(), event, '11:00', '11:30', { version: 7 })).outcome).toBe('stale');
        expect((await moveTo(ledgers(), { ...event, id: generateId() }, '11:00', '11:30')).outcome).toBe('not-found');
        expect(
          (await moveTo(ledgers(), { ...event, calendarId: 'dddddddddddddddddddddddd' }, '11:00', '11:30')).outcome,
        ).toBe('stale');
        await ledgers().cancel(event.id, new Date());
        expect((await moveTo(ledgers(), event, '11:00', '11:30')).outcome).toBe('not-confirmed');
        expect(await ledgers().findEvent(event.id)).toMatchObject({
          start: at('10:00'),
          status: 'canceled',
          version: 2,
        });
      });

      it('when a reschedule claims a key, then the claim keeps its answer and the key cannot be claimed again', async () => {
        await ledgers().applyCalendar(calendar);
        const event = await booked(ledgers(), '10:00', '10:30');
        const claim = { key: 'move-1', requestHash: 'hash-1' };
        expect((await moveTo(ledgers(), event, '11:00', '11:30', { claim })).outcome).toBe('rescheduled');
        expect(await ledgers().findRescheduleClaim(CAL, 'move-1')).toEqual({
          eventId: event.id,
          requestHash: 'hash-1',
          start: at('11:00'),
          end: at('11:30'),
          version: 2,
        });
        expect((await moveTo(ledgers(), event, '12:00', '12:30', { claim })).outcome).toBe('duplicate-key');
        expect(await ledgers().findEvent(event.id)).toMatchObject({ start: at('11:00'), version: 2 });
        expect(await ledgers().findRescheduleClaim(CAL, 'other')).toBeNull();
        expect(await ledgers().findRescheduleClaim('dddddddddddddddddddddddd', 'move-1')).toBeNull();
      });

      it('when reschedules and reservations race for one time, then exactly one holds it', async () => {
        await ledgers().applyCalendar(calendar);
        const events = [];
        for (let hour = 12; hour < 22; hour++) events.push(await booked(ledgers(), `${hour}:00`, `${hour}:30`));
        const results = await Promise.all([
          ...events.map((event) => moveTo(ledgers(), event, '10:00', '11:00')),
          ...Array.from({ length: 10 }, () =>
            reserve(ledgers(), newEvent('10:00', '11:00'), span('10:00', '11:00'), []),
          ),
        ]);
        const winners = results.filter((r) => r.outcome === 'reserved' || r.outcome === 'rescheduled');
        expect(winners).toHaveLength(1);
        expect(await ledgers().eventsBetween(CAL, span('10:00', '11:00'))).toHaveLength(1);
      });
    });

    describe('events list', () => {
      const page = (status: 'confirmed' | 'canceled' | 'all', limit: number, after?: { start: Date; id: string }) =>
        ledgers().listEvents(CAL, { range: { start: EARLIEST_INSTANT, end: LATEST_INSTANT }, status, limit, after });

      it('when events share a start, then pages list each once, by start then id, of the status asked', async () => {
        await ledgers().applyCalendar(calendar);
        const canceled = [];
        for (let i = 0; i < 3; i++) {
          const event = await booked(ledgers(), '10:00', '10:30');
          await ledgers().cancel(event.id, new Date());
          canceled.push(event.id);
        }
        const confirmed = await booked(ledgers(), '10:00', '10:30');
        const later = await booked(ledgers(), '11:00', '12:00');
        const sameStart = [...canceled, confirmed.id].sort();

        const seen: string[] = [];
        let after: { start: Date; id: string } | undefined;
        for (;;) {
          const { events, more } = await page('all', 2, after);
          seen.push(...events.map((e) => e.id));
          if (!more) break;
          const last = events.at(-1)!;
          after = { start: last.start, id: last.id };
        }
        expect(seen).toEqual([...sameStart, later.id]);
        expect(await page('confirmed', 10)).toEqual({ events: [confirmed, later], more: false });
        expect((await page('canceled', 10)).events.map((e) => e.id)).toEqual([...canceled].sort());
        expect(await page('confirmed', 1)).toEqual({ events: [confirmed], more: true });
        expect(await page('confirmed', 2)).toEqual({ events: [confirmed, later], more: false });
      });

      it('when a range is given, then the events overlapping it are listed, a moved event at its new place', async () => {
        await ledgers().applyCalendar(calendar);
        const early = await booked(ledgers(), '08:00', '10:00');
        const moving = await booked(ledgers(), '12:00', '13:00');
        await moveTo(ledgers(), moving, '15:00', '16:00');
        const list = (from: string, to: string) =>
          ledgers().listEvents(CAL, { range: span(from, to), status: 'all', limit: 10 });
        expect((await list('09:00', '12:30')).events.map((e) => e.id)).toEqual([early.id]);
        expect((await list('10:00', '15:00')).events).toEqual([]);
        expect((await list('15:30', '18:00')).events.map((e) => e.id)).toEqual([moving.id]);
      });
    });

    describe('close', () => {
      it('when a confirmed event has not ended, then the calendar stays open; once it has, it closes, for good', async () => {
        await ledgers().applyCalendar(calendar);
        await booked(ledgers(), '10:00', '10:30');
        expect(await ledgers().close(CAL, at('10:29'))).toBe('busy');
        expect((await ledgers().findCalendar(CAL))?.closed).toBeFalsy();
        expect(await ledgers().close(CAL, at('10:30'))).toBe('closed');
        expect(await ledgers().close(CAL, at('10:30'))).toBe('closed');
        expect((await ledgers().findCalendar(CAL))?.closed).toBe(true);
        // No reservation commits on a closed calendar, and no late state opens it.
        expect((await ledgers().reserve(newEvent('12:00', '12:30'), span('12:00', '12:30'), [], 1)).outcome).toBe(
          'stale',
        );
        expect(await ledgers().applyCalendar({ ...calendar, version: 5 })).toBe(true);
        expect((await ledgers().findCalendar(CAL))?.closed).toBe(true);
      });

      it('when a canceled event has not ended, or no time is given, then it closes anyway', async () => {
        await ledgers().applyCalendar(calendar);
        const event = await booked(ledgers(), '10:00', '10:30');
        await ledgers().cancel(event.id, new Date());
        expect(await ledgers().close(CAL, at('09:00'))).toBe('closed');
        const other = { ...calendar, calendarId: 'dddddddddddddddddddddddd' };
        await ledgers().applyCalendar(other);
        await reserve(
          ledgers(),
          { ...newEvent('10:00', '10:30'), calendarId: other.calendarId },
          span('10:00', '10:30'),
          [],
        );
        expect(await ledgers().close(other.calendarId)).toBe('closed');
        expect((await ledgers().findCalendar(other.calendarId))?.closed).toBe(true);
      });

      it('when a calendar not yet known is closed, then its late states never open it', async () => {
        expect(await ledgers().close(CAL, at('09:00'))).toBe('closed');
        expect((await ledgers().findCalendar(CAL))?.closed).toBe(true);
        await ledgers().applyCalendar({ ...calendar, links: [link], version: 3 });
        expect((await ledgers().findCalendar(CAL))?.closed).toBe(true);
      });
    });
  },
);
