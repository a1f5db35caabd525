import { NotBookableError, NotFoundError, SlotTakenError, IdempotencyKeyReusedError } from '@slotkeeper/errors';
import { anonymous } from '@slotkeeper/auth';
import { InProcessBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import type { ManualClock } from '@slotkeeper/time';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { bookEvent, cancelEvent, type BookingDeps } from '../src/domain/booking-use-cases.js';
import { listCalendarEvents } from '../src/domain/calendar-events.js';
import { rescheduleEvent } from '../src/domain/reschedule-event.js';
import { bookingWithCalendar, CAL, ledgerRules } from './fixtures.js';

const request = (start: string, end: string) => ({
  calendarId: CAL,
  title: 'Call',
  start: new Date(start),
  end: new Date(end),
  bookedBy: 'ann@example.com',
  guests: [],
});

describe('bookEvent', () => {
  let deps: BookingDeps;
  let published: string[];

  beforeEach(async () => {
    const bus = new InProcessBus({ logger: silentLogger() });
    published = [];
    await bus.subscribe('probe', ['EventBooked', 'EventCanceled'], async (m) => void published.push(m.type));
    deps = await bookingWithCalendar(bus, ledgerRules({ meetingDurationMinutes: 30, minNoticeMinutes: 60 }), [
      '09:00',
      '17:00',
    ]);
  });

  it('when 50 clients race for overlapping times, then exactly one booking is confirmed', async () => {
    const attempts = Array.from({ length: 50 }, (_, i) =>
      bookEvent(
        request(
          `2030-06-24T10:${String(i % 30).padStart(2, '0')}:00Z`,
          `2030-06-24T${i % 30 === 0 ? '10:30' : `10:${String((i % 30) + 30).padStart(2, '0')}`}:00Z`,
        ),
        undefined,
        deps,
      ),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SlotTakenError);
    expect(published).toEqual(['EventBooked']);
  });

  it('when the same idempotency key is retried concurrently, then one event is created and returned to all', async () => {
    const body = request('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z');
    const answers = await Promise.all(Array.from({ length: 10 }, () => bookEvent(body, 'retry-1', deps)));
    expect(new Set(answers.map((a) => a.event.id)).size).toBe(1);
    // Every retry gets the first answer's cancel token back.
    expect(new Set(answers.map((a) => a.cancelToken)).size).toBe(1);
    expect(published).toEqual(['EventBooked']);
    await expect(
      bookEvent(request('2030-06-24T11:00:00Z', '2030-06-24T11:30:00Z'), 'retry-1', deps),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('refuses unknown calendars, the past and the minimum notice, with domain errors', async () => {
    await expect(
      bookEvent(
        { ...request('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z'), calendarId: 'dddddddddddddddddddddddd' },
        undefined,
        deps,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    (deps.clock as ManualClock).set('2030-06-24T09:30:00Z');
    await expect(
      bookEvent(request('2030-06-24T09:00:00Z', '2030-06-24T09:30:00Z'), undefined, deps),
    ).rejects.toMatchObject({ reason: 'in_past' });
    await expect(
      bookEvent(request('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z'), undefined, deps),
    ).rejects.toBeInstanceOf(NotBookableError);
    await expect(
      bookEvent(request('2030-06-24T10:30:00Z', '2030-06-24T11:00:00Z'), undefined, deps),
    ).resolves.toMatchObject({ event: { status: 'confirmed' } });
  });

  it('when an event is canceled twice, then one EventCanceled is published and the time is free', async () => {
    const { event, cancelToken } = await bookEvent(
      request('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z'),
      undefined,
      deps,
    );
    await cancelEvent(event.id, { actor: anonymous, token: cancelToken }, deps);
    await cancelEvent(event.id, { actor: anonymous, token: cancelToken }, deps);
    await vi.waitFor(() => expect(published).toEqual(['EventBooked', 'EventCanceled']));
    await expect(
      bookEvent(request('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z'), undefined, deps),
    ).resolves.toBeDefined();
  });

  it('when the hours are unlinked between the check and the write, then the booking is checked again and refused', async () => {
    const ledgers = deps.ledgers;
    const reserve = ledgers.reserve.bind(ledgers);
    // The unlink lands after bookEvent read the calendar and before its write.
    vi.spyOn(ledgers, 'reserve').mockImplementationOnce(async (...args) => {
      const calendar = (await ledgers.findCalendar(CAL))!;
      await ledgers.applyCalendar({ ...calendar, links: [], version: calendar.version + 1 });
      return reserve(...args);
    });
    await expect(
      bookEvent(request('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z'), undefined, deps),
    ).rejects.toMatchObject({ reason: 'outside_availability' });
    expect(await ledgers.eventsBetween(CAL, { start: 0, end: Date.parse('2031-01-01T00:00:00Z') })).toEqual([]);
    expect(published).toEqual([]);
  });

  it('when the events are listed without bounds, then the range is open but every bound is a real instant', async () => {
    await bookEvent(request('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z'), undefined, deps);
    const spy = vi.spyOn(deps.ledgers, 'listEvents');
    const owner = { kind: 'user' as const, userId: 'bbbbbbbbbbbbbbbbbbbbbbbb' };
    const page = await listCalendarEvents(owner, CAL, { status: 'confirmed', limit: 100 }, deps);
    expect(page.events).toHaveLength(1);
    const [, { range }] = spy.mock.calls[0]!;
    // MongoDB cannot store new Date(Number.MAX_SAFE_INTEGER): it is an Invalid Date.
    expect(Number.isNaN(new Date(range.start).getTime())).toBe(false);
    expect(Number.isNaN(new Date(range.end).getTime())).toBe(false);
  });

  it('when a booking is replayed with its key after it was canceled, then the original answer comes back', async () => {
    const body = request('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z');
    const first = await bookEvent(body, 'replay-after-cancel', deps);
    await cancelEvent(first.event.id, { actor: anonymous, token: first.cancelToken }, deps);
    const replay = await bookEvent(body, 'replay-after-cancel', deps);
    expect(replay).toEqual(first);
    expect(replay.event.status).toBe('confirmed');
  });

  it('when a booking is replayed with its key after it was moved, then the original answer comes back', async () => {
    const body = request('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z');
    const first = await bookEvent(body, 'replay-after-move', deps);
    const access = { actor: anonymous, token: first.cancelToken };
    const moved = { start: new Date('2030-06-24T12:00:00Z'), end: new Date('2030-06-24T12:30:00Z') };
    await rescheduleEvent(first.event.id, moved, undefined, access, deps);
    await rescheduleEvent(
      first.event.id,
      { start: new Date('2030-06-24T13:00:00Z'), end: new Date('2030-06-24T13:30:00Z') },
      undefined,
      access,
      deps,
    );
    const replay = await bookEvent(body, 'replay-after-move', deps);
    expect(replay).toEqual(first);
  });

  it('when a concurrent retry with the same key booked the slot first, then the original answers, not 409', async () => {
    const body = request('2030-06-24T10:00:00Z', '2030-06-24T10:30:00Z');
    const first = await bookEvent(body, 'raced-key', deps);
    // As another process sees it: its own look-ups ran before the first one committed.
    const lookups = vi.spyOn(deps.ledgers, 'findByIdempotencyKey');
    lookups.mockResolvedValueOnce(null).mockResolvedValueOnce(null);
    const retry = await bookEvent(body, 'raced-key', deps);
    expect(retry.event.id).toBe(first.event.id);
    expect(retry.cancelToken).toBe(first.cancelToken);
  });
});
