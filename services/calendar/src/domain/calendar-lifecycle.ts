import type { Rules } from '@slotkeeper/contracts';
import { assertOwner, ConflictError, NotFoundError, ServiceUnavailableError, type Principal } from '@slotkeeper/errors';
import type { Calendar, CalendarDetail, Owner } from './calendar.js';
import {
  assertExpiryAhead,
  assertLinked,
  changeCalendar,
  getCalendar,
  ownedCalendar,
  type CalendarDeps,
  type RequestContext,
} from './calendar-use-cases.js';

/** A calendar's `PATCH`: what is left out stays. */
export interface CalendarPatch {
  name?: string;
  rules: Partial<Rules>;
}

/**
 * One `calendarUpdated` change: `edit` gives what changes (or refuses), one version up; answers
 * with the calendar's detail once the change is in force for bookings.
 */
async function updateThenShow(
  actor: Principal,
  calendarId: string,
  edit: (calendar: Calendar) => Partial<Calendar>,
  deps: CalendarDeps,
  context: RequestContext,
): Promise<CalendarDetail> {
  await changeCalendar(
    actor,
    calendarId,
    async (calendar) => ({
      kind: 'calendarUpdated',
      calendar: { ...calendar, ...edit(calendar), version: calendar.version + 1 },
      at: deps.clock.now(),
    }),
    deps,
    context,
  );
  return getCalendar(actor, calendarId, deps);
}

/** Name and rules changed, one version up, in force for bookings once this answers. */
export async function updateCalendar(
  actor: Principal,
  calendarId: string,
  patch: CalendarPatch,
  deps: CalendarDeps,
  context: RequestContext = {},
): Promise<CalendarDetail> {
  const edit = (calendar: Calendar) => ({
    name: patch.name ?? calendar.name,
    rules: { ...calendar.rules, ...patch.rules },
  });
  return updateThenShow(actor, calendarId, edit, deps, context);
}

/** A link's expiry changed (null: never); one already past is refused. */
export async function updateLink(
  actor: Principal,
  calendarId: string,
  scheduleId: string,
  expiresOn: Date | null,
  deps: CalendarDeps,
  context: RequestContext = {},
): Promise<CalendarDetail> {
  const edit = (calendar: Calendar) => {
    assertLinked(calendar, scheduleId);
    assertExpiryAhead(expiresOn, deps);
    return {
      links: calendar.links.map((link) => (link.schedule.id === scheduleId ? { ...link, expiresOn } : link)),
    };
  };
  return updateThenShow(actor, calendarId, edit, deps, context);
}

/** The user's calendars (without events), by creation, then id; 404 for a user that does not exist. */
export async function listCalendars(
  actor: Principal,
  userId: string,
  deps: Pick<CalendarDeps, 'calendars' | 'users'>,
): Promise<Calendar[]> {
  assertOwner(actor, userId, 'user');
  const calendars = await deps.calendars.listByUser(userId);
  if (calendars.length === 0 && !(await deps.users.find(userId))) throw new NotFoundError('user', userId);
  return calendars;
}

/** What a booking page shows of a calendar, to anyone: the calendar and its owner's name and zone. */
export async function getPublicCalendar(
  calendarId: string,
  deps: Pick<CalendarDeps, 'calendars' | 'users'>,
): Promise<{ calendar: Calendar; owner: Owner }> {
  const calendar = await deps.calendars.findById(calendarId);
  if (!calendar) throw new NotFoundError('calendar', calendarId);
  const owner = await deps.users.find(calendar.userId);
  // A calendar outlives no owner (users are never deleted): a missing one is the user service's fault.
  if (!owner) throw new ServiceUnavailableError(`the owner of calendar ${calendarId} cannot be read`);
  return { calendar, owner };
}

const MAX_ATTEMPTS = 5;

/**
 * Deletes a calendar that has no confirmed event still to come. The booking service closes it
 * first (one ledger step: refused while such an event exists, and no booking gets in after), so
 * no booking lands on a calendar that is then deleted. Refused (409) while such an event exists.
 */
export async function deleteCalendar(
  actor: Principal,
  calendarId: string,
  deps: CalendarDeps,
  context: RequestContext = {},
): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const calendar = await ownedCalendar(actor, calendarId, deps);
    if ((await deps.bookings.close(calendarId)) === 'upcoming-events') {
      throw new ConflictError(`calendar ${calendarId} has confirmed events that have not ended; cancel them first`);
    }
    const deletion = { kind: 'calendarDeleted' as const, calendar: { ...calendar, version: calendar.version + 1 } };
    if (await deps.calendars.remove({ ...deletion, at: deps.clock.now() }, calendar.version, context.requestId)) {
      void deps.outbox.flush(calendarId);
      return;
    }
  }
  throw new ServiceUnavailableError('the calendar kept changing while this request was applied; try again');
}
