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
