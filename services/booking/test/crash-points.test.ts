/**
 * A booking process that dies mid-request, at each point of the booking path. The store (here
 * the in-memory ledger, standing for the database) outlives the process; the relay, the bus and
 * the serializer do not. The real-process version, with SIGKILL on MongoDB, is in
 * scripts/e2e/faults.test.ts and runs where MongoDB is reachable.
 */
import type { Envelope } from '@slotkeeper/contracts';
import { InProcessBus, OutboxRelay, parseMessage } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { EARLIEST_INSTANT, LATEST_INSTANT } from '@slotkeeper/time';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MemoryLedgerRepository } from '../src/adapters/memory/memory-ledger-repository.js';
import { bookEvent, type BookingDeps } from '../src/domain/booking-use-cases.js';
import { CalendarSerializer } from '../src/domain/calendar-serializer.js';
import type { LedgerRepository } from '../src/domain/ledger.js';
import { bookingWithCalendar, CAL, ledgerRules } from './fixtures.js';

class Killed extends Error {}

const body = {
  calendarId: CAL,
  title: 'Call',
  start: new Date('2030-06-24T10:00:00Z'),
  end: new Date('2030-06-24T10:30:00Z'),
  bookedBy: 'ann@example.com',
  guests: [],
};

describe('a booking process killed mid-request', () => {
  let database: MemoryLedgerRepository;
  let base: BookingDeps;
  let delivered: Envelope[];
  let published: string[];
  let bus: InProcessBus;

  beforeEach(async () => {
    bus = new InProcessBus({ logger: silentLogger() });
    delivered = [];
    published = [];
    // Counts what reaches the bus; the bus itself (and its dedup by message id) is the real one.
    const publish = bus.publish.bind(bus);
    bus.publish = (message) => (published.push(message.id), publish(message));
    await bus.subscribe('probe', ['EventBooked'], async (m) => void delivered.push(m));
    const deps = await bookingWithCalendar(bus, ledgerRules({ meetingDurationMinutes: 30 }), ['09:00', '17:00']);
    database = deps.ledgers;
    base = deps;
  });

  const deliveredEvents = () => delivered.map((m) => parseMessage('EventBooked', m).id);

  /** The process that dies: its ledger calls go to the database, with `reserve` interrupted. */
  function dyingProcess(reserve: LedgerRepository['reserve']): BookingDeps {
    const ledgers = Object.create(database) as LedgerRepository;
    ledgers.reserve = reserve;
    return { ...base, ledgers, serializer: new CalendarSerializer() };
  }

  /** The process started after the crash, on the same database: its sweep runs first. */
  async function restarted(): Promise<BookingDeps> {
    const outbox = new OutboxRelay(database.outbox, bus, { logger: silentLogger(), sweepAfterMs: 0 });
    await outbox.sweep();
    return { ...base, outbox, serializer: new CalendarSerializer() };
  }

  it('when it dies before the write, then the client gets an error, nothing is stored, and the retry books', async () => {
    const dying = dyingProcess(async () => {
      throw new Killed();
    });
    await expect(bookEvent(body, 'key-1', dying)).rejects.toBeInstanceOf(Killed);
    expect(await database.findByIdempotencyKey(CAL, 'key-1')).toBeNull();
    expect(await database.outbox.pendingFor(CAL)).toEqual([]);

    const after = await restarted();
    expect(delivered).toEqual([]);
    const { event } = await bookEvent(body, 'key-1', after);
    await after.outbox.flush(CAL); // the answer does not wait for the publish; the test does
    expect(deliveredEvents()).toEqual([event.id]);
  });

  it('when it dies after the write, before answering, then the sweep announces the event once and the retry gets it back', async () => {
    const dying = dyingProcess(async (...args) => {
      await database.reserve(...args);
      throw new Killed();
    });
    await expect(bookEvent(body, 'key-2', dying)).rejects.toBeInstanceOf(Killed);
    const stored = await database.findByIdempotencyKey(CAL, 'key-2');
    expect(stored?.status).toBe('confirmed');
    expect(delivered).toEqual([]);

    const after = await restarted();
    expect(deliveredEvents()).toEqual([stored!.id]);
    const { event: retried } = await bookEvent(body, 'key-2', after);
    expect(retried.id).toBe(stored!.id);
    expect(delivered).toHaveLength(1);
    expect(await database.eventsBetween(CAL, { start: EARLIEST_INSTANT, end: LATEST_INSTANT })).toHaveLength(1);
  });

  it('when it dies after the broker confirmed the message, before clearing the outbox, then the message goes again with the same id', async () => {
    const outbox = database.outbox;
    const dying: BookingDeps = {
      ...base,
      outbox: new OutboxRelay(
        {
          pendingFor: (id) => outbox.pendingFor(id),
          aggregatesWithPending: (before, limit) => outbox.aggregatesWithPending(before, limit),
          markPublished: async () => {
            throw new Killed();
          },
        },
        bus,
        { logger: silentLogger() },
      ),
    };
    const { event } = await bookEvent(body, 'key-3', dying);
    await vi.waitFor(() => expect(deliveredEvents()).toEqual([event.id]));

    await restarted();
    // At least once: the message is published again, and the consumer drops it by its id.
    expect(published).toEqual([delivered[0]!.id, delivered[0]!.id]);
    expect(deliveredEvents()).toEqual([event.id]);
    expect(await database.outbox.pendingFor(CAL)).toEqual([]);
  });
});
