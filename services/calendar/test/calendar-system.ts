import { createCalendarBody, scheduleLinkInput, type CalendarSnapshot, type Envelope } from '@slotkeeper/contracts';
import { ServiceUnavailableError } from '@slotkeeper/errors';
import { InProcessBus, OutboxRelay } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { MemoryCalendarRepository } from '../src/adapters/memory/memory-calendar-repository.js';
import type { BookingSync, LinkedSchedule, ScheduleDirectory } from '../src/domain/calendar.js';
import type { CalendarDeps } from '../src/domain/calendar-use-cases.js';
import { toCalendarInput, toLinkRequest } from '../src/http/calendars-routes.js';

/** Every calendar message type: what the booking service and the observer below hear. */
export const CALENDAR_MESSAGES = [
  'CalendarCreated',
  'ScheduleLinked',
  'ScheduleUnlinked',
  'CalendarUpdated',
  'CalendarDeleted',
] as const;

export const ANN = 'aaaaaaaaaaaaaaaaaaaaaaaa';
export const BOB = 'bbbbbbbbbbbbbbbbbbbbbbbb';
export const NOBODY = 'ffffffffffffffffffffffff';
export const ann = { kind: 'user' as const, userId: ANN };
export const bob = { kind: 'user' as const, userId: BOB };
export const gateway = { kind: 'service' as const, service: 'gateway' };
export const NOW = '2030-06-01T12:00:00.000Z';

/** Schedule `n` of a user, as the schedule directory finds it. */
export const scheduleOf = (userId: string, n: number): LinkedSchedule => ({
  id: `${userId.slice(0, 1)}${String(n).padStart(23, '0')}`,
  userId,
  name: `Hours ${n}`,
  timezone: 'Europe/Berlin',
  timeSlots: [{ id: `d${String(n).padStart(23, '0')}`, dayOfWeek: 'monday', startTime: '09:00', endTime: '17:00' }],
  dateOverrides: [],
  createdAt: new Date('2030-01-01T00:00:00.000Z'),
});
export const annSchedules = Array.from({ length: 12 }, (_, n) => scheduleOf(ANN, n));
export const bobSchedule = scheduleOf(BOB, 0);

/**
 * The booking service as the calendar service meets it: it learns calendars from the messages on
 * the bus, and `awaitApplied` waits (briefly) until it has seen the version asked for.
 */
export class BookingOverTheBus implements BookingSync {
  readonly applied = new Map<string, number>();
  readonly waitedFor: number[] = [];
  /** Calendars with a confirmed event still to come: closing them is refused. */
  readonly busy = new Set<string>();
  readonly closed = new Set<string>();
  constructor(
    bus: InProcessBus,
    private readonly listening = true,
  ) {
    void bus.subscribe('booking', CALENDAR_MESSAGES, async (message) => {
      const { calendar_id, version } = message.data as CalendarSnapshot;
      if (this.listening) this.applied.set(calendar_id, Math.max(version, this.applied.get(calendar_id) ?? 0));
    });
  }
  async awaitApplied(calendarId: string, version: number): Promise<void> {
    this.waitedFor.push(version);
    for (const until = Date.now() + 200; Date.now() < until; await new Promise((r) => setTimeout(r, 1))) {
      if ((this.applied.get(calendarId) ?? 0) >= version) return;
    }
    throw new ServiceUnavailableError('bookings do not see this change yet');
  }
  async close(calendarId: string): Promise<'closed' | 'upcoming-events'> {
    if (this.busy.has(calendarId)) return 'upcoming-events';
    this.closed.add(calendarId);
    return 'closed';
  }
}

export function system(options: { bookingListens?: boolean; schedules?: ScheduleDirectory } = {}) {
  const logger = silentLogger();
  const bus = new InProcessBus({ logger });
  const calendars = new MemoryCalendarRepository();
  const relay = new OutboxRelay(calendars.outbox, bus, { logger });
  const published: Envelope[] = [];
  void bus.subscribe('observer', CALENDAR_MESSAGES, async (m) => {
    published.push(m);
  });
  const bookings = new BookingOverTheBus(bus, options.bookingListens ?? true);
  const byId = new Map([...annSchedules, bobSchedule].map((s) => [s.id, s]));
  const deps: CalendarDeps = {
    calendars,
    // Every schedule at version 1, as the schedule service's ETag names it.
    schedules: options.schedules ?? {
      find: async (id) => (byId.has(id) ? { schedule: byId.get(id)!, version: 1 } : null),
    },
    users: {
      find: async (id) =>
        [ANN, BOB].includes(id) ? { id, name: `User ${id.slice(0, 1)}`, timezone: 'Asia/Kolkata' } : null,
    },
    outbox: relay,
    bookings,
    clock: new ManualClock(NOW),
  };
  /** What was published, once the relay has sent everything. */
  const messages = async () => {
    await relay.drain();
    return published.map((m) => ({ type: m.type, ...(m.data as CalendarSnapshot) }));
  };
  return { deps, bookings, messages, calendars, bus, relay };
}

/** Requests as the routes hand them to the use cases: parsed by the contract, in the domain's terms. */
export const body = (more: Record<string, unknown> = {}) =>
  toCalendarInput(
    createCalendarBody.parse({ user_id: ANN, name: 'Intro calls', meeting_duration_minutes: 30, ...more }),
  );
export const link = (scheduleId: string, expiresOn?: string) =>
  toLinkRequest(scheduleLinkInput.parse({ availability_schedule_id: scheduleId, expires_on: expiresOn }));
/** A schedule made by `scheduleOf`, as the calendar messages carry it. */
export const snapshotOf = ({ id }: LinkedSchedule) => ({
  id,
  timezone: 'Europe/Berlin',
  time_slots: [{ day_of_week: 'monday', start_time: '09:00', end_time: '17:00' }],
  date_overrides: [],
});
