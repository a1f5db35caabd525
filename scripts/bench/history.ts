/**
 * Booking and availability latency on a calendar of 100 events and on one of 100,000 (past and
 * future of now), through the booking service's own use cases and adapters in this process (no
 * HTTP, no broker): in memory, and on MongoDB when MONGODB_URL is set. The target: the
 * big calendar's p50 and p99 at most 1.3 times the small one's.
 */
import { internalKeys } from '@slotkeeper/auth';
import { DAYS_OF_WEEK, defaultRules, generateId } from '@slotkeeper/contracts';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { connectMongo } from '@slotkeeper/mongo';
import { silentLogger } from '@slotkeeper/observability';
import { uniqueDbUrl } from '@slotkeeper/testing';
import { ManualClock, MINUTE, type Interval } from '@slotkeeper/time';
import { MemoryBusyTimesRepository } from '../../services/booking/src/adapters/memory/memory-busy-times-repository.js';
import { MemoryLedgerRepository } from '../../services/booking/src/adapters/memory/memory-ledger-repository.js';
import { MongoLedgerRepository } from '../../services/booking/src/adapters/mongo/mongo-ledger-repository.js';
import { getAvailability } from '../../services/booking/src/domain/availability-use-cases.js';
import { bookEvent, cancelEvent, type BookingDeps } from '../../services/booking/src/domain/booking-use-cases.js';
import { bookingDeps as withPlatformPorts } from '../../services/booking/src/app.js';
import { CalendarSerializer } from '../../services/booking/src/domain/calendar-serializer.js';
import type { LedgerRepository } from '../../services/booking/src/domain/ledger.js';
import type { Rows } from './timed-client.js';

const SIZES = [100, 100_000] as const;
const TARGET = 1.3;
const WARM_UP = 200;
/** Runs of each case: p99 in memory is a GC pause or not, and needs many runs to settle. */
const RUNS = { memory: 10_000, mongodb: 2_000 };

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.parse('2030-01-07T00:00:00Z');
const EVENT = 30 * MINUTE;
/**
 * One 30-minute event every 2 hours, centred on NOW: the 90 minutes between them leave slots to
 * book near now, and even the 100 events of the small calendar span more than the 7 days read,
 * so both calendars hold the same events there and differ only by their history and future.
 */
const SPACING = 2 * HOUR;
const WEEK_AROUND_NOW: Interval = { start: NOW - 3.5 * DAY, end: NOW + 3.5 * DAY };
/** Free slots to book and cancel again, one after another, in the next two days. */
const FREE_SLOTS = 24;

/** Cancels as a service of the system, which may act on any calendar. */
const SERVICE = { actor: { kind: 'service' as const, service: 'bench' } };

/** The ledgers of either store, with the outbox the relay reads beside them. */
type Ledgers = MemoryLedgerRepository | MongoLedgerRepository;

/** The booking service's dependencies, with the parts this benchmark drives itself. */
type BenchDeps = BookingDeps & { outbox: OutboxRelay; clock: ManualClock };

/**
 * The booking service's dependencies as its tests build them: the one place that knows their
 * shape, to adapt when it changes.
 */
function bookingDeps(ledgers: Ledgers, clock: ManualClock): BenchDeps {
  const logger = silentLogger();
  return withPlatformPorts({
    ledgers,
    // No busy sources here: the history of events is what this measures.
    busyTimes: new MemoryBusyTimesRepository(),
    outbox: new OutboxRelay(ledgers.outbox, new InProcessBus({ logger }), { logger }),
    clock,
    serializer: new CalendarSerializer(),
    cancelTokenKey: internalKeys('the internal secret of the history benchmark').cancelTokens,
  });
}

/** A calendar open around the clock every day (UTC), of 30-minute meetings without buffers. */
async function openCalendar(ledgers: LedgerRepository): Promise<string> {
  const calendarId = generateId();
  await ledgers.applyCalendar({
    calendarId,
    userId: generateId(),
    rules: { ...defaultRules, meetingDurationMinutes: 30 },
    links: [
      {
        schedule: {
          id: generateId(),
          timezone: 'UTC',
          timeSlots: DAYS_OF_WEEK.map((dayOfWeek) => ({ dayOfWeek, startTime: '00:00', endTime: '24:00' })),
          dateOverrides: [],
        },
        expiresOn: null,
      },
    ],
    version: 1,
  });
  return calendarId;
}

const book = (calendarId: string, start: number, deps: BookingDeps) =>
  bookEvent(
    {
      calendarId,
      title: 'Busy',
      start: new Date(start),
      end: new Date(start + EVENT),
      bookedBy: 'bench@example.com',
      guests: [],
    },
    undefined,
    deps,
  );

/**
 * Books `events` events, half before NOW and half after, through bookEvent with the clock set
 * before the first, so the past ones are bookable too; one at a time, as one booking process
 * would. Says how long it took (ms).
 */
async function seed(calendarId: string, events: number, deps: BenchDeps, store: string) {
  const first = NOW - (events / 2) * SPACING;
  deps.clock.set(new Date(first - DAY));
  const started = performance.now();
  let reported = started;
  for (let i = 0; i < events; i++) {
    await book(calendarId, first + i * SPACING, deps);
    if (performance.now() - reported > 10_000) {
      reported = performance.now();
      console.log(`  ${store}: ${i + 1} of ${events} events booked in ${((reported - started) / 1000).toFixed(0)} s`);
    }
  }
  return performance.now() - started;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Untimed warm-up runs, then `runs` runs of each case, interleaved so that drift (the JIT, the
 * heap, the host) falls on every case alike; each run times what it measures itself (ms).
 */
async function measure<C>(cases: readonly C[], runs: number, run: (c: C, i: number) => Promise<number>) {
  for (let i = 0; i < WARM_UP; i++) for (const c of cases) await run(c, i);
  const times = cases.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (const [index, c] of cases.entries()) times[index]!.push(await run(c, WARM_UP + i));
  }
  return times.map((list) => {
    list.sort((a, b) => a - b);
    return { p50: percentile(list, 0.5), p99: percentile(list, 0.99) };
  });
}

interface Measured {
  store: keyof typeof RUNS;
  events: number;
  runs: number;
  seedMs: number;
  booking: { p50: number; p99: number };
  availability: { p50: number; p99: number };
}

/** Both calendars in one store, both seeded first, so both are measured on the same process and heap. */
async function benchStore(store: keyof typeof RUNS, ledgers: Ledgers): Promise<Measured[]> {
  const clock = new ManualClock(new Date(NOW));
  const deps = bookingDeps(ledgers, clock);
  try {
    const calendars: Array<{ events: number; calendarId: string; seedMs: number }> = [];
    for (const events of SIZES) {
      const calendarId = await openCalendar(ledgers);
      const seedMs = await seed(calendarId, events, deps, store);
      console.log(`  ${store}: ${events} events seeded through bookEvent in ${(seedMs / 1000).toFixed(1)} s`);
      calendars.push({ events, calendarId, seedMs });
    }
    clock.set(new Date(NOW));
    const runs = RUNS[store];
    const booking = await measure(calendars, runs, async ({ calendarId }, i) => {
      const started = performance.now();
      const { event } = await book(calendarId, NOW + (i % FREE_SLOTS) * SPACING + EVENT, deps);
      const ms = performance.now() - started;
      // Untimed: the calendar keeps its size, and the slot is free for a later run.
      await cancelEvent(event.id, SERVICE, deps);
      return ms;
    });
    const availability = await measure(calendars, runs, async ({ calendarId }) => {
      const started = performance.now();
      await getAvailability(calendarId, WEEK_AROUND_NOW, {}, deps);
      return performance.now() - started;
    });
    return calendars.map(({ events, seedMs }, i) => ({
      store,
      events,
      runs,
      seedMs,
      booking: booking[i]!,
      availability: availability[i]!,
    }));
  } finally {
    await deps.outbox.drain();
  }
}

const ms = (value: number) => +value.toFixed(3);

export async function benchHistory(): Promise<Record<string, Rows>> {
  const measured = await benchStore('memory', new MemoryLedgerRepository());
  const url = process.env.MONGODB_URL;
  if (url) {
    const connection = await connectMongo(uniqueDbUrl(url, 'bench_history'));
    try {
      const ledgers = new MongoLedgerRepository(connection);
      await ledgers.init();
      measured.push(...(await benchStore('mongodb', ledgers)));
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  } else console.log('  skipped without MONGODB_URL: mongodb');

  const ratios: Rows = [];
  for (const store of new Set(measured.map((m) => m.store))) {
    const small = measured.find((m) => m.store === store && m.events === SIZES[0])!;
    const big = measured.find((m) => m.store === store && m.events === SIZES[1])!;
    for (const operation of ['booking', 'availability'] as const) {
      const p50 = big[operation].p50 / small[operation].p50;
      const p99 = big[operation].p99 / small[operation].p99;
      ratios.push({
        store,
        operation,
        'p50 big/small': +p50.toFixed(2),
        'p99 big/small': +p99.toFixed(2),
        target: `≤ ${TARGET}`,
        met: p50 <= TARGET && p99 <= TARGET ? 'yes' : 'no',
      });
    }
  }
  return {
    [`latency (ms) after ${WARM_UP} untimed runs: booking a 30-minute slot near now (canceled again, untimed), availability over 7 days around now`]:
      measured.map((m) => ({
        store: m.store,
        events: m.events,
        seeded_s: +(m.seedMs / 1000).toFixed(2),
        runs: m.runs,
        'booking p50': ms(m.booking.p50),
        'booking p99': ms(m.booking.p99),
        'availability p50': ms(m.availability.p50),
        'availability p99': ms(m.availability.p99),
      })),
    [`${SIZES[1]} events against ${SIZES[0]}`]: ratios,
  };
}
