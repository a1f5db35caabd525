import { generateId } from '@slotkeeper/contracts';
import { EARLIEST_INSTANT, LATEST_INSTANT, type Interval } from '@slotkeeper/time';
import type { WithOutbox } from '@slotkeeper/messaging';
import { describeContract } from '@slotkeeper/testing';
import { expect, it } from 'vitest';
import { MemoryLedgerRepository } from '../src/adapters/memory/memory-ledger-repository.js';
import { MongoLedgerRepository } from '../src/adapters/mongo/mongo-ledger-repository.js';
import type { CalendarLedger, EventChange, LedgerRepository, NewEvent } from '../src/domain/ledger.js';
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
const change = (kind: EventChange['kind'], event: NewEvent, occurredAt = new Date()): EventChange => ({
  kind,
  event: { ...event, status: kind === 'booked' ? 'confirmed' : 'canceled' },
  occurredAt,
});

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
      expect((await ledgers().cancel(reserved.event.id, []))?.status).toBe('canceled');
      expect(await ledgers().cancel(reserved.event.id, [])).toBeNull();
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
      await ledgers().cancel(event.id, [change('canceled', event, at('09:00'))]);
      const pending = (await ledgers().outbox.pendingFor(CAL)).map((m) => m.message);
      expect(pending).toMatchObject([
        { type: 'EventBooked', occurred_at: at('08:00').toISOString(), data: { id: event.id, status: 'confirmed' } },
        { type: 'EventCanceled', occurred_at: at('09:00').toISOString(), data: { id: event.id, status: 'canceled' } },
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
  },
);
