import { ConflictError } from '@slotkeeper/errors';

/** A change of an event that is no longer confirmed (409). */
export class EventNotConfirmedError extends ConflictError {
  constructor(eventId: string) {
    super(`event ${eventId} is canceled and cannot be changed`);
  }
}

/** A calendar that still has meetings to come cannot be deleted (409). */
export class CalendarInUseError extends ConflictError {
  constructor(calendarId: string) {
    super(`calendar ${calendarId} has confirmed events that have not ended`);
  }
}

/**
 * The time overlaps a busy time of one of the calendar's outside calendars (409, like an event
 * in the way); it never names the outside event, which may be private.
 */
export class OwnerBusyError extends ConflictError {
  constructor() {
    super("the calendar's owner is busy then (in one of their connected calendars)");
  }
}
