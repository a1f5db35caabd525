import { anonymous } from '@slotkeeper/auth';
import {
  ForbiddenError,
  IdempotencyKeyReusedError,
  NotBookableError,
  NotFoundError,
  SlotTakenError,
} from '@slotkeeper/errors';
import { InProcessBus, type MessageBus } from '@slotkeeper/messaging';
import { silentLogger } from '@slotkeeper/observability';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EventNotConfirmedError } from '../src/domain/booking-errors.js';
import { bookEvent, cancelEvent, type BookingDeps } from '../src/domain/booking-use-cases.js';
import { rescheduleEvent } from '../src/domain/reschedule-event.js';
import type { MemoryLedgerRepository } from '../src/adapters/memory/memory-ledger-repository.js';
import { bookingWithCalendar, CAL, ledgerRules } from './fixtures.js';

const at = (hhmm: string) => new Date(`2030-06-24T${hhmm}:00Z`);
const times = (from: string, to: string) => ({ start: at(from), end: at(to) });
const request = (from: string, to: string) => ({
  calendarId: CAL,
  title: 'Call',
  ...times(from, to),
  bookedBy: 'ann@example.com',
  guests: [],
});
const owner = { actor: { kind: 'user' as const, userId: 'bbbbbbbbbbbbbbbbbbbbbbbb' } };

describe('rescheduleEvent', () => {
  let deps: BookingDeps & { ledgers: MemoryLedgerRepository };
  let bus: MessageBus;
  let published: Array<{ type: string; data: unknown }>;

  beforeEach(async () => {
    bus = new InProcessBus({ logger: silentLogger() });
    published = [];
    await bus.subscribe('probe', ['EventBooked', 'EventCanceled', 'EventRescheduled'], async (m) => {
      published.push({ type: m.type, data: m.data });
    });
    deps = await bookingWithCalendar(bus, ledgerRules({ meetingDurationMinutes: 30, minNoticeMinutes: 60 }), [
      '09:00',
      '17:00',
    ]);
  });

  const book = async (from: string, to: string) => bookEvent(request(from, to), undefined, deps);

  it('when the booker moves an event with its token, then it holds the new time, the old one is free, and EventRescheduled says so', async () => {
    const { event, cancelToken } = await book('10:00', '10:30');
    const moved = await rescheduleEvent(
      event.id,
      times('11:00', '11:30'),
      undefined,
      { actor: anonymous, token: cancelToken },
      deps,
    );
    expect(moved).toMatchObject({
      id: event.id,
      start: at('11:00'),
      end: at('11:30'),
      version: 2,
      status: 'confirmed',
    });
    await expect(book('10:00', '10:30')).resolves.toBeDefined();
    await expect(book('11:00', '11:30')).rejects.toBeInstanceOf(SlotTakenError);
    await vi.waitFor(() =>
      expect(published.map((m) => m.type)).toEqual(['EventBooked', 'EventRescheduled', 'EventBooked']),
    );
    expect(published[1]!.data).toMatchObject({
      id: event.id,
      version: 2,
      start_time: '2030-06-24T11:00:00.000Z',
      previous_start_time: '2030-06-24T10:00:00.000Z',
      previous_end_time: '2030-06-24T10:30:00.000Z',
    });
  });

  it('when the new time overlaps only its own old time, then it moves; into another event, 409 and the old time kept', async () => {
    const { event } = await book('10:00', '10:30');
    await book('11:00', '11:30');
    await expect(rescheduleEvent(event.id, times('10:15', '10:45'), undefined, owner, deps)).resolves.toMatchObject({
      start: at('10:15'),
    });
    await expect(rescheduleEvent(event.id, times('10:45', '11:15'), undefined, owner, deps)).rejects.toBeInstanceOf(
      SlotTakenError,
    );
    expect(await deps.ledgers.findEvent(event.id)).toMatchObject({ start: at('10:15'), version: 2 });
  });

  it('when the new time is not bookable, then 422 for the reason a booking would get, and the old time kept', async () => {
    const { event } = await book('10:00', '10:30');
    await expect(rescheduleEvent(event.id, times('18:00', '18:30'), undefined, owner, deps)).rejects.toMatchObject({
      reason: 'outside_availability',
    });
    await expect(rescheduleEvent(event.id, times('11:00', '12:00'), undefined, owner, deps)).rejects.toBeInstanceOf(
      NotBookableError,
    );
    expect(await deps.ledgers.findEvent(event.id)).toMatchObject({ start: at('10:00'), version: 1 });
  });

  it('when the event is canceled, unknown, or the token is another event’s, then it is refused', async () => {
    const first = await book('10:00', '10:30');
    const second = await book('12:00', '12:30');
    await expect(
      rescheduleEvent(
        first.event.id,
        times('13:00', '13:30'),
        undefined,
        { actor: anonymous, token: second.cancelToken },
        deps,
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await cancelEvent(first.event.id, owner, deps);
    await expect(
      rescheduleEvent(first.event.id, times('13:00', '13:30'), undefined, owner, deps),
    ).rejects.toBeInstanceOf(EventNotConfirmedError);
    await expect(
      rescheduleEvent('dddddddddddddddddddddddd', times('13:00', '13:30'), undefined, owner, deps),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('when a keyed reschedule is retried, then the original answer comes back; the key with other times is 422', async () => {
    const { event } = await book('10:00', '10:30');
    const first = await rescheduleEvent(event.id, times('11:00', '11:30'), 'move-1', owner, deps);
    await rescheduleEvent(event.id, times('13:00', '13:30'), undefined, owner, deps);
    // Even after a later change, the retry answers what the first answer said.
    expect(await rescheduleEvent(event.id, times('11:00', '11:30'), 'move-1', owner, deps)).toEqual(first);
    await expect(rescheduleEvent(event.id, times('14:00', '14:30'), 'move-1', owner, deps)).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(await deps.ledgers.findEvent(event.id)).toMatchObject({ start: at('13:00'), version: 3 });
  });

  it('when the same keyed reschedule is sent ten times at once, then it moves once and all get the same answer', async () => {
    const { event } = await book('10:00', '10:30');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => rescheduleEvent(event.id, times('11:00', '11:30'), 'burst', owner, deps)),
    );
    expect(new Set(answers.map((a) => a.version))).toEqual(new Set([2]));
    expect(await deps.ledgers.findEvent(event.id)).toMatchObject({ version: 2 });
  });

  it('when 50 reschedules and bookings race for one slot, then exactly one wins', async () => {
    const events = [];
    for (let hour = 12; hour < 17; hour++) {
      events.push((await book(`${hour}:00`, `${hour}:30`)).event, (await book(`${hour}:30`, `${hour + 1}:00`)).event);
    }
    const racers = [
      ...events.flatMap((event) => [
        rescheduleEvent(event.id, times('10:00', '10:30'), undefined, owner, deps),
        rescheduleEvent(event.id, times('10:15', '10:45'), undefined, owner, deps),
      ]),
      ...Array.from({ length: 30 }, () => book('10:00', '10:30')),
    ];
    expect(racers).toHaveLength(50);
    const results = await Promise.allSettled(racers);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SlotTakenError);
    expect(
      await deps.ledgers.eventsBetween(CAL, { start: at('09:30').getTime(), end: at('11:30').getTime() }),
    ).toHaveLength(1);
  });

  it('when the hours change between the check and the write, then the reschedule is checked again against them', async () => {
    const { event } = await book('10:00', '10:30');
    const ledgers = deps.ledgers;
    const reschedule = ledgers.reschedule.bind(ledgers);
    const spy = vi.spyOn(ledgers, 'reschedule').mockImplementationOnce(async (request) => {
      const calendar = (await ledgers.findCalendar(CAL))!;
      await ledgers.applyCalendar({ ...calendar, links: [], version: calendar.version + 1 });
      return reschedule(request);
    });
    await expect(rescheduleEvent(event.id, times('11:00', '11:30'), undefined, owner, deps)).rejects.toMatchObject({
      reason: 'outside_availability',
    });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await ledgers.findEvent(event.id)).toMatchObject({ start: at('10:00'), version: 1 });
  });
});
