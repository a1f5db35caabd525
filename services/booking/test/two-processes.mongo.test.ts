import { connectMongo } from '@slotkeeper/mongo';
import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { mongoTarget, uniqueDbUrl } from '@slotkeeper/testing';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoBusyTimesRepository } from '../src/adapters/mongo/mongo-busy-times-repository.js';
import { MongoLedgerRepository } from '../src/adapters/mongo/mongo-ledger-repository.js';
import { bookingDeps } from '../src/app.js';
import { bookEvent, type BookingDeps } from '../src/domain/booking-use-cases.js';
import { CalendarSerializer } from '../src/domain/calendar-serializer.js';
import { rescheduleEvent } from '../src/domain/reschedule-event.js';
import { OutboxRelay } from '@slotkeeper/messaging';
import { ManualClock } from '@slotkeeper/time';
import { CAL, cancelTokenKey, ledgerRules, OPEN_SCHEDULE } from './fixtures.js';

const mongo = await mongoTarget();
if ('reason' in mongo) console.warn(`[skip] two booking processes on one MongoDB: ${mongo.reason}`);

/**
 * Two booking "processes": each with its own MongoDB connection, its own ledger adapter and its
 * own serializer, so nothing in memory stands between them; only the store's atomic write does.
 */
describe.skipIf(!mongo.url)('two booking processes on one MongoDB', () => {
  const connections: Connection[] = [];
  const processes: BookingDeps[] = [];

  beforeAll(async () => {
    const url = uniqueDbUrl(mongo.url!, 'two_processes');
    for (let i = 0; i < 2; i++) {
      const connection = await connectMongo(url);
      connections.push(connection);
      const ledgers = new MongoLedgerRepository(connection);
      const busyTimes = new MongoBusyTimesRepository(connection);
      await Promise.all([ledgers.init(), busyTimes.init()]);
      processes.push(
        bookingDeps({
          ledgers,
          busyTimes,
          outbox: new OutboxRelay(ledgers.outbox, new InProcessBus({ logger: silentLogger() }), {
            logger: silentLogger(),
          }),
          clock: new ManualClock('2030-06-01T00:00:00Z'),
          serializer: new CalendarSerializer(),
          cancelTokenKey,
        }),
      );
    }
    await processes[0]!.ledgers.applyCalendar({
      calendarId: CAL,
      userId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
      rules: ledgerRules(),
      links: [{ schedule: OPEN_SCHEDULE(['00:00', '24:00']), expiresOn: null }],
      version: 1,
    });
  });

  afterAll(async () => {
    await connections[0]?.dropDatabase();
    await Promise.all(connections.map((c) => c.close()));
    if ('stop' in mongo) await mongo.stop();
  });

  it('when both race for overlapping times, then exactly one booking per disjoint set is confirmed', async () => {
    const at = (minutes: number) => new Date(Date.UTC(2030, 5, 24, 9, minutes));
    // Three disjoint targets, each contested by 10 overlapping requests split over the two processes.
    const attempts = [0, 120, 240].flatMap((base) =>
      Array.from({ length: 10 }, (_, i) =>
        bookEvent(
          {
            calendarId: CAL,
            title: 'race',
            start: at(base + (i % 5) * 5),
            end: at(base + 30 + (i % 5) * 5),
            bookedBy: 'a@b.co',
            guests: [],
          },
          undefined,
          processes[i % 2]!,
        ),
      ),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const events = await processes[1]!.ledgers.eventsBetween(CAL, { start: at(0).getTime(), end: at(600).getTime() });
    expect(events).toHaveLength(3);
  });

  it('when both race one Idempotency-Key, then one event exists and every answer is it', async () => {
    const at = (minutes: number) => new Date(Date.UTC(2030, 5, 24, 20, minutes));
    const body = {
      calendarId: CAL,
      title: 'keyed',
      start: at(0),
      end: at(30),
      bookedBy: 'a@b.co',
      guests: [],
    };
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => bookEvent(body, 'two-process-key', processes[i % 2]!)),
    );
    expect(new Set(answers.map((a) => a.event.id)).size).toBe(1);
    const events = await processes[0]!.ledgers.eventsBetween(CAL, { start: at(0).getTime(), end: at(30).getTime() });
    expect(events).toHaveLength(1);
  });

  it('when 50 reschedules and bookings race for one slot over both, then exactly one holds it', async () => {
    const at = (minutes: number) => new Date(Date.UTC(2030, 6, 1, 0, minutes));
    const owner = { actor: { kind: 'user' as const, userId: 'bbbbbbbbbbbbbbbbbbbbbbbb' } };
    const request = (start: number) => ({
      calendarId: CAL,
      title: 'move',
      start: at(start),
      end: at(start + 30),
      bookedBy: 'a@b.co',
      guests: [],
    });
    const booked = [];
    for (let i = 0; i < 25; i++) booked.push((await bookEvent(request(120 + i * 30), undefined, processes[0]!)).event);
    const racers = [
      ...booked.map((event, i) =>
        rescheduleEvent(event.id, { start: at(0), end: at(30) }, undefined, owner, processes[i % 2]!),
      ),
      ...Array.from({ length: 25 }, (_, i) => bookEvent(request(0), undefined, processes[i % 2]!)),
    ];
    const results = await Promise.allSettled(racers);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const events = await processes[1]!.ledgers.eventsBetween(CAL, { start: at(0).getTime(), end: at(30).getTime() });
    expect(events).toHaveLength(1);
  });
});
