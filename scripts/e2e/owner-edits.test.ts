/**
 * Owners' edits and invitees' reschedules on the multi-process stack over the local RabbitMQ:
 * when a schedule, calendar or link change, a delete or a reschedule has answered, the very
 * next booking already sees it. Many flows run at once; not one answer may be stale. And when
 * reschedules and fresh bookings race for one free slot, exactly one gets it.
 */
import { randomUUID } from 'node:crypto';
import { brokerTarget } from '@slotkeeper/testing';
import { apiClient, apiSetup, bearer, booking, weekly, type ApiSetup, type Owner } from '@slotkeeper/testing/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../stack/launch.js';
import { deleteStackTopology, eventually, startTestStack } from './support.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] owner edits on the stack: ${broker.reason}`);
afterAll(async () => {
  if ('stop' in broker) await broker.stop();
});

/** The processes' log lines of a warning or worse (pino levels 40–60), and whatever else names an error. */
const WARNED = /"level":\s*[456]0|Error/;
const FLOWS = 40;
const CONCURRENCY = 8;
/** A Monday, far enough ahead for every rule but the ones a flow sets. */
const MONDAY = '2031-03-03';
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00.000Z`;
/** An instant as `at` writes it, whatever the precision the API answered it in. */
const iso = (instant: string) => new Date(instant).toISOString();

/** Runs `count` flows, `concurrency` in flight at once; every stale answer any of them saw. */
async function runFlows(count: number, concurrency: number, flow: (i: number) => Promise<string[]>) {
  const stale: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      stale.push(...(await flow(i)).map((answer) => `flow ${i}: ${answer}`));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return stale;
}

/** The requests these flows need beyond the shared setup helpers: each answers its response whatever its status. */
function extraRequests(api: ApiSetup) {
  const { client } = api;
  return {
    deleteSchedule: async (owner: Owner, scheduleId: string) =>
      (
        await client.DELETE('/api/schedule/availability_schedules/{schedule_id}', {
          params: { path: { schedule_id: scheduleId } },
          headers: bearer(owner.api_key),
        })
      ).response.status,
    deleteCalendar: async (owner: Owner, calendarId: string) =>
      (
        await client.DELETE('/api/calendar/calendars/{calendar_id}', {
          params: { path: { calendar_id: calendarId } },
          headers: bearer(owner.api_key),
        })
      ).response.status,
    getSchedule: async (owner: Owner, scheduleId: string) =>
      (
        await client.GET('/api/schedule/availability_schedules/{schedule_id}', {
          params: { path: { schedule_id: scheduleId } },
          headers: bearer(owner.api_key),
        })
      ).response.status,
  };
}

describe.skipIf(!broker.url)('owner edits and reschedules on the multi-process stack', () => {
  const prefix = `edit-${randomUUID().slice(0, 8)}`;
  let stack: Stack;
  const logged: string[] = [];
  let api: ApiSetup;
  let extra: ReturnType<typeof extraRequests>;
  let owner: Owner;

  /** A booking of `calendarId` from `from` to `to` (HH:MM on MONDAY): its status, whatever it is. */
  const book = async (calendarId: string, from: string, to: string) =>
    (await api.tryBook(booking(calendarId, at(from), at(to), { title: 'Right after', booked_by: 'ann@example.com' })))
      .response.status;
  /** Checks one answer against the status the change before it must have produced. */
  const expectAnswer = (stale: string[], step: string, status: number, wanted: number) => {
    if (status !== wanted) stale.push(`${step} → ${status}, not ${wanted}`);
  };
  const mondaySchedule = (from: string, to: string) =>
    api.schedule(owner, { name: `Mondays ${from}-${to}`, timezone: 'UTC', time_slots: weekly(['monday'], [from, to]) });

  beforeAll(async () => {
    // Thousands of requests from one address within a minute: not what the rate limit is for.
    stack = await startTestStack(
      {
        AMQP_URL: broker.url,
        AMQP_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
      (service, line) => void (WARNED.test(line) && logged.push(`${service}: ${line}`)),
    );
    api = apiSetup(apiClient(stack.gatewayUrl));
    extra = extraRequests(api);
    owner = await api.user({ name: 'Editor' });
  }, 120_000);

  afterAll(async () => {
    // What the processes warned of or failed with (LOG_LEVEL warn): the cause of any odd answer.
    if (logged.length > 0) console.warn(logged.slice(-50).join('\n'));
    await stack?.stop();
    await deleteStackTopology(broker.url!, prefix);
  }, 60_000);

  // Found here: when the calendar service's consumer of ScheduleUpdated saved the calendars
  // before the schedule service's synchronous call did, that call found nothing stale and
  // answered at once, before booking had the consumer's versions (0 to 2 flows of 40). The call
  // now waits for every calendar linking the schedule, whoever saved it.
  it('when a schedule’s hours move, then the very next booking gets the new hours and not the old', async () => {
    const stale = await runFlows(FLOWS, CONCURRENCY, async () => {
      const stale: string[] = [];
      const schedule = await mondaySchedule('09:00', '12:00');
      const { id } = await api.calendar(owner, [schedule.id], { name: 'Moving hours' });
      expectAnswer(stale, 'before the move, in the old hours', await book(id, '09:00', '09:30'), 201);
      await api.updateSchedule(owner, schedule.id, { time_slots: weekly(['monday'], ['13:00', '16:00']) });
      expectAnswer(stale, 'moved, in the new hours', await book(id, '13:00', '13:30'), 201);
      expectAnswer(stale, 'moved, in the old hours', await book(id, '10:00', '10:30'), 422);
      return stale;
    });
    expect(stale).toEqual([]);
  }, 120_000);

  it('when a calendar’s rules change, then the very next booking obeys the new rules', async () => {
    const schedule = await mondaySchedule('08:00', '18:00');
    const stale = await runFlows(FLOWS, CONCURRENCY, async () => {
      const stale: string[] = [];
      const { id } = await api.calendar(owner, [schedule.id], { name: 'Rules', meeting_duration_minutes: 30 });
      expectAnswer(stale, '30-minute meetings, 30 minutes', await book(id, '08:00', '08:30'), 201);
      await api.updateCalendar(owner, id, { meeting_duration_minutes: 60 });
      expectAnswer(stale, '60-minute meetings, 30 minutes', await book(id, '09:00', '09:30'), 422);
      expectAnswer(stale, '60-minute meetings, 60 minutes', await book(id, '10:00', '11:00'), 201);
      await api.updateCalendar(owner, id, { booking_horizon_days: 1 });
      expectAnswer(stale, 'a day’s horizon, years ahead', await book(id, '12:00', '13:00'), 422);
      await api.updateCalendar(owner, id, { booking_horizon_days: null, min_notice_minutes: 365 * 24 * 60 });
      // The notice is a year; the meeting lies years ahead.
      expectAnswer(stale, 'horizon cleared, a year’s notice', await book(id, '12:00', '13:00'), 201);
      return stale;
    });
    expect(stale).toEqual([]);
  }, 120_000);

  it('when a link’s expiry moves, then the very next booking sees where it ends', async () => {
    const schedule = await mondaySchedule('08:00', '18:00');
    const stale = await runFlows(FLOWS, CONCURRENCY, async () => {
      const stale: string[] = [];
      const { id } = await api.calendar(owner, [schedule.id], { name: 'Expiring' });
      expectAnswer(stale, 'never expires', await book(id, '08:00', '08:30'), 201);
      await api.updateLink(owner, id, schedule.id, new Date(Date.now() + 10 * 60_000).toISOString());
      expectAnswer(stale, 'expires in ten minutes, years ahead', await book(id, '09:00', '09:30'), 422);
      await api.updateLink(owner, id, schedule.id, at('11:00'));
      expectAnswer(stale, 'expires at 11:00, before it', await book(id, '10:00', '10:30'), 201);
      expectAnswer(stale, 'expires at 11:00, after it', await book(id, '11:00', '11:30'), 422);
      await api.updateLink(owner, id, schedule.id, null);
      expectAnswer(stale, 'never expires again', await book(id, '11:00', '11:30'), 201);
      return stale;
    });
    expect(stale).toEqual([]);
  }, 120_000);

  it('when a schedule is deleted, then only once no calendar links it', async () => {
    const stale = await runFlows(FLOWS, CONCURRENCY, async () => {
      const stale: string[] = [];
      const [kept, dropped] = [await mondaySchedule('08:00', '10:00'), await mondaySchedule('13:00', '15:00')];
      const { id } = await api.calendar(owner, [kept.id, dropped.id], { name: 'Dropping' });
      expectAnswer(stale, 'delete while linked', await extra.deleteSchedule(owner, dropped.id), 409);
      expectAnswer(stale, 'refused delete, its hours', await book(id, '13:00', '13:30'), 201);
      await api.unlink(owner, id, dropped.id);
      expectAnswer(stale, 'delete once unlinked', await extra.deleteSchedule(owner, dropped.id), 204);
      expectAnswer(stale, 'deleted, read', await extra.getSchedule(owner, dropped.id), 404);
      expectAnswer(stale, 'deleted, its hours', await book(id, '14:00', '14:30'), 422);
      expectAnswer(stale, 'deleted, the other schedule’s hours', await book(id, '08:00', '08:30'), 201);
      return stale;
    });
    expect(stale).toEqual([]);
  }, 120_000);

  // Found here: a link whose schedule lookup ran before the delete and whose save came after
  // ScheduleDeleted was consumed kept the deleted schedule for good (1 to 3 flows of 40). The
  // catch-up after a link now takes the link back and answers 404 when the schedule is gone.
  it('when a schedule is linked while it is deleted, then no calendar keeps it once deleted', async () => {
    const outcomes = new Map<string, number>();
    const stale = await runFlows(FLOWS, CONCURRENCY, async () => {
      const stale: string[] = [];
      const [kept, raced] = [await mondaySchedule('08:00', '10:00'), await mondaySchedule('13:00', '15:00')];
      const { id } = await api.calendar(owner, [kept.id], { name: 'Racing' });
      const [linked, deleted] = await Promise.all([
        api.client.POST('/api/calendar/calendars/{calendar_id}/availability_schedules', {
          params: { path: { calendar_id: id } },
          body: { availability_schedule_id: raced.id },
          headers: bearer(owner.api_key),
        }),
        extra.deleteSchedule(owner, raced.id),
      ]);
      const outcome = `link ${linked.response.status}, delete ${deleted}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      const linksRaced = async () =>
        (await api.calendarDetail(id, owner.api_key)).availability_schedules.some(
          (link) => link.availability_schedule_id === raced.id,
        );
      if (outcome === 'link 201, delete 409') {
        // The delete saw the link: the schedule stays, and so do its hours.
        expectAnswer(stale, 'kept, its hours', await book(id, '13:00', '13:30'), 201);
      } else if (outcome === 'link 404, delete 204') {
        // The link came after the delete.
        if (await linksRaced()) stale.push(`${outcome}: the calendar links the deleted schedule`);
        expectAnswer(stale, 'deleted first, its hours', await book(id, '13:00', '13:30'), 422);
      } else if (outcome === 'link 201, delete 204') {
        // Both answered: the calendar service undoes the link when ScheduleDeleted reaches it.
        await eventually(async () => expect(await linksRaced()).toBe(false)).catch(() =>
          stale.push(`${outcome}: the calendar still links the deleted schedule`),
        );
        expectAnswer(stale, 'link undone, its hours', await book(id, '13:00', '13:30'), 422);
      } else {
        stale.push(outcome);
      }
      expectAnswer(stale, 'the kept schedule’s hours', await book(id, '08:00', '08:30'), 201);
      return stale;
    });
    console.info('link racing delete:', Object.fromEntries(outcomes));
    expect(stale).toEqual([]);
  }, 120_000);

  it('when a calendar is deleted, then only once its upcoming events are canceled, and then it takes no booking', async () => {
    const schedule = await mondaySchedule('08:00', '18:00');
    const stale = await runFlows(FLOWS, CONCURRENCY, async () => {
      const stale: string[] = [];
      const { id } = await api.calendar(owner, [schedule.id], { name: 'Closing' });
      const event = await api.book(booking(id, at('09:00'), at('09:30')));
      expectAnswer(stale, 'delete with an upcoming event', await extra.deleteCalendar(owner, id), 409);
      const other = await api.tryBook(booking(id, at('10:00'), at('10:30')));
      expectAnswer(stale, 'refused delete, a booking', other.response.status, 201);
      if (other.data) await api.cancel(other.data.id, other.data.cancel_token);
      expectAnswer(stale, 'one of two canceled, delete', await extra.deleteCalendar(owner, id), 409);
      await api.cancel(event.id, event.cancel_token);
      expectAnswer(stale, 'delete once canceled', await extra.deleteCalendar(owner, id), 204);
      expectAnswer(stale, 'deleted, a booking', await book(id, '11:00', '11:30'), 404);
      expectAnswer(stale, 'deleted, delete again', await extra.deleteCalendar(owner, id), 404);
      return stale;
    });
    expect(stale).toEqual([]);
  }, 120_000);

  it('when an event is rescheduled, then its old slot is free and its new slot taken from the very next request', async () => {
    const schedule = await mondaySchedule('08:00', '18:00');
    const stale = await runFlows(FLOWS, CONCURRENCY, async () => {
      const stale: string[] = [];
      const { id } = await api.calendar(owner, [schedule.id], { name: 'Moving meetings' });
      const event = await api.book(booking(id, at('09:00'), at('09:30')));
      const moved = await api.reschedule(
        event.id,
        { start_time: at('15:00'), end_time: at('15:30') },
        event.cancel_token,
      );
      if (iso(moved.start_time) !== at('15:00')) stale.push(`rescheduled to ${moved.start_time}`);
      expectAnswer(stale, 'rescheduled, the new slot', await book(id, '15:00', '15:30'), 409);
      expectAnswer(stale, 'rescheduled, the old slot', await book(id, '09:00', '09:30'), 201);
      // And back onto the old slot, now taken by that booking: refused, the event keeps 15:00.
      const back = await api.tryReschedule(event.id, { start_time: at('09:00'), end_time: at('09:30') }, owner.api_key);
      expectAnswer(stale, 'back onto the taken old slot', back.response.status, 409);
      expectAnswer(stale, 'refused reschedule, its slot', await book(id, '15:00', '15:30'), 409);
      return stale;
    });
    expect(stale).toEqual([]);
  }, 120_000);

  it('when 50 reschedules and fresh bookings race for one free slot, then exactly one gets it', async () => {
    const schedule = await mondaySchedule('08:00', '18:00');
    const { id } = await api.calendar(owner, [schedule.id], { name: 'Contested' });
    // 25 events at distinct times (08:00, 08:15, … 14:00), each to be moved onto 17:00.
    const events = [];
    for (let i = 0; i < 25; i++) {
      const start = new Date(Date.parse(at('08:00')) + i * 15 * 60_000);
      const end = new Date(start.getTime() + 15 * 60_000);
      events.push(await api.book(booking(id, start.toISOString(), end.toISOString())));
    }
    const slot = { start_time: at('17:00'), end_time: at('17:15') };
    const answers = await Promise.all([
      ...events.map(async (event) => (await api.tryReschedule(event.id, slot, event.cancel_token)).response.status),
      ...events.map(async () => book(id, '17:00', '17:15')),
    ]);
    const won = answers.filter((status) => status === 200 || status === 201);
    expect(won).toHaveLength(1);
    expect(answers.filter((status) => status === 409)).toHaveLength(answers.length - 1);
    // The ledger agrees: one event at 17:00, and the others kept their times.
    const listed = await api.events(id, owner.api_key);
    expect(listed.filter((event) => iso(event.start_time) === at('17:00'))).toHaveLength(1);
    expect(listed).toHaveLength(won[0] === 201 ? 26 : 25);
    const startsOf = new Map(listed.map((event) => [event.id, iso(event.start_time)]));
    for (const event of events) {
      const now = startsOf.get(event.id);
      if (now !== at('17:00')) expect(now).toBe(iso(event.start_time));
    }
  }, 120_000);
});
