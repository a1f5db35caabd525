import { generateId, type WeeklySchedule, type WeeklySlot } from '@slotkeeper/contracts';
import { ForbiddenError, NotFoundError, ServiceUnavailableError, type Principal } from '@slotkeeper/errors';
import type { Calendar, CalendarUpdate, ScheduleLink } from './calendar.js';
import type { CalendarDeps, RequestContext } from './calendar-use-cases.js';
import { inForce } from './in-force.js';

/** A schedule's new hours at its new version, as the schedule service announces them. */
export interface ScheduleChange extends WeeklySchedule {
  scheduleId: string;
  version: number;
}

type SyncDeps = Pick<CalendarDeps, 'calendars' | 'outbox' | 'clock' | 'schedules'>;

const MAX_ATTEMPTS = 5;

function assertService(actor: Principal): void {
  if (actor.kind !== 'service') throw new ForbiddenError('only the system’s services may ask this');
}

/**
 * The link's schedule with the change's hours. A slot keeps its id where the same slot was there
 * before; a new one gets a new id (the message carries none, nor the schedule's name).
 */
function changedLink(link: ScheduleLink, change: ScheduleChange): ScheduleLink {
  const idOf = new Map(link.schedule.timeSlots.map((s) => [`${s.dayOfWeek}|${s.startTime}|${s.endTime}`, s.id]));
  const timeSlots = change.timeSlots.map((slot: WeeklySlot) => ({
    id: idOf.get(`${slot.dayOfWeek}|${slot.startTime}|${slot.endTime}`) ?? generateId(),
    ...slot,
  }));
  return {
    ...link,
    schedule: { ...link.schedule, timezone: change.timezone, timeSlots, dateOverrides: change.dateOverrides },
    scheduleVersion: change.version,
  };
}

/**
 * Changes every calendar linking the schedule, each by compare-and-set (a concurrent change makes
 * it read again): `edit` gives the calendar's new links, or null when it has nothing to change.
 * Returns the calendars saved, at their new versions, their messages on their way.
 */
async function changeEachLinking(
  scheduleId: string,
  edit: (calendar: Calendar) => ScheduleLink[] | null,
  deps: SyncDeps,
  context: RequestContext,
): Promise<Calendar[]> {
  const saved: Calendar[] = [];
  for (const linking of await deps.calendars.findLinking(scheduleId)) {
    let current: Calendar | null = linking;
    for (let attempt = 0; current; attempt++) {
      if (attempt === MAX_ATTEMPTS) {
        throw new ServiceUnavailableError(`calendar ${current.id} kept changing while a schedule change was applied`);
      }
      const links = edit(current);
      if (!links) break;
      const update: CalendarUpdate = {
        kind: 'calendarUpdated',
        calendar: { ...current, links, version: current.version + 1 },
        at: deps.clock.now(),
      };
      if (await deps.calendars.save(update, current.version, context.requestId)) {
        saved.push(update.calendar);
        break;
      }
      current = await deps.calendars.findById(current.id);
    }
  }
  for (const calendar of saved) void deps.outbox.flush(calendar.id);
  return saved;
}

/**
 * Brings a schedule's change into every calendar linking it whose snapshot is older (idempotent
 * by version: a repeated or late change finds nothing to do). Returns the calendars changed.
 */
export async function applyScheduleChange(
  change: ScheduleChange,
  deps: SyncDeps,
  context: RequestContext = {},
): Promise<Calendar[]> {
  // The schedule as its service answers now, when that is this change or a later one: whole, with
  // its name and slot ids, which the change's data lacks. Unreachable: the change's data will do.
  const answered = await deps.schedules.find(change.scheduleId).catch(() => null);
  const newer = answered && answered.version >= change.version ? answered : null;
  const version = newer?.version ?? change.version;
  return changeEachLinking(
    change.scheduleId,
    (calendar) => {
      const stale = (link: ScheduleLink) =>
        link.schedule.id === change.scheduleId && (link.scheduleVersion ?? 0) < version;
      if (!calendar.links.some(stale)) return null;
      return calendar.links.map((link) => {
        if (!stale(link)) return link;
        return newer
          ? { ...link, schedule: newer.schedule, scheduleVersion: newer.version }
          : changedLink(link, change);
      });
    },
    deps,
    context,
  );
}

/**
 * The schedule service's call after a change: applies it, then answers once the booking service
 * has applied every calendar it changed (each wait bounded; 503 otherwise, the change saved).
 */
export async function syncScheduleChange(
  actor: Principal,
  change: ScheduleChange,
  deps: CalendarDeps,
  context: RequestContext = {},
): Promise<void> {
  assertService(actor);
  await applyScheduleChange(change, deps, context);
  // Whoever saved the linking calendars (this call, or the consumer of the same change, which
  // may have come first and left nothing for this call to save), the answer waits until booking
  // has every calendar linking the schedule at its version now.
  const linking = await deps.calendars.findLinking(change.scheduleId);
  await Promise.all(linking.map((calendar) => inForce(calendar, deps)));
}

/** A deleted schedule: any calendar still linking it (a link made while it was deleted) drops it. */
export async function dropScheduleLinks(
  scheduleId: string,
  deps: SyncDeps,
  context: RequestContext = {},
): Promise<Calendar[]> {
  return changeEachLinking(
    scheduleId,
    (calendar) =>
      calendar.links.some((link) => link.schedule.id === scheduleId)
        ? calendar.links.filter((link) => link.schedule.id !== scheduleId)
        : null,
    deps,
    context,
  );
}

/** The calendars linking a schedule: the schedule service asks before it deletes one. */
export async function linkingCalendars(
  actor: Principal,
  scheduleId: string,
  deps: Pick<CalendarDeps, 'calendars'>,
): Promise<string[]> {
  assertService(actor);
  return (await deps.calendars.findLinking(scheduleId)).map((calendar) => calendar.id);
}

/**
 * After links were saved: any of their schedules changed since it was read (its change's call
 * and message may both have looked for linking calendars before this link was saved) is applied
 * now and brought into force, so no link keeps hours older than its schedule's. True when one was.
 */
export async function catchUpLinks(
  links: ScheduleLink[],
  deps: SyncDeps & Pick<CalendarDeps, 'bookings'>,
  context: RequestContext = {},
): Promise<boolean> {
  let caughtUp = false;
  for (const link of links) {
    // Unreachable: the link stands as read (its schedule's change, if any, still arrives as a message).
    const answered = await deps.schedules.find(link.schedule.id).catch(() => undefined);
    if (answered === null) {
      // Deleted meanwhile: its ScheduleDeleted may have looked for linking calendars before this
      // link was saved. Take the link back, so no calendar keeps a deleted schedule.
      await Promise.all(
        (await dropScheduleLinks(link.schedule.id, deps, context)).map((calendar) => inForce(calendar, deps)),
      );
      throw new NotFoundError('availability schedule', link.schedule.id);
    }
    if (!answered || answered.version <= (link.scheduleVersion ?? 0)) continue;
    const { timezone, timeSlots, dateOverrides } = answered.schedule;
    const change: ScheduleChange = {
      scheduleId: link.schedule.id,
      version: answered.version,
      timezone,
      timeSlots: timeSlots.map(({ id: _id, ...slot }) => slot),
      dateOverrides,
    };
    const saved = await applyScheduleChange(change, deps, context);
    await Promise.all(saved.map((calendar) => inForce(calendar, deps)));
    caughtUp ||= saved.length > 0;
  }
  return caughtUp;
}
